/**
 * One declaration per scan (a cumulative op along one dim). From this table
 * come the `ScanOp` union of the backend contract (the `kernel` names), the
 * Tensor methods and functions with their types, and the conformance cases
 * (forward against `ref` on every row, gradcheck and gradgradcheck of `grad`).
 */
import type { Tensor } from '../tensor.js';
import { cumprodGrad, logcumsumexpGrad, reverseCumsum } from './scan.js';

/**
 * - `sum`: the input dtype (int32 stays int32: PyTorch widens to int64, which Tensile lacks); bool counts as int32.
 * - `float`: float dtypes keep theirs; int32 and bool are computed in float32.
 */
export type ScanDTypeRule = 'sum' | 'float';

export interface ScanDecl {
  readonly dtype: ScanDTypeRule;
  /** The scan kernel's op (the contract's ScanOp). */
  readonly kernel: 'sum' | 'prod' | 'logsumexp';
  /** The op over one row, in float64 JS, for the conformance suite. */
  readonly ref: (row: readonly number[]) => number[];
  /** Where random test inputs are drawn from. */
  readonly domain: readonly [number, number];
  /** The input's gradient from the output's (g), the input, the output and the dim, written with tensor ops. */
  readonly grad: (g: Tensor, x: Tensor, out: Tensor, dim: number) => Tensor;
}

/** The running fold of a row, starting from its first entry. */
const running = (f: (acc: number, v: number) => number) => (row: readonly number[]) => {
  const out: number[] = [];
  row.forEach((v, i) => out.push(i === 0 ? v : f(out[i - 1], v)));
  return out;
};

// biome-ignore format: one op per line, forward and gradient side by side
export const SCAN_OPS = {
  // The gradient is the cumulative sum of g from the end.
  cumsum:       { dtype: 'sum', kernel: 'sum', ref: running((a, v) => a + v), domain: [-2, 2], grad: (g, _x, _out, dim): Tensor => reverseCumsum(g, dim) },
  // PyTorch's gradient, exact where x has zeros (no 0/0).
  cumprod:      { dtype: 'sum', kernel: 'prod', ref: running((a, v) => a * v), domain: [-1.5, 1.5], grad: (g, x, out, dim): Tensor => cumprodGrad(g, x, out, dim) },
  // log Σ_{k≤i} exp(x_k), accumulated without overflow; PyTorch's log-space gradient.
  logcumsumexp: { dtype: 'float', kernel: 'logsumexp', ref: running((a, v) => Math.log(Math.exp(a) + Math.exp(v))), domain: [-3, 3], grad: (g, x, out, dim): Tensor => logcumsumexpGrad(g, x, out, dim) },
} as const satisfies Record<string, ScanDecl>;

type Table = typeof SCAN_OPS;

/** Every scan of the table. */
export type ScanName = keyof Table;

/**
 * The scan kernel's ops: inclusive scans along the middle axis of a tensor
 * viewed as [outer, size, inner]: out[o, i, j] = x[o, 0, j] ⊕ x[o, 1, j] ⊕ … ⊕
 * x[o, i, j], the same shape and dtype as x, combined in order i = 0, 1, …
 * (sequentially).
 *
 * - `sum`, `prod`: float32, float64 and int32. int32 wraps on overflow (two's
 *   complement, as C). Floats follow IEEE as the sequential loop does: a NaN
 *   makes every later entry NaN, inf·0 is NaN. float32 may accumulate in
 *   float32 or wider.
 * - `logsumexp`: float32 and float64 only. out[i] = log(Σ_{k≤i} exp(x[k])),
 *   accumulated without overflow as acc' = max(acc, v) + log1p(exp(-|acc - v|)),
 *   starting from acc = x[0], where acc' = acc when v = -Inf, acc' = v when
 *   acc = -Inf, and acc' = +Inf when either is +Inf; a NaN makes every later
 *   entry NaN.
 * - bool is never asked for (core casts to int32 first); size 0 or an empty
 *   tensor gives an empty result.
 */
export type ScanOp = Table[ScanName]['kernel'];

/** The scan Tensor methods, typed from the table. */
export type ScanMethods = { [K in ScanName]: (dim: number) => Tensor };

/** The op names, in table order. */
export const SCAN_OP_NAMES = Object.keys(SCAN_OPS) as ScanName[];
