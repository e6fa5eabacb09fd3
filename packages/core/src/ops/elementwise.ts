import type { BinaryOp, DType, UnaryOp } from '../backend/backend.js';
import { noGrad, record } from '../autograd.js';
import { isFloat, promoteTypes } from '../dtype.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor, fromHandle } from '../tensor.js';
import { unbroadcast } from './broadcast.js';
import { cast } from './cast.js';
import { UNARY_OPS, UNARY_OP_NAMES, type UnaryDecl, type UnaryMethodName, type UnaryResult, unaryMethodName } from './unary-table.js';
import { asTensor, backendOf, checkScalar, describe, tensorOperands, type TensorLike } from './util.js';

/** Issues a unary kernel without recording it. */
function unaryKernel(op: UnaryOp, x: Tensor, outDType: DType = x.dtype): Tensor {
  const b = backendOf(op, x);
  return fromHandle(b, b.unary(op, x.handle(op), x.dtype, x.size), x.shape, outDType);
}

/** Applies a table op: its dtype rule first, then the kernel, recorded with the table's gradient. */
export function unaryOp(op: UnaryOp, x: Tensor): Tensor {
  const decl: UnaryDecl = UNARY_OPS[op];
  if (!(x instanceof Tensor)) throw new ArgumentError(`${unaryMethodName(op)}: 'input' must be a tensor, got ${describe(x)}`);
  switch (decl.dtype) {
    case 'bool':
      // Other dtypes compare with 0 first.
      if (x.dtype !== 'bool') return tidy(() => unaryOp(op, x.ne(0)));
      return record(op, [x], unaryKernel(op, x, 'bool'), null);
    case 'predicate':
      if (!isFloat(x.dtype)) return x.zerosLike().cast('bool');
      return record(op, [x], unaryKernel(op, x, 'bool'), null);
    case 'float':
      if (!isFloat(x.dtype)) return tidy(() => unaryOp(op, cast(x, 'float32')));
      break;
    case 'numeric':
      if (x.dtype === 'bool') throw new DTypeError(`${op}: takes a numeric tensor, got bool ${JSON.stringify(x.shape)}; cast it first`);
  }
  const grad = decl.grad;
  const out = unaryKernel(op, x);
  if (grad === null) return record(op, [x], out, null);
  return record(op, [x], out, (g, o) => [grad === 'zero' ? g.zerosLike() : grad(g, x, o)]);
}

type UnaryFunctions = { [K in UnaryOp as UnaryMethodName<K>]: (x: Tensor) => UnaryResult<K> };

/** One function per table op, under its method name. */
export const unaryFunctions = Object.fromEntries(
  UNARY_OP_NAMES.map((op) => [unaryMethodName(op), (x: Tensor) => unaryOp(op, x)]),
) as UnaryFunctions;

// Named exports for the public API and tree shaking; `unaryFunctions` is what a
// new table op gets without touching this list (a test checks the two agree).
export const {
  neg, abs, sign, square, exp, log, log1p, expm1, sqrt, rsqrt, reciprocal, sin, cos, tanh, sigmoid, erf, relu,
  floor, ceil, round, logicalNot, isNaN, isInf,
} = unaryFunctions;

/** Clamps into [min, max] (either may be omitted); the gradient passes where min ≤ x ≤ max. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  if (min != null) checkScalar('clamp', 'min', min);
  if (max != null) checkScalar('clamp', 'max', max);
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  // A fractional bound makes an int32 clamp float32, as PyTorch's type promotion with a float scalar.
  const fractional = (v: number) => Number.isFinite(v) && !Number.isInteger(v);
  if (x.dtype === 'int32' && (fractional(lo) || fractional(hi))) return tidy(() => clamp(cast(x, 'float32'), min, max));
  const b = backendOf('clamp', x);
  const out = fromHandle(b, b.clamp(x.handle('clamp'), x.dtype, x.size, lo, hi), x.shape, x.dtype);
  return record('clamp', [x], out, (g) => [g.mul(cast(x.ge(lo).logicalAnd(x.le(hi)), g.dtype))]);
}

/** Issues a broadcasting binary kernel on operands of one dtype, without recording. */
function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, outDType: DType): Tensor {
  const backend = backendOf(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const h = backend.binary(op, a.handle(op), a.shape, b.handle(op), b.shape, shape, a.dtype);
  return fromHandle(backend, h, shape, outDType);
}

/** Brings both operands to one dtype, as PyTorch promotes them. */
function promote(a: Tensor, b: Tensor, floatResult = false): [Tensor, Tensor] {
  let dtype = promoteTypes(a.dtype, b.dtype);
  // A 0-d operand made from a JS number does not widen a float tensor to float64.
  if (a.rank === 0 && isFloat(b.dtype) && isFloat(a.dtype)) dtype = b.dtype;
  else if (b.rank === 0 && isFloat(a.dtype) && isFloat(b.dtype)) dtype = a.dtype;
  if (floatResult && !isFloat(dtype)) dtype = 'float32';
  return [a.dtype === dtype ? a : cast(a, dtype), b.dtype === dtype ? b : cast(b, dtype)];
}

/** Both operands bool tensors (add/mul/maximum/minimum of bools are logic ops, as PyTorch). */
function bothBool(a: TensorLike, b: TensorLike): boolean {
  return a instanceof Tensor && b instanceof Tensor && a.dtype === 'bool' && b.dtype === 'bool';
}

type BinaryBackward = (g: Tensor, a: Tensor, b: Tensor, out: Tensor, needs: readonly boolean[]) => [Tensor | null, Tensor | null];

function arithmetic(op: BinaryOp, x: TensorLike, y: TensorLike, backward: BinaryBackward, floatResult = false): Tensor {
  // tidy frees the scalar and cast temporaries; the graph keeps what backward reads.
  return tidy(() => arithmeticOp(op, x, y, backward, floatResult));
}

function arithmeticOp(op: BinaryOp, x: TensorLike, y: TensorLike, backward: BinaryBackward, floatResult: boolean): Tensor {
  const [xt, yt] = tensorOperands(op, x, y);
  const [a, b] = promote(xt, yt, floatResult);
  if (a.dtype === 'bool') throw new DTypeError(`${op}: takes numeric tensors, got bool; cast first`);
  const out = binaryKernel(op, a, b, a.dtype);
  return record(op, [a, b], out, (g, o, needs) => {
    const [ga, gb] = backward(g, a, b, o, needs);
    return [ga && unbroadcast(ga, a.shape), gb && unbroadcast(gb, b.shape)];
  });
}

/** a + b; of two bools: or, as PyTorch. */
export const add = (a: TensorLike, b: TensorLike): Tensor => (bothBool(a, b) ? logicalOr(a as Tensor, b as Tensor) : arithmetic('add', a, b, (g) => [g, g]));
/** a - b. A bool operand is refused, as PyTorch does (to invert a mask, logicalNot it). */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  if ((a instanceof Tensor && a.dtype === 'bool') || (b instanceof Tensor && b.dtype === 'bool')) {
    throw new DTypeError('sub: subtraction with a bool tensor is not supported, as in PyTorch; use logicalNot/logicalXor, or cast it first');
  }
  return arithmetic('sub', a, b, (g, _a, _b, _o, n) => [g, n[1] ? neg(g) : null]);
}
/** a · b; of two bools: and, as PyTorch. */
export const mul = (a: TensorLike, b: TensorLike): Tensor =>
  bothBool(a, b) ? logicalAnd(a as Tensor, b as Tensor) : arithmetic('mul', a, b, (g, a, b, _o, n) => [n[0] ? g.mul(b) : null, n[1] ? g.mul(a) : null]);
/** True division, as PyTorch's `/`: int and bool operands give float32 (`[1, -1, 7] / 2` → `[0.5, -0.5, 3.5]`). */
export const div = (a: TensorLike, b: TensorLike): Tensor =>
  arithmetic('div', a, b, (g, _a, b, out, n) => [n[0] ? g.div(b) : null, n[1] ? g.mul(out).div(b).neg() : null], true);

/**
 * a ** b, with PyTorch's gradients: b·a^(b-1), which is 0 where b = 0 (not
 * 0·inf at a = 0); out·log(a), which is 0 where a = 0 and b ≥ 0. The
 * masked entries are computed from safe stand-ins (exponent 1, base 1), so
 * no 0·inf NaN is made even where it would be masked (anomaly mode,
 * second-order gradients).
 */
export const pow = (a: TensorLike, b: TensorLike): Tensor =>
  arithmetic('pow', a, b, (g, a, b, out, n) => [
    n[0] ? g.mul(where(b.eq(0), 0, b.mul(pow(a, where(b.eq(0), 1, b).sub(1))))) : null,
    n[1] ? powExponentGrad(g, a, b, out) : null,
  ]);

function powExponentGrad(g: Tensor, a: Tensor, b: Tensor, out: Tensor): Tensor {
  const zeroBase = a.eq(0).logicalAnd(b.ge(0));
  return g.mul(where(zeroBase, 0, out.mul(log(where(zeroBase, 1, a)))));
}

/**
 * PyTorch's rule for maximum/minimum: on ties each side gets half the
 * gradient; the side that lost gets none; with a NaN neither lost, so both get all of it.
 */
function extremumGrad(g: Tensor, a: Tensor, b: Tensor, aLost: Tensor, bLost: Tensor): [Tensor, Tensor] {
  const shared = where(a.eq(b), g.div(2), g);
  return [where(aLost, 0, shared), where(bLost, 0, shared)];
}

/** Elementwise maximum (NaN wins); on ties the gradient is split evenly, as PyTorch does. Of bools: or. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor =>
  bothBool(a, b) ? logicalOr(a as Tensor, b as Tensor) : arithmetic('maximum', a, b, (g, a, b) => extremumGrad(g, a, b, a.lt(b), a.gt(b)));

/** Elementwise minimum (NaN wins); of bools: and. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor =>
  bothBool(a, b) ? logicalAnd(a as Tensor, b as Tensor) : arithmetic('minimum', a, b, (g, a, b) => extremumGrad(g, a, b, a.gt(b), a.lt(b)));

/** Remainder with the sign of the divisor (Python's %, PyTorch's remainder): a = floorDivide(a, b)·b + mod(a, b). */
export const mod = (a: TensorLike, b: TensorLike): Tensor =>
  arithmetic('mod', a, b, (g, a, b, _o, n) => [g, n[1] ? g.mul(floorDivide(a, b)).neg() : null]);

/**
 * Division rounded toward −∞ (PyTorch's floor_divide and `//`): int32
 * operands stay int32, floats follow PyTorch's rounding exactly
 * (`floorDivide(1, 0.1)` is 9, as `fmod` says, not floor(1 / 0.1) = 10).
 * x // 0 is ±Infinity/NaN for floats and 0 for int32 (PyTorch raises there).
 * Not differentiable: the gradient is zero, as of a step function.
 *
 * @example
 * t.floorDivide(t.tensor([7, -7], { dtype: 'int32' }), 2) // int32 [3, -4]
 */
export function floorDivide(x: TensorLike, y: TensorLike): Tensor {
  // A bool beside a number promotes (True // 2 = 0), two bools are refused, as PyTorch.
  if (bothBool(x, y)) throw new DTypeError('floorDivide: takes numeric tensors, got bool and bool; cast first');
  return tidy(() =>
    noGrad(() => {
      const r = mod(x, y); // checks the operands first
      const xt = asTensor(x, y instanceof Tensor ? y : (x as Tensor));
      const [a, b] = promote(xt, asTensor(y, xt));
      if (a.dtype === 'int32') {
        // The backend's int32 div truncates toward zero (x / 0 gives 0): step down where
        // the remainder is non-zero and the signs differ.
        const q = binaryKernel('div', a, b, 'int32');
        return q.sub(cast(r.ne(0).logicalAnd(a.lt(0).ne(b.lt(0))), 'int32'));
      }
      // a - r is a multiple of b up to rounding, which round() removes, as PyTorch's div_floor does.
      // r is ±inf only for b = ±inf and a finite of the other sign, where the quotient is -1
      // (-0.5 // inf = -1). Stand-ins (b = 1, r = 0) keep inf/NaN out of the branches not taken.
      const zero = b.eq(0);
      const infinite = r.isInf();
      const safeB = where(zero, 1, b);
      const q = round(a.sub(where(infinite, 0, r)).div(safeB));
      // A zero quotient takes the sign of a / b, as PyTorch's copysign(0, a / b): -0 // 2 = -0.
      const signedQ = where(q.eq(0), a.div(safeB).mul(0), q);
      return where(zero, a.div(b), where(infinite, -1, signedQ));
    }),
  );
}

function comparison(op: BinaryOp, x: TensorLike, y: TensorLike): Tensor<'bool'> {
  return tidy(() => {
    const [a, b] = promote(...tensorOperands(op, x, y));
    return record(op, [a, b], binaryKernel(op, a, b, 'bool'), null);
  }) as Tensor<'bool'>;
}

export const eq = (a: TensorLike, b: TensorLike): Tensor<'bool'> => comparison('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor<'bool'> => comparison('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor<'bool'> => comparison('lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor<'bool'> => comparison('le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor<'bool'> => comparison('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor<'bool'> => comparison('ge', a, b);

function logical(op: 'and' | 'or', x: Tensor, y: Tensor): Tensor<'bool'> {
  return tidy(() => {
    const a = x.dtype === 'bool' ? x : x.ne(0);
    const b = y.dtype === 'bool' ? y : y.ne(0);
    return record(op, [a, b], binaryKernel(op, a, b, 'bool'), null);
  }) as Tensor<'bool'>;
}

export const logicalAnd = (a: Tensor, b: Tensor) => logical('and', a, b);
export const logicalOr = (a: Tensor, b: Tensor) => logical('or', a, b);
export const logicalXor = (a: Tensor, b: Tensor): Tensor<'bool'> =>
  tidy(() => comparison('ne', a.dtype === 'bool' ? a : a.ne(0), b.dtype === 'bool' ? b : b.ne(0)));

/**
 * cond ? a : b elementwise, all three broadcast together. Gradients flow to
 * a where cond holds and to b elsewhere.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  return tidy(() => whereOp(cond, a, b));
}

function whereOp(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(cond instanceof Tensor)) throw new ArgumentError(`where: 'cond' must be a tensor, got ${describe(cond)}`);
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
  const at = like ? asTensor(a, like, 'where', 'input') : asTensor(a, cast(cond, 'float32'), 'where', 'input');
  const [x, y] = promote(at, asTensor(b, at, 'where', 'other'));
  const c = cond.dtype === 'bool' ? cond : cond.ne(0);
  const backend = backendOf('where', c, x, y);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape);
  const h = backend.where(c.handle('where'), c.shape, x.handle('where'), x.shape, y.handle('where'), y.shape, shape, x.dtype);
  const out = fromHandle(backend, h, shape, x.dtype);
  return record('where', [x, y], out, (g, _o, n) => [
    n[0] ? unbroadcast(where(c, g, 0), x.shape) : null,
    n[1] ? unbroadcast(where(c, 0, g), y.shape) : null,
  ], [c]);
}

