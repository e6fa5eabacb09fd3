/**
 * Elementwise math beyond the op tables: ops of two or three operands and
 * ops whose options are not plain numbers. Each is composed of core ops, so
 * no backend implements anything for them; gradients come from autograd
 * through the composition, or (hypot) from PyTorch's formula.
 */
import { noGrad, record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { tidy } from '../scope.js';
import { Tensor } from '../tensor.js';
import { unbroadcast } from './broadcast.js';
import { cast } from './cast.js';
import { mod, where } from './elementwise.js';
import { checkScalar, describe, tensorOperands, type TensorLike } from './util.js';

/** The largest finite value of each float dtype: nanToNum's default for ±inf. */
const FLOAT_MAX = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE } as const;

function refuseBool(op: string, ...xs: TensorLike[]): void {
  for (const x of xs) {
    if (x instanceof Tensor && x.dtype === 'bool')
      throw new DTypeError(`${op}: takes numeric tensors, got bool ${JSON.stringify(x.shape)}; cast it first`);
  }
}

/**
 * The C-style remainder of x / y (PyTorch's fmod): it has the sign of the
 * dividend, where `mod` (remainder) has the divisor's: fmod(-7, 2) = -1,
 * mod(-7, 2) = 1. Exact for floats; x fmod 0 is NaN for floats and 0 for
 * int32 (PyTorch raises there). The gradient is 1 for x and -trunc(x / y)
 * for y, as PyTorch's.
 *
 * @example
 * t.fmod(t.tensor([-7, 7]), 2) // [-1, 1]
 */
export function fmod(x: TensorLike, y: TensorLike): Tensor {
  refuseBool('fmod', x, y);
  return tidy(() => {
    const [a, b] = tensorOperands('fmod', x, y);
    // Of operands with the same sign the floored and the truncated remainder agree, and are exact.
    const m = b.abs();
    return where(a.lt(0), mod(a.neg(), m).neg(), mod(a, m));
  });
}

/**
 * √(x² + y²) without overflow or underflow in between (PyTorch's hypot);
 * int operands give float32. hypot(±inf, NaN) is inf, as C's.
 *
 * @example
 * t.hypot(t.tensor([3, 5]), 4) // [5, 6.4031…]
 */
export function hypot(x: TensorLike, y: TensorLike): Tensor {
  refuseBool('hypot', x, y);
  return tidy(() => {
    const [x0, y0] = tensorOperands('hypot', x, y);
    const dtype = x0.dtype === 'float64' || y0.dtype === 'float64' ? 'float64' : 'float32';
    const [a, b] = [x0, y0].map((v) => (v.dtype === dtype ? v : cast(v, dtype)));
    const out = noGrad(() => {
      // big·√(1 + (small/big)²), 0 where both are 0; inf wins over NaN.
      const big = a.abs().maximum(b.abs());
      const small = a.abs().minimum(b.abs());
      const zero = big.eq(0);
      const r = big.mul(
        small
          .div(where(zero, 1, big))
          .square()
          .add(1)
          .sqrt(),
      );
      return where(a.isInf().logicalOr(b.isInf()), Infinity, r);
    });
    return record('hypot', [a, b], out, (g, o, needs) => [
      needs[0] ? unbroadcast(g.mul(a).div(o), a.shape) : null,
      needs[1] ? unbroadcast(g.mul(b).div(o), b.shape) : null,
    ]);
  });
}

/**
 * start + weight·(end - start), weight a tensor or a number, all three
 * broadcast (PyTorch's lerp). As PyTorch it computes end - (end - start)·(1 -
 * weight) where |weight| ≥ ½, so lerp(a, b, 1) is exactly b. Takes float tensors.
 *
 * @example
 * t.lerp(t.tensor([0, 10]), t.tensor([10, 20]), 0.25) // [2.5, 12.5]
 */
export function lerp(start: Tensor, end: Tensor, weight: TensorLike): Tensor {
  for (const [name, v] of [
    ['start', start],
    ['end', end],
    ['weight', weight],
  ] as const) {
    if (name !== 'weight' && !(v instanceof Tensor)) throw new ArgumentError(`lerp: '${name}' must be a tensor, got ${describe(v)}`);
    if (v instanceof Tensor && !isFloat(v.dtype))
      throw new DTypeError(`lerp: '${name}' must be a float tensor, got ${v.dtype}, as in PyTorch`);
  }
  return tidy(() => {
    const d = end.sub(start);
    if (typeof weight === 'number') {
      checkScalar('lerp', 'weight', weight);
      return Math.abs(weight) < 0.5 ? start.add(d.mul(weight)) : end.sub(d.mul(1 - weight));
    }
    return where(weight.abs().lt(0.5), start.add(d.mul(weight)), end.sub(d.mul(weight.neg().add(1))));
  });
}

/** addcmul's and addcdiv's options. */
export interface AddcOptions {
  /** The scale of the product or quotient (default 1). */
  value?: number;
}

function addcValue(op: string, options: AddcOptions | undefined): number {
  const value = options?.value ?? 1;
  checkScalar(op, 'value', value);
  return value;
}

/**
 * input + value·tensor1·tensor2, all three broadcast (PyTorch's addcmul).
 *
 * @example
 * t.addcmul(t.zeros([2]), t.tensor([1, 2]), t.tensor([3, 4]), { value: 0.5 }) // [1.5, 4]
 */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor {
  const value = addcValue('addcmul', options);
  return tidy(() => {
    const p = tensor1.mul(tensor2);
    return input.add(value === 1 ? p : p.mul(value));
  });
}

/**
 * input + value·tensor1/tensor2, all three broadcast (PyTorch's addcdiv).
 * As PyTorch, two int tensors are refused (their quotient would be integer division).
 *
 * @example
 * t.addcdiv(t.ones([2]), t.tensor([1, 2]), t.tensor([4, 4]), { value: 2 }) // [1.5, 2]
 */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor {
  const value = addcValue('addcdiv', options);
  if (tensor1 instanceof Tensor && tensor2 instanceof Tensor && !isFloat(tensor1.dtype) && !isFloat(tensor2.dtype)) {
    throw new DTypeError(
      `addcdiv: tensor1 and tensor2 are both ${tensor1.dtype}/${tensor2.dtype}; integer division is not supported, as in PyTorch (cast one to float)`,
    );
  }
  return tidy(() => {
    const q = tensor1.div(tensor2);
    return input.add(value === 1 ? q : q.mul(value));
  });
}

/** nanToNum's replacements. */
export interface NanToNumOptions {
  /** What NaN becomes (default 0). */
  nan?: number;
  /** What +inf becomes (default the dtype's largest finite value). */
  posinf?: number;
  /** What -inf becomes (default the dtype's lowest finite value). */
  neginf?: number;
}

/**
 * x with NaN, +inf and -inf replaced (PyTorch's nan_to_num). Int and bool
 * tensors have none: they come back as a copy. The gradient passes where x
 * is finite and is 0 at the replaced entries.
 *
 * @example
 * t.nanToNum(t.tensor([NaN, Infinity, -1]), { posinf: 100 }) // [0, 100, -1]
 */
export function nanToNum(x: Tensor, options: NanToNumOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`nanToNum: 'input' must be a tensor, got ${describe(x)}`);
  for (const [name, v] of Object.entries(options)) {
    if (!['nan', 'posinf', 'neginf'].includes(name))
      throw new ArgumentError(`nanToNum: unknown option '${name}' (takes nan, posinf, neginf)`);
    if (v !== undefined && v !== null) checkScalar('nanToNum', name, v);
  }
  if (!isFloat(x.dtype)) return x.clone();
  const max = FLOAT_MAX[x.dtype as keyof typeof FLOAT_MAX];
  const { nan = 0, posinf = max, neginf = -max } = options;
  return tidy(() => where(x.isNaN(), nan, where(x.isPosInf(), posinf, where(x.isNegInf(), neginf, x))));
}

/** gelu's options. */
export interface GeluOptions {
  /** 'none' (default): x·Φ(x) with the exact erf; 'tanh': PyTorch's tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/**
 * Gaussian error linear unit (PyTorch's gelu): x·Φ(x) = ½x(1 + erf(x/√2)),
 * or with `approximate: 'tanh'`, ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 * Float (int inputs are computed in float32).
 *
 * @example
 * t.gelu(t.tensor([-1, 0, 1])) // [-0.1587, 0, 0.8413]
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`gelu: 'input' must be a tensor, got ${describe(x)}`);
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ArgumentError(`gelu: approximate must be 'none' or 'tanh', got ${describe(approximate)}`);
  }
  if (x.dtype === 'bool') throw new DTypeError(`gelu: takes a numeric tensor, got bool ${JSON.stringify(x.shape)}; cast it first`);
  return tidy(() => {
    const v = isFloat(x.dtype) ? x : cast(x, 'float32');
    if (approximate === 'tanh') {
      const inner = v.add(v.square().mul(v).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
      return v.mul(inner.tanh().add(1)).mul(0.5);
    }
    return v.mul(v.mul(Math.SQRT1_2).erf().add(1)).mul(0.5);
  });
}
