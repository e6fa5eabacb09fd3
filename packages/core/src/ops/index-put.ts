/**
 * Writing slices by index: indexPut (x[i, j] = v), indexCopy and indexAdd.
 * All three lay their indices out per element and go through the recorded
 * scatter, so they share its kernel, its last-write rule and its gradients.
 */
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, normalizeAxis, shapesEqual, sizeOf, stridesOf } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { checkIndices } from './indexing.js';
import { maskedFill } from './masked.js';
import { asValueOf, scatterOp } from './scatter.js';
import { backendOf, checkOperand, scalarOn } from './util.js';

export interface IndexPutOptions {
  /** Add the values instead of writing them (repeated indices then accumulate). Default false. */
  accumulate?: boolean;
}

/**
 * x with values written at the positions the index tensors name
 * (torch.index_put, x[indices] = values): indices is a list of int32
 * tensors, one per leading axis of x, broadcast together; negative indices
 * count from the end. values (x's dtype, or a number) broadcast to the
 * indexed shape followed by x's remaining axes. Repeated positions: the last
 * write wins, on every backend (PyTorch leaves it undefined), or with
 * `accumulate` they add up. Gradients flow to x (where not overwritten) and
 * to values.
 *
 * @example
 * // x[[0, 2], [1, 1]] = 9
 * const y = t.indexPut(x, [t.tensor([0, 2], { dtype: 'int32' }), t.tensor([1, 1], { dtype: 'int32' })], 9);
 */
export function indexPut(x: Tensor, indices: readonly Tensor[], values: Tensor | number, options: IndexPutOptions = {}): Tensor {
  if (!Array.isArray(indices) || indices.length === 0 || indices.length > x.rank) {
    throw new ArgumentError(
      `indexPut: indices must be a list of 1 to ${x.rank} int32 tensors (one per leading axis of x ${fmtShape(x.shape)})`,
    );
  }
  backendOf('indexPut', x, ...indices, ...(values instanceof Tensor ? [values] : []));
  let shape: number[] = [];
  indices.forEach((idx, d) => {
    if (idx.dtype !== 'int32') throw new DTypeError(`indexPut: indices[${d}] must be int32, got ${idx.dtype}`);
    shape = broadcastShapes('indexPut', shape, idx.shape);
  });
  const k = indices.length;
  const target = [...shape, ...x.shape.slice(k)];
  if (values instanceof Tensor) {
    if (values.dtype !== x.dtype) throw new DTypeError(`indexPut: values are ${values.dtype} but x is ${x.dtype}; they must match`);
    const lead = target.length - values.rank;
    if (lead < 0 || values.shape.some((d, i) => d !== 1 && d !== target[lead + i])) {
      throw new ShapeError(`indexPut: values ${fmtShape(values.shape)} do not broadcast to the indexed shape ${fmtShape(target)}`);
    }
  } else {
    checkOperand('indexPut', 'values', values);
  }
  indices.forEach((idx, d) => checkIndices('indexPut', idx, x.shape[d], `indices[${d}]`, true));
  const accumulate = options.accumulate ?? false;
  return tidy(() => {
    // x as [rows, rest]: each index tuple names one row.
    const strides = stridesOf(x.shape.slice(0, k));
    let row: Tensor | null = null;
    indices.forEach((idx, d) => {
      const term = where(idx.lt(0), idx.add(x.shape[d]), idx).mul(strides[d]);
      row = row ? row.add(term) : term;
    });
    const count = sizeOf(shape);
    const rest = sizeOf(x.shape.slice(k));
    const rows = (row as unknown as Tensor).expand(shape).reshape([count, 1]).expand([count, rest]);
    const v = values instanceof Tensor ? values : scalarOn(x.backend, asValueOf(x, values), x.dtype);
    const src = v.expand(target).reshape([count, rest]);
    const out = scatterOp(accumulate ? 'sum' : 'set', x.reshape([sizeOf(x.shape.slice(0, k)), rest]), 0, rows, src, true, rows);
    return out.reshape(x.shape);
  });
}

/**
 * x with the slices of source copied along `dim` to the positions index names
 * (torch.index_copy): index is 1-D int32, source is x's shape with index's
 * length along dim. Repeated indices: the last copy wins.
 *
 * @example
 * t.zeros([3, 2]).indexCopy(0, t.tensor([2, 0], { dtype: 'int32' }), t.ones([2, 2])); // rows 0 and 2 are ones
 */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  return tidy(() => {
    const [a, rows] = alongDim('indexCopy', x, dim, index, source);
    return scatterOp('set', x, a, rows, source, true, rows);
  });
}

/**
 * x plus alpha times the slices of source added along `dim` at index
 * (torch.index_add): index is 1-D int32, source is x's shape with index's
 * length along dim; repeated indices accumulate, in index order.
 *
 * @example
 * t.zeros([3]).indexAdd(0, t.tensor([0, 0, 2], { dtype: 'int32' }), t.tensor([1, 2, 3])); // [3, 0, 3]
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  checkOperand('indexAdd', 'alpha', alpha);
  return tidy(() => {
    const [a, rows] = alongDim('indexAdd', x, dim, index, source);
    return scatterOp('sum', x, a, rows, alpha === 1 ? source : source.mul(alpha), true, rows);
  });
}

/**
 * x with every slice along `dim` that index names set to value
 * (torch.index_fill): index is 1-D int32 (repeats allowed), value a number
 * (converted to x's dtype) or a 0-d tensor, which gets the sum of the filled
 * positions' gradients.
 *
 * @example
 * t.ones([2, 3]).indexFill(1, t.tensor([0, 2], { dtype: 'int32' }), -1); // [[-1, 1, -1], [-1, 1, -1]]
 */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: Tensor | number): Tensor {
  backendOf('indexFill', x, index);
  const a = normalizeAxis('indexFill', dim, x.rank, 'dim');
  if (index.dtype !== 'int32') throw new DTypeError(`indexFill: index must be int32, got ${index.dtype}`);
  if (index.rank > 1) throw new ShapeError(`indexFill: index must be 1-D, got ${fmtShape(index.shape)}`);
  checkIndices('indexFill', index, x.shape[a], 'index');
  return tidy(() => {
    // The filled slices as a bool mask along dim, broadcast over the other axes.
    const along = x.shape.map((d, i) => (i === a ? d : 1));
    const n = index.size;
    const marks = scatterOp(
      'set',
      scalarOn(x.backend, 0, 'int32').expand([x.shape[a]]),
      0,
      index.reshape([n]),
      scalarOn(x.backend, 1, 'int32').expand([n]),
      true,
      index.reshape([n]),
    );
    return maskedFill(x, marks.ne(0).reshape(along), value);
  });
}

/** Checks index_copy/index_add arguments; returns the axis and index laid out over source. */
function alongDim(op: string, x: Tensor, dim: number, index: Tensor, source: Tensor): [number, Tensor] {
  backendOf(op, x, index, source);
  const a = normalizeAxis(op, dim, x.rank, 'dim');
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: index must be int32, got ${index.dtype}`);
  if (source.dtype !== x.dtype) throw new DTypeError(`${op}: source is ${source.dtype} but x is ${x.dtype}; they must match`);
  if (index.rank > 1) throw new ShapeError(`${op}: index must be 1-D, got ${fmtShape(index.shape)}`);
  const want = x.shape.map((d, i) => (i === a ? index.size : d));
  if (!shapesEqual(source.shape, want)) {
    throw new ShapeError(
      `${op}: source ${fmtShape(source.shape)} must be ${fmtShape(want)} (x ${fmtShape(x.shape)} with index's length along dim ${a})`,
    );
  }
  checkIndices(op, index, x.shape[a], 'index');
  const column = x.shape.map((_, i) => (i === a ? index.size : 1));
  return [a, index.reshape(column).expand(want)];
}
