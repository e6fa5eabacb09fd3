import type { BinaryOp, DType, FusedUnaryOp, RequiredUnaryOp, UnaryOp } from '../backend/backend.js';
import { noGrad, record } from '../autograd.js';
import { isFloat, promoteTypes } from '../dtype.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor, fromHandle } from '../tensor.js';
import { elementwiseInputs } from '../layout.js';
import { unbroadcast } from './broadcast.js';
import { cast } from './cast.js';
import {
  BINARY_OPS,
  BINARY_OP_NAMES,
  type AlphaOptions,
  type BinaryDecl,
  type BinaryMethodName,
  type BinaryOptionArgs,
  type BinaryResult,
  binaryMethodName,
} from './binary-table.js';
import {
  UNARY_OPS,
  UNARY_OP_NAMES,
  type UnaryDecl,
  type UnaryMethodName,
  type UnaryOptions,
  type UnaryResult,
  isKernelOp,
  unaryMethodName,
} from './unary-table.js';
import { asTensor, backendOf, checkScalar, describe, tensorOperands, type TensorLike } from './util.js';

/** Issues a unary kernel without recording it. */
function unaryKernel(op: RequiredUnaryOp, x: Tensor, outDType: DType = x.dtype): Tensor {
  const b = backendOf(op, x);
  return fromHandle(b, b.unary(op, x.handle(op), x.dtype, x.size), x.shape, outDType);
}

const NO_PARAMS: Readonly<Record<string, number>> = {};

/** An op's options over its defaults, each checked to be a number. */
function withDefaults(op: string, defaults: Readonly<Record<string, number>>, options?: Readonly<Record<string, number | undefined>>) {
  const p: Record<string, number> = { ...defaults };
  for (const [name, value] of Object.entries(options ?? {})) {
    if (!(name in defaults)) throw new ArgumentError(`${op}: unknown option '${name}' (takes ${Object.keys(defaults).join(', ')})`);
    if (value === undefined) continue;
    checkScalar(op, name, value);
    p[name] = value;
  }
  return p;
}

/** A composable op: the backend's fused kernel where it has one (only for a fusable op), else the table's composition (not recorded). */
function composedOrFused(op: UnaryOp, x: Tensor, composite: (x: Tensor) => Tensor, fusable: boolean): Tensor {
  const b = backendOf(op, x);
  const h = fusable ? (b.fusedUnary?.(op as FusedUnaryOp, x.handle(op), x.dtype, x.size) ?? null) : null;
  if (h !== null) return fromHandle(b, h, x.shape, x.dtype);
  return tidy(() => noGrad(() => composite(x)));
}

/** Applies a table op: its dtype rule first, then the kernel, recorded with the table's gradient. */
function unaryOp(op: UnaryOp, x: Tensor, options?: Readonly<Record<string, number | undefined>>): Tensor {
  const decl: UnaryDecl = UNARY_OPS[op];
  const p = decl.params && withDefaults(op, decl.params, options);
  const invalid = p && decl.invalid?.(p);
  if (invalid) throw new ArgumentError(`${unaryMethodName(op)}: ${invalid}`);
  if (!(x instanceof Tensor)) throw new ArgumentError(`${unaryMethodName(op)}: 'input' must be a tensor, got ${describe(x)}`);
  switch (decl.dtype) {
    case 'bool':
      // Other dtypes compare with 0 first.
      if (x.dtype !== 'bool') return tidy(() => unaryOp(op, x.ne(0)));
      return record(op, [x], unaryKernel(op as RequiredUnaryOp, x, 'bool'), null);
    case 'predicate':
      // A composite (isfinite) decides for every dtype itself.
      if (decl.composite)
        return record(
          op,
          [x],
          composedOrFused(op, x, (x) => decl.composite!(x, NO_PARAMS), false),
          null,
        );
      if (!isFloat(x.dtype)) return x.zerosLike().cast('bool');
      return record(op, [x], unaryKernel(op as RequiredUnaryOp, x, 'bool'), null);
    case 'float':
      if (!isFloat(x.dtype)) return tidy(() => unaryOp(op, cast(x, 'float32'), options));
      break;
    case 'numeric':
      if (x.dtype === 'bool') throw new DTypeError(`${op}: takes a numeric tensor, got bool ${JSON.stringify(x.shape)}; cast it first`);
  }
  const grad = decl.grad;
  const params = p ?? NO_PARAMS;
  const out = decl.composite
    ? composedOrFused(op, x, (x) => decl.composite!(x, params), isKernelOp(decl))
    : unaryKernel(op as RequiredUnaryOp, x);
  if (grad === null) return record(op, [x], out, null);
  return record(op, [x], out, (g, o) => [grad === 'zero' ? g.zerosLike() : grad(g, x, o, params)]);
}

type UnaryFunctions = { [K in UnaryOp as UnaryMethodName<K>]: (x: Tensor, options?: UnaryOptions<K>) => UnaryResult<K> };

/** One function per table op, under its method name. */
export const unaryFunctions = Object.fromEntries(
  UNARY_OP_NAMES.map((op) => [unaryMethodName(op), (x: Tensor, options?: Readonly<Record<string, number>>) => unaryOp(op, x, options)]),
) as UnaryFunctions;

// Named exports for the public API and tree shaking; `unaryFunctions` is what a
// new table op gets without touching this list (a test checks the two agree).
export const {
  neg,
  abs,
  sign,
  square,
  exp,
  log,
  log1p,
  expm1,
  sqrt,
  rsqrt,
  reciprocal,
  sin,
  cos,
  tanh,
  sigmoid,
  erf,
  relu,
  floor,
  ceil,
  round,
  logicalNot,
  isNaN,
  isInf,
  softplus,
  tan,
  asin,
  acos,
  atan,
  sinh,
  cosh,
  asinh,
  acosh,
  atanh,
  log2,
  log10,
  exp2,
  trunc,
  frac,
  mish,
  hardswish,
  hardsigmoid,
  relu6,
  selu,
  elu,
  celu,
  leakyRelu,
  logsigmoid,
  isFinite,
  isPosInf,
  isNegInf,
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
  const out = b.clamp
    ? fromHandle(b, b.clamp(x.handle('clamp'), x.dtype, x.size, lo, hi), x.shape, x.dtype)
    : tidy(() => noGrad(() => clampComposite(x, lo, hi)));
  return record('clamp', [x], out, (g) => [g.mul(cast(x.ge(lo).logicalAnd(x.le(hi)), g.dtype))]);
}

/** clamp from maximum and minimum (NaN propagates through both); int32 bounds are whole or infinite here. */
function clampComposite(x: Tensor, lo: number, hi: number): Tensor {
  // min(max(x, lo), hi) gives hi everywhere when lo > hi, as PyTorch.
  const low = lo === -Infinity ? x : maximum(x, lo);
  return hi === Infinity ? (low === x ? x.clone() : low) : minimum(low, hi);
}

/** Issues a broadcasting binary kernel on operands of one dtype, without recording. */
function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, outDType: DType): Tensor {
  const backend = backendOf(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const l = elementwiseInputs(op, shape, [a, b]);
  const h = backend.binary(op, l.inputs[0], l.inputs[1], l.shape, a.dtype);
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

/** Applies a binary table op: its dtype rule, the broadcasting kernel, recorded with the table's gradient. */
function binaryOp(op: BinaryOp, x: TensorLike, y: TensorLike, options?: AlphaOptions): Tensor {
  const decl: BinaryDecl = BINARY_OPS[op];
  const isBool = (v: TensorLike) => v instanceof Tensor && v.dtype === 'bool';
  if (decl.bools === 'refuse' && (isBool(x) || isBool(y))) {
    throw new DTypeError(`${op}: a bool operand is not supported, as in PyTorch; use logicalNot/logicalXor, or cast it first`);
  }
  const alpha = options?.alpha;
  if (alpha !== undefined && alpha !== 1) return scaledOp(op, x, y, alpha);
  if (decl.bools !== undefined && decl.bools !== 'refuse' && bothBool(x, y)) return binaryOp(decl.bools, x, y);
  // tidy frees the scalar and cast temporaries; the graph keeps what backward reads.
  return tidy(() => {
    if (decl.kind === 'logical') {
      const [xt, yt] = tensorOperands(op, x, y);
      const a = xt.dtype === 'bool' ? xt : xt.ne(0);
      const b = yt.dtype === 'bool' ? yt : yt.ne(0);
      return record(op, [a, b], binaryKernel(op, a, b, 'bool'), null);
    }
    const [a, b] = promote(...tensorOperands(op, x, y), decl.floatResult === true);
    if (decl.kind === 'comparison') return record(op, [a, b], binaryKernel(op, a, b, 'bool'), null);
    if (a.dtype === 'bool') throw new DTypeError(`${op}: takes numeric tensors, got bool; cast first`);
    const grad = decl.grad;
    const out = binaryKernel(op, a, b, a.dtype);
    if (grad === null) return record(op, [a, b], out, null);
    return record(op, [a, b], out, (g, o, needs) => {
      const [ga, gb] = grad(g, a, b, o, needs);
      return [ga && unbroadcast(ga, a.shape), gb && unbroadcast(gb, b.shape)];
    });
  });
}

/**
 * add/sub with alpha ≠ 1: a ± alpha·b, PyTorch's alpha. The backend's addScaled kernel where it has one
 * and the operands are float tensors of one shape (an optimizer's update), else the product then the op.
 */
function scaledOp(op: BinaryOp, x: TensorLike, y: TensorLike, alpha: unknown): Tensor {
  if (typeof alpha !== 'number') throw new ArgumentError(`${op}: 'alpha' must be a number, got ${describe(alpha)}`);
  return tidy(() => {
    const [a, b] = promote(...tensorOperands(op, x, y), false);
    // Bools compute in bool, as PyTorch: alpha counts as true or false, so a + alpha·b is a or (alpha ≠ 0 and b).
    if (a.dtype === 'bool') return binaryOp(op, a, alpha !== 0 ? b : b.zerosLike());
    if (a.dtype === 'int32' && !Number.isInteger(alpha)) {
      throw new DTypeError(`${op}: int32 operands take an integer alpha, as in PyTorch; got alpha ${alpha}`);
    }
    const backend = backendOf(op, a, b);
    const signed = op === 'sub' ? -alpha : alpha;
    const lined = isFloat(a.dtype) && a.size > 0 && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    if (backend.addScaled && lined) {
      const out = fromHandle(backend, backend.addScaled(a.handle(op), b.handle(op), signed, a.dtype, a.size), a.shape, a.dtype);
      return record(op, [a, b], out, (g, _o, needs) => [g, needs[1] ? g.mul(signed) : null]);
    }
    return binaryOp(op, a, mul(b, alpha));
  });
}

type BinaryFunctions = {
  [K in BinaryOp as BinaryMethodName<K>]: (a: BinaryOperand<K>, b: BinaryOperand<K>, ...options: BinaryOptionArgs<K>) => BinaryResult<K>;
};
type BinaryOperand<K extends BinaryOp> = (typeof BINARY_OPS)[K]['kind'] extends 'logical' ? Tensor : TensorLike;

/** One function per table op, under its method name (add and sub take `{ alpha }` too). */
export const binaryFunctions = Object.fromEntries(
  BINARY_OP_NAMES.map((op) => {
    const takesAlpha = (BINARY_OPS[op] as BinaryDecl).alpha === true;
    return [
      binaryMethodName(op),
      (a: TensorLike, b: TensorLike, options?: AlphaOptions) => binaryOp(op, a, b, takesAlpha ? options : undefined),
    ];
  }),
) as BinaryFunctions;

// Named exports for the public API; a test checks they are binaryFunctions' entries.
export const { add, sub, mul, div, pow, maximum, minimum, mod, atan2, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr } = binaryFunctions;

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

export const logicalXor = (a: Tensor, b: Tensor): Tensor<'bool'> =>
  tidy(() => binaryOp('ne', a.dtype === 'bool' ? a : a.ne(0), b.dtype === 'bool' ? b : b.ne(0))) as Tensor<'bool'>;

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
  const l = elementwiseInputs('where', shape, [c, x, y]);
  const h = backend.where(l.inputs[0], l.inputs[1], l.inputs[2], l.shape, x.dtype);
  const out = fromHandle(backend, h, shape, x.dtype);
  return record(
    'where',
    [x, y],
    out,
    (g, _o, n) => [n[0] ? unbroadcast(where(c, g, 0), x.shape) : null, n[1] ? unbroadcast(where(c, 0, g), y.shape) : null],
    [c],
  );
}
