import { isGradEnabled } from '../autograd.js';
import { ArgumentError, fmtShape } from '../errors.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor, fromHandle } from '../tensor.js';
import { cast } from './cast.js';
import { where } from './elementwise.js';
import { gather } from './indexing.js';
import type { ValuesIndices } from './reduce.js';
import { backendOf, describe } from './util.js';

/*
 * Sorting and selection. The backend's sort kernel gives the order; values
 * are gathered from x at the returned indices when a gradient is recorded,
 * so every op here has gather's gradient (to the selected entries, and
 * differentiable again). int32 indices: sizes up to 2^31 - 1 per axis.
 */

/** The checked tensor and dim of a sort-family op (a 0-d tensor takes dim 0 or -1, as PyTorch). */
function sortDim(op: string, x: Tensor, dim: number): number {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: 'input' must be a tensor, got ${describe(x)}`);
  if (typeof dim !== 'number') throw new ArgumentError(`${op}: 'dim' must be a number, got ${describe(dim)}`);
  return normalizeAxis(op, dim, Math.max(x.rank, 1), 'dim');
}

/** The sort kernel along dim (bool sorted as int32), not recorded. */
function sortKernel(op: string, x: Tensor, dim: number, descending: boolean): { values: Tensor; indices: Tensor<'int32'> } {
  if (x.dtype === 'bool') {
    return tidy(() => {
      const r = sortKernel(op, cast(x, 'int32'), dim, descending);
      return { values: cast(r.values, 'bool'), indices: r.indices };
    });
  }
  const b = backendOf(op, x);
  const outer = sizeOf(x.shape.slice(0, dim));
  const inner = sizeOf(x.shape.slice(dim + 1));
  const r = b.sort(x.handle(op), x.dtype, outer, x.shape[dim], inner, descending);
  return {
    values: fromHandle(b, r.values, x.shape, x.dtype),
    indices: fromHandle(b, r.indices, x.shape, 'int32') as Tensor<'int32'>,
  };
}

/** x's entries at `indices` along dim: the kernel's values when nothing records, else gathered (gather's gradient). */
function valuesAt(x: Tensor, dim: number, indices: Tensor<'int32'>, kernelValues: Tensor): Tensor {
  if (!(isGradEnabled() && x.requiresGrad)) return kernelValues;
  kernelValues.dispose();
  return gather(x, dim, indices);
}

/** Sorts a 0-d tensor as a [1] and gives 0-d results back. */
function ofScalar(x: Tensor, f: (v: Tensor) => ValuesIndices): ValuesIndices {
  return tidy(() => {
    const r = f(x.reshape([1]));
    return { values: r.values.reshape([]), indices: r.indices.reshape([]) as Tensor<'int32'> };
  });
}

/**
 * Sorts along `dim` (the last by default), ascending or descending: the
 * values and the int32 indices they came from. Always stable (PyTorch's
 * `stable=True`): equal values keep their order, in both directions. NaN
 * sorts as the largest value, as PyTorch.
 *
 * @example
 * const { values, indices } = t.tensor([3, 1, 2]).sort(); // [1, 2, 3], [1, 2, 0]
 */
export function sort(x: Tensor, dim = -1, descending = false): ValuesIndices {
  const d = sortDim('sort', x, dim);
  if (x.rank === 0) return ofScalar(x, (v) => sort(v, 0, descending));
  const r = sortKernel('sort', x, d, descending);
  return { values: valuesAt(x, d, r.indices, r.values), indices: r.indices };
}

/**
 * The int32 indices that sort x along `dim` (stable; NaN as the largest).
 *
 * @example
 * t.tensor([3, 1, 2]).argsort(); // [1, 2, 0]
 */
export function argsort(x: Tensor, dim = -1, descending = false): Tensor<'int32'> {
  const { values, indices } = sort(x, dim, descending);
  values.dispose();
  return indices;
}

/**
 * The k largest (or smallest, `largest` false) entries along `dim` and their
 * indices, in sorted order (largest first when `largest`); ties keep their
 * input order. `sorted` is accepted for PyTorch's signature: the result is
 * always sorted. k may be 0; k larger than the axis is an error.
 *
 * @example
 * const { values, indices } = t.tensor([1, 5, 3, 4]).topk(2); // [5, 4], [1, 3]
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true): ValuesIndices {
  const d = sortDim('topk', x, dim);
  if (typeof sorted !== 'boolean') throw new ArgumentError(`topk: 'sorted' must be a boolean, got ${describe(sorted)}`);
  // A 0-d tensor is taken as a [1] (the results are [k]).
  if (x.rank === 0) return tidy(() => topk(x.reshape([1]), k, 0, largest, sorted));
  checkCount('topk', 'k', k, 0, x.shape[d], x, d);
  return tidy(() => {
    const r = sort(x, d, largest);
    return { values: r.values.narrow(d, 0, k), indices: r.indices.narrow(d, 0, k) as Tensor<'int32'> };
  });
}

/**
 * The k-th smallest entry (k from 1) along `dim` and its index; with
 * keepdim the dim stays as size 1. Ties: the index of the k-th in a stable
 * ascending sort. NaN counts as the largest.
 *
 * @example
 * t.tensor([3, 1, 2]).kthvalue(2); // { values: 2, indices: 2 }
 */
export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false): ValuesIndices {
  const d = sortDim('kthvalue', x, dim);
  const size = x.rank === 0 ? 1 : x.shape[d];
  checkCount('kthvalue', 'k', k, 1, size, x, d);
  return pick('kthvalue', x, d, keepdim, () => k - 1);
}

/**
 * The median: over everything, a 0-d tensor; along `dim`, the values and
 * their indices (PyTorch's median(dim, keepdim)). With an even count it is
 * the lower of the two middle values, as PyTorch (not their mean). Any NaN
 * makes the median NaN (its index the first NaN's); see nanmedian.
 *
 * @example
 * t.tensor([4, 1, 3, 2]).median(); // 2
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return middle('median', x, dim, keepdim, false);
}

/**
 * The median of the entries that are not NaN (NaN where all are): as
 * `median`, ignoring NaN.
 *
 * @example
 * t.tensor([1, NaN, 3, 2]).nanmedian(); // 2
 */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function nanmedian(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return middle('nanmedian', x, dim, keepdim, true);
}

function middle(op: string, x: Tensor, dim: number | undefined, keepdim: boolean, skipNaN: boolean): Tensor | ValuesIndices {
  if (dim === undefined || dim === null) {
    if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: 'input' must be a tensor, got ${describe(x)}`);
    if (x.size === 0) throw new ArgumentError(`${op}: cannot take the ${op} of an empty tensor ${fmtShape(x.shape)}`);
    return tidy(() => {
      const r = middle(op, x.reshape([x.size]), 0, false, skipNaN) as ValuesIndices;
      return r.values;
    });
  }
  const d = sortDim(op, x, dim);
  const size = x.rank === 0 ? 1 : x.shape[d];
  if (size === 0) throw new ArgumentError(`${op}: cannot take the ${op} over the empty axis ${d} of ${fmtShape(x.shape)}`);
  return pick(op, x, d, keepdim, (sorted) => {
    // NaNs sort last: `count` entries are numbers. median takes the first NaN if there is one,
    // nanmedian the lower middle of the numbers (index 0, a NaN, when there are none).
    const count = sorted.isNaN().logicalNot().cast('int32').sum(d, true);
    if (skipNaN) return where(count.eq(0), 0, count.sub(1).floorDivide(2));
    return where(count.lt(size), count, (size - 1) >> 1);
  });
}

/**
 * The entry at a sorted position along d (a number, or an int32 tensor of
 * positions with d kept as size 1, computed from the ascending sort).
 */
function pick(op: string, x: Tensor, d: number, keepdim: boolean, position: (sorted: Tensor) => number | Tensor): ValuesIndices {
  if (x.rank === 0) return ofScalar(x, (v) => pick(op, v, 0, keepdim, position));
  return tidy(() => {
    const r = sortKernel(op, x, d, false);
    const at = position(r.values);
    const indices = (typeof at === 'number' ? r.indices.narrow(d, at, 1) : gather(r.indices, d, at)) as Tensor<'int32'>;
    const values = valuesAt(x, d, indices, typeof at === 'number' ? r.values.narrow(d, at, 1) : gather(r.values, d, at));
    return keepdim ? { values, indices } : { values: values.squeeze(d), indices: indices.squeeze(d) as Tensor<'int32'> };
  });
}

/** Throws unless n is an integer in [lo, hi], naming the op, the parameter, the axis and the shape. */
function checkCount(op: string, param: string, n: number, lo: number, hi: number, x: Tensor, d: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new ArgumentError(`${op}: '${param}' must be an integer, got ${describe(n)}`);
  if (n < lo || n > hi) {
    throw new ArgumentError(`${op}: '${param}' (${n}) must be in [${lo}, ${hi}], the size of axis ${d} of ${fmtShape(x.shape)}`);
  }
}
