import { isGradEnabled, noGrad, record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, fmtShape } from '../errors.js';
import { normalizeAxes, normalizeAxis, sizeOf, stridesOf } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor, fromHandle } from '../tensor.js';
import { cast } from './cast.js';
import { where } from './elementwise.js';
import { gather } from './indexing.js';
import {
  type AxesReduceName,
  type Axes,
  type OneAxisReduceName,
  REDUCE_OPS,
  REDUCE_OP_NAMES,
  type ReduceDecl,
  type ReduceDTypeRule,
  type ReduceName,
  type ReduceOp,
  type ReduceResult,
} from './reduce-table.js';
import { backendOf, describe } from './util.js';

export type { Axes };

/** The shape after reducing `axes`, keeping them as size 1 or dropping them. */
function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/**
 * Reduces sorted axes with one kernel per run of adjacent axes (a run of
 * adjacent axes is one axis of a reshaped view), without recording.
 */
function reduceKernel(op: ReduceOp, x: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  const b = backendOf(op, x);
  const outShape = reducedShape(x.shape, axes, keepdims);
  let shape = [...x.shape];
  let handle = x.handle(op);
  let owned = false;
  // Merge adjacent axes into runs [start, end).
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a) last[1] = a + 1;
    else runs.push([a, a + 1]);
  }
  // Reduce from the last run so earlier axis numbers stay valid.
  for (let r = runs.length - 1; r >= 0; r--) {
    const [start, end] = runs[r];
    const outer = sizeOf(shape.slice(0, start));
    const size = sizeOf(shape.slice(start, end));
    const inner = sizeOf(shape.slice(end));
    const next = b.reduce(op, handle, x.dtype, outer, size, inner);
    if (owned) b.free(handle);
    handle = next;
    owned = true;
    shape = [...shape.slice(0, start), 1, ...shape.slice(end)];
  }
  if (!owned) {
    // No axis to reduce: a copy, so the result owns its storage.
    handle = b.strided(handle, x.dtype, x.shape, stridesOf(x.shape), 0);
  }
  const dtype = op === 'argmax' || op === 'argmin' ? 'int32' : x.dtype;
  return fromHandle(b, handle, outShape, dtype);
}

/** Broadcasts a reduced gradient back over the reduced axes. */
function expandBack(g: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return g.reshape(reducedShape(x.shape, axes, true)).expand(x.shape);
}

/** The dtype a reduction computes in when it is not x's own, by its dtype rule (bool counts as int32; float ops see float32). */
function operandDTypeOf(op: ReduceName, x: Tensor): 'int32' | 'float32' | null {
  const rule: ReduceDTypeRule = REDUCE_OPS[op].dtype;
  if (x.dtype === 'bool' && (rule === 'sum' || rule === 'same' || rule === 'index')) return 'int32';
  if (rule === 'float' && !isFloat(x.dtype)) return 'float32';
  return null;
}

/**
 * Applies a table reduction: its dtype rule, then the kernel or the
 * composite, recorded with the table's gradient (given g and the output
 * broadcast back to x's shape).
 */
function reduceOp(op: ReduceName, x: Tensor, axis: Axes, keepdims = false): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: 'input' must be a tensor, got ${describe(x)}`);
  const decl: ReduceDecl = REDUCE_OPS[op];
  if (decl.oneAxis) return oneAxisReduce(op, x, axis, keepdims);
  const axes = normalizeAxes(op, axis, x.rank);
  const operandDType = operandDTypeOf(op, x);
  if (operandDType) {
    // amax/amin of bool are computed in int32 and give bool back, as PyTorch.
    const back = REDUCE_OPS[op].dtype === 'same' && x.dtype === 'bool';
    // The cast is made inside tidy, so it is released with the other temporaries.
    return tidy(() => {
      const out = reduceOp(op, cast(x, operandDType), axes, keepdims);
      return back ? cast(out, 'bool') : out;
    });
  }
  if (decl.nonEmpty) {
    for (const a of axes) {
      if (x.shape[a] === 0) throw new ArgumentError(`${op}: cannot reduce the empty axis ${a} of ${fmtShape(x.shape)}`);
    }
  }
  const { kernel, composite, grad } = decl;
  let out: Tensor;
  if (kernel) out = reduceKernel(kernel, x, axes, keepdims);
  else {
    out = tidy(() =>
      noGrad(() => {
        const kept = composite!(x, axes);
        return keepdims ? kept : kept.reshape(reducedShape(x.shape, axes, false));
      }),
    );
  }
  if (grad === null) return record(op, [x], out, null);
  return record(op, [x], out, (g, o) => [grad(expandBack(g, x, axes), x, expandBack(o, x, axes), axes)]);
}

/** argmax/argmin: over one axis, or over the flattened tensor when it is omitted. */
function oneAxisReduce(op: ReduceName, x: Tensor, axis: Axes, keepdims: boolean): Tensor {
  const kernel = (REDUCE_OPS[op] as ReduceDecl).kernel!;
  if (Array.isArray(axis)) throw new ArgumentError(`${op}: takes one axis (a number) or none, got [${axis.join(', ')}]`);
  if (x.dtype === 'bool') return tidy(() => oneAxisReduce(op, cast(x, 'int32'), axis, keepdims));
  if (axis === undefined || axis === null) {
    if (x.size === 0) throw new ArgumentError(`${op}: cannot take ${op} of an empty tensor ${fmtShape(x.shape)}`);
    return tidy(() => {
      const out = reduceKernel(kernel, x.reshape([x.size]), [0], false);
      return record(op, [x], keepdims ? out.reshape(x.shape.map(() => 1)) : out, null);
    });
  }
  const a = normalizeAxis(op, axis as number, x.rank);
  // Only the reduced axis must be non-empty (PyTorch): [0, 4].argmax(1) is an empty [0].
  if (x.shape[a] === 0) throw new ArgumentError(`${op}: cannot take ${op} over the empty axis ${a} of ${fmtShape(x.shape)}`);
  return record(op, [x], reduceKernel(kernel, x, [a], keepdims), null);
}

type ReduceFunctions = { [K in AxesReduceName]: (x: Tensor, axis?: Axes, keepdims?: boolean) => ReduceResult<K> } & {
  [K in OneAxisReduceName]: (x: Tensor, axis?: number | null, keepdims?: boolean) => ReduceResult<K>;
};

/** One function per table reduction, under its name. */
export const reduceFunctions = Object.fromEntries(
  REDUCE_OP_NAMES.map((op) => [op, (x: Tensor, axis?: Axes, keepdims?: boolean) => reduceOp(op, x, axis, keepdims)]),
) as ReduceFunctions;

// Named exports for the public API and tree shaking; `reduceFunctions` is what a
// new table op gets without touching this list (a test checks the two agree).
/** Sum over axes (all when omitted); bool sums count as int32. */
export const sum = reduceFunctions.sum;
/** Mean over axes (all when omitted); ints are averaged in float32. */
export const mean = reduceFunctions.mean;
/**
 * Product over axes. Its gradient is PyTorch's: out/x where no entry is
 * zero; otherwise the product of the other entries of each slice (for a
 * product over all axes with two or more zeros, exactly 0), so zeros give
 * exact gradients instead of 0/0.
 */
export const prod = reduceFunctions.prod;
/**
 * The largest value over axes (NaN if any is NaN); ties share the gradient evenly, as PyTorch's amax.
 *
 * @example
 * t.tensor([[1, 5], [7, 2]]).amax(1); // [5, 7]
 */
export const amax = reduceFunctions.amax;
/** The smallest value over axes (NaN if any is NaN); ties share the gradient evenly, as PyTorch's amin. */
export const amin = reduceFunctions.amin;
/** log(Σ exp(x)) over axes, shifted by the maximum so it neither overflows nor underflows; -Inf over no entries. */
export const logsumexp = reduceFunctions.logsumexp;
/**
 * Whether any entry is nonzero (bool), over axes; false over no entries.
 *
 * @example
 * t.tensor([[0, 2], [0, 0]]).any(1); // [true, false]
 */
export const any = reduceFunctions.any;
/**
 * Whether every entry is nonzero (bool), over axes; true over no entries.
 *
 * @example
 * t.tensor([[1, 2], [0, 3]]).all(1); // [true, false]
 */
export const all = reduceFunctions.all;
/**
 * How many entries are nonzero (int32), over axes.
 *
 * @example
 * t.tensor([[0, 2], [1, 3]]).countNonzero(0); // [1, 2]
 */
export const countNonzero = reduceFunctions.countNonzero;
/** Index of the largest value along an axis (of the flattened tensor when omitted); first on ties, a NaN counts as largest. */
export const argmax = reduceFunctions.argmax;
/** Index of the smallest value along an axis (of the flattened tensor when omitted); first on ties, a NaN counts as smallest. */
export const argmin = reduceFunctions.argmin;

/** The values and their int32 indices along a dimension (PyTorch's named tuples of max(dim), sort, topk, …). */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor<'int32'>;
}

/**
 * The largest value: over everything, as a tensor (`x.max()`, ties share the
 * gradient as amax); along one dimension, the values and the (first) index
 * of each, PyTorch's `max(dim, keepdim)`: the gradient goes to that index
 * only. A list of axes reduces them as amax does.
 *
 * @example
 * const { values, indices } = t.tensor([[1, 5, 5], [7, 2, 3]]).max(1); // [5, 7], [1, 0]
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, axes: readonly number[] | null | undefined, keepdims?: boolean): Tensor;
export function max(x: Tensor, axis?: Axes, keepdims = false): Tensor | ValuesIndices {
  return typeof axis === 'number' ? extremumAlong('max', x, axis, keepdims) : amax(x, axis, keepdims);
}

/** The smallest value: as `max`, with argmin's first index. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, axes: readonly number[] | null | undefined, keepdims?: boolean): Tensor;
export function min(x: Tensor, axis?: Axes, keepdims = false): Tensor | ValuesIndices {
  return typeof axis === 'number' ? extremumAlong('min', x, axis, keepdims) : amin(x, axis, keepdims);
}

/** max/min along one dimension: the first arg-extremum, its value gathered (so the gradient goes to it alone). */
function extremumAlong(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const indices = (op === 'max' ? argmax : argmin)(x, dim, true);
  const a = normalizeAxis(op, dim, x.rank);
  const values = tidy(() => {
    const v = gather(x, a, indices);
    return keepdim ? v : v.squeeze(a);
  });
  if (keepdim) return { values, indices };
  const squeezed = indices.squeeze(a) as Tensor<'int32'>;
  indices.dispose();
  return { values, indices: squeezed };
}

/** prod's gradient (g and out broadcast back to x's shape). */
export function prodGrad(gx: Tensor, x: Tensor, out: Tensor, axes: readonly number[]): Tensor {
  if (x.size === 0) return gx;
  // out/x, with x = 0 replaced by 1: where() picks the other branch there, and this keeps
  // 0/0 out of the unpicked branch (a NaN there would leak into second-order gradients
  // and trip anomaly mode).
  const isZero = x.eq(0);
  const noZero = gx.mul(out.div(where(isZero, 1, x)));
  // PyTorch decides on the whole tensor (it reads it): any zero → the product of the others.
  const zeros = isZero.sum();
  const others = gx.mul(productOfOthers(x, axes));
  if (axes.length === x.rank && !isGradEnabled()) {
    // prod() of everything: with two or more zeros every gradient is exactly 0 (also
    // beside NaN), as PyTorch; while recording (createGraph) it keeps the product of
    // the others, whose own derivative is not 0, as PyTorch does then too.
    return where(zeros.eq(0), noZero, where(zeros.eq(1), others, 0));
  }
  return where(zeros.eq(0), noZero, others);
}

/**
 * For every entry, the product of the other entries of its slice over
 * `axes`, with no division (exact where there are zeros): exclusive prefix
 * products times exclusive suffix products, each a log-step (Hillis–Steele) scan.
 */
function productOfOthers(x: Tensor, axes: readonly number[]): Tensor {
  const rest = [...x.shape.keys()].filter((a) => !axes.includes(a));
  const perm = [...rest, ...axes];
  const n = axes.reduce((m, a) => m * x.shape[a], 1);
  const rows = x.permute(perm).reshape([...rest.map((a) => x.shape[a]), n]);
  const prefix = exclusiveProducts(rows, n);
  const suffix = exclusiveProducts(rows.flip(-1), n).flip(-1);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return prefix
    .mul(suffix)
    .reshape(perm.map((a) => x.shape[a]))
    .permute(inverse);
}

/** y[i] = x[0]·…·x[i-1] along the last axis (of length n), y[0] = 1. */
function exclusiveProducts(x: Tensor, n: number): Tensor {
  const shifted = (v: Tensor, k: number) => v.pad([[k, -k]], 1); // v moved right by k, ones in front
  let y = shifted(x, 1);
  for (let k = 1; k < n; k *= 2) y = y.mul(shifted(y, k));
  return y;
}

export interface VarOptions {
  /** Divide by n - correction (1 = unbiased, PyTorch's default). */
  correction?: number;
  /** Shorthand for correction 1 (true) or 0 (false). */
  unbiased?: boolean;
  keepdims?: boolean;
}

/**
 * Variance over axes: Σ(x - mean)² / (n - correction). Its gradient is
 * PyTorch's 2(x - mean)/(n - correction) even where that is ±inf (correction = n)
 * or negative (correction > n, where the value is inf).
 */
export function variance(x: Tensor, axis?: Axes, options: VarOptions = {}): Tensor {
  const axes = normalizeAxes('var', axis, x.rank);
  const { dof, keepdims } = moments(x, axes, options);
  const out = noGrad(() =>
    tidy(() => {
      const { scale, meanSquare } = scaledMoments(x, axes, keepdims, dof);
      return meanSquare.mul(scale.square());
    }),
  );
  return record('var', [x], out, (g) => [varGrad(g, x, axes, dof)]);
}

/** Standard deviation: √var. Where it is 0 the gradient is 0 (PyTorch), not g/0. */
export function std(x: Tensor, axis?: Axes, options: VarOptions = {}): Tensor {
  const axes = normalizeAxes('std', axis, x.rank);
  const { dof, keepdims } = moments(x, axes, options);
  const out = noGrad(() =>
    tidy(() => {
      const { scale, meanSquare } = scaledMoments(x, axes, keepdims, dof);
      return meanSquare.sqrt().mul(scale);
    }),
  );
  return record('std', [x], out, (g, o) => {
    // g/(2·std), 0 where std = 0; divided by a stand-in 1 there, so no inf is made (anomaly mode).
    const zero = o.eq(0);
    return [varGrad(where(zero, 0, g.div(where(zero, 1, o).mul(2))), x, axes, dof)];
  });
}

function moments(x: Tensor, axes: readonly number[], options: VarOptions): { dof: number; keepdims: boolean } {
  const correction = options.correction ?? (options.unbiased === false ? 0 : 1);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return { dof: count - correction, keepdims: options.keepdims ?? false };
}

/**
 * Σ((x - mean)/s)² / (n - correction) and s = max|x - mean| per slice, so
 * that var = meanSquare·s² and std = √meanSquare·s: the squares never
 * overflow (float32 |x - mean| > 1.8e19 would make std inf; PyTorch
 * accumulates in double and gives it finite).
 */
function scaledMoments(x: Tensor, axes: readonly number[], keepdims: boolean, dof: number): { scale: Tensor; meanSquare: Tensor } {
  const centered = x.sub(mean(x, axes, true));
  const empty = axes.some((a) => x.shape[a] === 0);
  const peak = empty ? centered.sum(axes, true).add(1) : centered.abs().max(axes, true);
  // No scaling where the peak is 0 (all equal), or inf/NaN (the result is inf/NaN anyway).
  const scale = where(peak.eq(0).logicalOr(peak.isInf()).logicalOr(peak.isNaN()), 1, peak);
  const meanSquare = centered.div(scale).square().sum(axes, keepdims).div(Math.max(dof, 0));
  return { scale: keepdims ? scale : scale.reshape(reducedShape(x.shape, axes, false)), meanSquare };
}

/** d var / dx = g·2/(n - correction)·(x - mean), the scale first, as PyTorch (so 0·inf is NaN there too). */
function varGrad(g: Tensor, x: Tensor, axes: readonly number[], dof: number): Tensor {
  return expandBack(g.mul(2 / dof), x, axes).mul(x.sub(mean(x, axes, true)));
}
