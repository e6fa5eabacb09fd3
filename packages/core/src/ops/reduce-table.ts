/**
 * One declaration per reduction over axes. From this table come the
 * `ReduceOp` union of the backend contract (the `kernel` names), the Tensor
 * methods and functions with their types, and the conformance cases (forward
 * against `ref` over random slices, gradcheck and gradgradcheck of `grad`).
 * Each op is either computed by the backend's reduce kernel (`kernel`) or
 * composed of other ops (`composite`, forward only); the gradient is the table's.
 */
import type { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { prodGrad } from './reduce.js';

/**
 * - `sum`: any dtype but bool keeps its dtype; bool counts as int32 (sum, prod).
 * - `same`: the input dtype; bool is compared as int32 (amax, amin).
 * - `float`: float dtypes keep theirs; int32 and bool are computed in float32.
 * - `bool`: any dtype -> bool (any, all).
 * - `count`: any dtype -> int32 (countNonzero).
 * - `index`: one axis -> int32 positions (argmax, argmin).
 */
export type ReduceDTypeRule = 'sum' | 'same' | 'float' | 'bool' | 'count' | 'index';

/**
 * The input's gradient, written with tensor ops, from the output's gradient
 * `g` and the output `out`, both already broadcast back to x's shape (the
 * reduced axes kept as size 1 and expanded), and the reduced axes.
 */
export type ReduceGrad = (g: Tensor, x: Tensor, out: Tensor, axes: readonly number[]) => Tensor;

export interface ReduceDecl {
  readonly dtype: ReduceDTypeRule;
  /** The reduce kernel that computes it (the contract's ReduceOp). */
  readonly kernel?: 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';
  /** The op composed of other ops, reduced axes kept as size 1 (forward only: the gradient is `grad`). */
  readonly composite?: (x: Tensor, axes: readonly number[]) => Tensor;
  /** The value over one slice, in float64 JS, for the conformance suite. */
  readonly ref: (slice: readonly number[]) => number;
  /** Where random test inputs are drawn from. */
  readonly domain: readonly [number, number];
  /** Ties change the gradient (amax): gradcheck inputs are distinct. */
  readonly ties?: true;
  /** Refuses an empty reduced axis, naming it (there is no value: amax, argmax). */
  readonly nonEmpty?: true;
  /** Takes one axis (or none: the flattened tensor), not a list (argmax, argmin). */
  readonly oneAxis?: true;
  readonly grad: ReduceGrad | null;
}

/** How many entries each output reduces. */
const countOf = (x: Tensor, axes: readonly number[]): number => axes.reduce((n, a) => n * x.shape[a], 1);

const nanFirst = (better: (a: number, b: number) => boolean) => (s: readonly number[]) =>
  s.reduce((m, v) => (Number.isNaN(m) || Number.isNaN(v) ? Number.NaN : better(v, m) ? v : m));
const argOf = (better: (a: number, b: number) => boolean) => (s: readonly number[]) => {
  let best = 0;
  for (let i = 1; i < s.length && !Number.isNaN(s[best]); i++) if (Number.isNaN(s[i]) || better(s[i], s[best])) best = i;
  return best;
};

/** amax/amin's gradient: shared evenly among the entries equal to the result (PyTorch). */
const tieGrad: ReduceGrad = (g, x, out, axes) => {
  const mask = x.eq(out).cast(g.dtype);
  return g.mul(mask).div(mask.sum(axes, true));
};

// Gradients carry a `: Tensor` return type: Tensor's methods are typed from this table, so inferring it would be circular.
// biome-ignore format: one op per line, forward and gradient side by side
export const REDUCE_OPS = {
  sum:          { dtype: 'sum', kernel: 'sum', ref: (s) => s.reduce((a, v) => a + v, 0), domain: [-3, 3], grad: (g): Tensor => g },
  mean:         { dtype: 'float', composite: (x, axes): Tensor => x.sum(axes, true).div(countOf(x, axes)), ref: (s) => s.reduce((a, v) => a + v, 0) / s.length, domain: [-3, 3], grad: (g, x, _o, axes): Tensor => g.div(countOf(x, axes)) },
  // PyTorch's gradient: out/x where no entry is zero, else the product of the other entries (see prodGrad).
  prod:         { dtype: 'sum', kernel: 'prod', ref: (s) => s.reduce((a, v) => a * v, 1), domain: [0.5, 1.5], grad: (g, x, out, axes): Tensor => prodGrad(g, x, out, axes) },
  amax:         { dtype: 'same', kernel: 'max', ref: nanFirst((a, b) => a > b), domain: [-3, 3], ties: true, nonEmpty: true, grad: tieGrad },
  amin:         { dtype: 'same', kernel: 'min', ref: nanFirst((a, b) => a < b), domain: [-3, 3], ties: true, nonEmpty: true, grad: tieGrad },
  // Shifted by the maximum (0 where it is ±Inf), so it neither overflows nor underflows; over no entries, -Inf.
  logsumexp:    { dtype: 'float', composite: (x, axes): Tensor => { if (axes.some((a) => x.shape[a] === 0)) return x.sum(axes, true).add(-Infinity); const m = x.amax(axes, true); const shift = where(m.isInf(), 0, m); return x.sub(shift).exp().sum(axes, true).log().add(shift); }, ref: (s) => Math.log(s.reduce((a, v) => a + Math.exp(v), 0)), domain: [-3, 3], grad: (g, x, out): Tensor => g.mul(x.sub(out).exp()) },
  any:          { dtype: 'bool', composite: (x, axes): Tensor => x.ne(0).sum(axes, true).gt(0), ref: (s) => (s.some((v) => v !== 0) ? 1 : 0), domain: [-1, 1], grad: null },
  all:          { dtype: 'bool', composite: (x, axes): Tensor => x.eq(0).sum(axes, true).eq(0), ref: (s) => (s.every((v) => v !== 0) ? 1 : 0), domain: [-1, 1], grad: null },
  countNonzero: { dtype: 'count', composite: (x, axes): Tensor => x.ne(0).sum(axes, true), ref: (s) => s.filter((v) => v !== 0).length, domain: [-1, 1], grad: null },
  // The first index of the extremum; a NaN counts as the extremum (its first index).
  argmax:       { dtype: 'index', kernel: 'argmax', oneAxis: true, nonEmpty: true, ref: argOf((a, b) => a > b), domain: [-3, 3], grad: null },
  argmin:       { dtype: 'index', kernel: 'argmin', oneAxis: true, nonEmpty: true, ref: argOf((a, b) => a < b), domain: [-3, 3], grad: null },
} as const satisfies Record<string, ReduceDecl>;

type Table = typeof REDUCE_OPS;

/** Every reduction of the table. */
export type ReduceName = keyof Table;

/**
 * The reduce kernel's ops, over the middle axis of a tensor viewed as
 * [outer, size, inner]; the output is [outer, inner].
 *
 * - argmax/argmin return int32 and pick the first index on ties; a NaN
 *   counts as the extremum (its first index is returned).
 * - max/min propagate NaN.
 * - sum/prod of int32 stay int32 (wrapping as C); bool is never asked for
 *   (core casts it to int32 first).
 * - An empty reduction (size 0) gives sum 0, prod 1, max -Inf, min +Inf
 *   (core refuses empty max/min/argmax/argmin before calling, so a backend
 *   never has to produce an int32 infinity).
 */
export type ReduceOp = { [K in ReduceName]: Table[K] extends { kernel: infer O extends string } ? O : never }[ReduceName];

/** The reductions over a list of axes: `(axis?, keepdims?)`. */
export type AxesReduceName = { [K in ReduceName]: Table[K] extends { oneAxis: true } ? never : K }[ReduceName];
/** The reductions over one axis (or the flattened tensor): `(axis?: number | null, keepdims?)`. */
export type OneAxisReduceName = Exclude<ReduceName, AxesReduceName>;

/** The tensor type reduction K returns. */
export type ReduceResult<K extends ReduceName> = Table[K]['dtype'] extends 'bool'
  ? Tensor<'bool'>
  : Table[K]['dtype'] extends 'count' | 'index'
    ? Tensor<'int32'>
    : Tensor;

/** Axes to reduce: one, several, or all when omitted (null or undefined). */
export type Axes = number | readonly number[] | null | undefined;

/** The reduction Tensor methods, typed from the table. */
export type ReduceMethods = { [K in AxesReduceName]: (axis?: Axes, keepdims?: boolean) => ReduceResult<K> } & {
  [K in OneAxisReduceName]: (axis?: number | null, keepdims?: boolean) => ReduceResult<K>;
};

/** The op names, in table order. */
export const REDUCE_OP_NAMES = Object.keys(REDUCE_OPS) as ReduceName[];
