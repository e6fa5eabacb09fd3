import { isGradEnabled, record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { ArgumentError } from '../errors.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor, fromHandle } from '../tensor.js';
import { cast } from './cast.js';
import { arange } from './creation.js';
import { where } from './elementwise.js';
import { SCAN_OPS, SCAN_OP_NAMES, type ScanDecl, type ScanName, type ScanOp } from './scan-table.js';
import { backendOf, describe } from './util.js';

/** The scan kernel along `dim` of x viewed as [outer, size, inner], not recorded. */
function scanKernel(name: string, op: ScanOp, x: Tensor, dim: number): Tensor {
  const b = backendOf(name, x);
  const outer = sizeOf(x.shape.slice(0, dim));
  const inner = sizeOf(x.shape.slice(dim + 1));
  return fromHandle(b, b.scan(op, x.handle(name), x.dtype, outer, x.shape[dim], inner), x.shape, x.dtype);
}

/** The checked dim of a scan (a 0-d tensor takes dim 0 or -1, as PyTorch). */
function scanDim(op: string, x: Tensor, dim: number): number {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: 'input' must be a tensor, got ${describe(x)}`);
  if (typeof dim !== 'number') throw new ArgumentError(`${op}: 'dim' must be a number, got ${describe(dim)}`);
  return normalizeAxis(op, dim, Math.max(x.rank, 1), 'dim');
}

/** A scan of a 0-d tensor: the same of its one entry as a [1]. */
function ofScalar(x: Tensor, scan: (v: Tensor) => Tensor): Tensor {
  return tidy(() => scan(x.reshape([1])).reshape([]));
}

/** Σ from the end: out[i] = x[i] + … + x[n-1] along dim. */
export function reverseCumsum(x: Tensor, dim: number): Tensor {
  return cumsum(x.flip(dim), dim).flip(dim);
}

/** Applies a table scan: its dtype rule, then the kernel, recorded with the table's gradient. */
function scanOp(op: ScanName, x: Tensor, dim: number): Tensor {
  const d = scanDim(op, x, dim);
  if (x.rank === 0) return ofScalar(x, (v) => scanOp(op, v, 0));
  const decl: ScanDecl = SCAN_OPS[op];
  if (x.dtype === 'bool' || (decl.dtype === 'float' && !isFloat(x.dtype))) {
    return tidy(() => scanOp(op, cast(x, decl.dtype === 'float' ? 'float32' : 'int32'), d));
  }
  return record(op, [x], scanKernel(op, decl.kernel, x, d), (g, out) => [decl.grad(g, x, out, d)]);
}

/** One function per table scan, under its name. */
export const scanFunctions = Object.fromEntries(SCAN_OP_NAMES.map((op) => [op, (x: Tensor, dim: number) => scanOp(op, x, dim)])) as {
  [K in ScanName]: (x: Tensor, dim: number) => Tensor;
};

// Named exports for the public API; `scanFunctions` is what a new table op gets without touching this list.
/**
 * Cumulative sum along `dim`: out[i] = x[0] + … + x[i]. int32 stays int32
 * (PyTorch widens to int64; Tensile has no int64), bool counts as int32.
 * Its gradient is the cumulative sum of the gradient from the end.
 *
 * @example
 * t.tensor([1, 2, 3]).cumsum(0); // [1, 3, 6]
 */
export const cumsum = scanFunctions.cumsum;
/**
 * Cumulative product along `dim`: out[i] = x[0] · … · x[i]; int32 stays
 * int32, bool counts as int32. Its gradient is PyTorch's, exact where x
 * has zeros (no 0/0): see cumprodGrad.
 *
 * @example
 * t.tensor([1, 2, 3]).cumprod(0); // [1, 2, 6]
 */
export const cumprod = scanFunctions.cumprod;
/**
 * log(Σ_{k≤i} exp(x[k])) along `dim`, accumulated without overflow (PyTorch's
 * logcumsumexp); int32 and bool inputs are computed in float32.
 *
 * @example
 * t.tensor([0, 0]).logcumsumexp(0); // [0, log 2]
 */
export const logcumsumexp = scanFunctions.logcumsumexp;

/**
 * d/dx_i of Σ_j g_j·out_j along each row, with z the row's first zero
 * (n when it has none):
 * - i < z: Σ_{j≥i} g_j·out_j / x_i (x_i ≠ 0 there; out_j = 0 from z on);
 * - i = z: Σ_{j≥z} g_j·Π_{k≤j, k≠z} x_k, the cumulative product with x_z replaced by 1;
 * - i > z: 0 (every product holds x_z = 0).
 * While a graph is recorded (createGraph) it is PyTorch's exact form
 * instead (cumprodGradRecorded), whose own derivative is right at zeros too.
 */
export function cumprodGrad(g: Tensor, x: Tensor, out: Tensor, dim: number): Tensor {
  const n = x.shape[dim];
  if (x.size === 0) return g;
  if (isGradEnabled()) return cumprodGradRecorded(g, x, dim);
  const pos = arange(0, n, 1, { dtype: 'int32' }).reshape(x.shape.map((s, a) => (a === dim ? s : 1)));
  const z = where(x.eq(0), pos, n).amin([dim], true);
  const before = pos.lt(z);
  const atZero = pos.eq(z);
  const beforeZero = reverseCumsum(g.mul(out), dim).div(where(before, x, 1));
  const zeroless = cumprod(where(atZero, 1, x), dim);
  const fromZero = where(pos.ge(z), g.mul(zeroless), 0).sum([dim], true);
  return where(before, beforeZero, where(atZero, fromZero, 0));
}

/**
 * Σ_{j≥i} g_j·Π_{k≤j, k≠i} x_k with no division: row i of an n×n matrix
 * holds x with x_i replaced by 1, its cumulative product gives every
 * product at once (O(n²) memory, as PyTorch's double-backward path).
 */
function cumprodGradRecorded(g: Tensor, x: Tensor, dim: number): Tensor {
  const n = x.shape[dim];
  const xs = x.transpose(dim, -1).unsqueeze(-2); // [..., 1, n]
  const gs = g.transpose(dim, -1).unsqueeze(-2);
  const i = arange(0, n, 1, { dtype: 'int32' }).reshape([n, 1]);
  const j = arange(0, n, 1, { dtype: 'int32' }).reshape([1, n]);
  const others = cumprod(where(i.eq(j), 1, xs), -1); // [..., n (i), n (j)]
  return where(j.ge(i), others.mul(gs), 0).sum(-1).transpose(dim, -1);
}

/**
 * Σ_{j≥i} g_j·exp(x_i - out_j), split into the positive and negative parts
 * of g so that each sum is a reversed logcumsumexp of log|g| - out (no
 * overflow); entries of the other sign count as the lowest finite number
 * rather than log 0 = -Inf, as PyTorch.
 */
export function logcumsumexpGrad(g: Tensor, x: Tensor, out: Tensor, dim: number): Tensor {
  const lowest = g.dtype === 'float64' ? -Number.MAX_VALUE : -3.4028234663852886e38;
  const logAbs = g.abs().log();
  const part = (sign: Tensor) =>
    reverseLogcumsumexp(where(sign, logAbs, lowest).sub(out), dim)
      .add(x)
      .exp();
  return part(g.gt(0)).sub(part(g.lt(0)));
}

function reverseLogcumsumexp(x: Tensor, dim: number): Tensor {
  return logcumsumexp(x.flip(dim), dim).flip(dim);
}
