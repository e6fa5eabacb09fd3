import { record } from '../autograd.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, normalizeAxis, shapesEqual, sizeOf, stridesOf } from '../shape.js';
import { tidy } from '../scope.js';
import { type Tensor, fromHandle } from '../tensor.js';
import { cast } from './cast.js';
import { arange } from './creation.js';
import { backendOf } from './util.js';

/**
 * Throws ArgumentError naming the first index outside [0, n) (or [-n, n)
 * when negatives wrap) where the backend reads synchronously (cpu, wasm),
 * before any work is queued; elsewhere (webgpu) the kernels skip or clamp
 * out-of-range indices instead of failing (documented in docs/ops.md).
 */
export function checkIndices(op: string, indices: Tensor, n: number, param: string, negatives = false): void {
  if (indices.dtype !== 'int32') throw new DTypeError(`${op}: ${param} must be int32, got ${indices.dtype}`);
  // Where the backend reads synchronously, out-of-range indices are caught
  // before any work is queued; elsewhere the kernel bounds-checks.
  const read = indices.backend.readSync;
  if (!read) return;
  const values = read.call(indices.backend, indices.handle(op), 'int32', indices.size) as Int32Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < (negatives ? -n : 0) || v >= n) {
      throw new ArgumentError(`${op}: ${param}[${i}] = ${v} is out of range [${negatives ? -n : 0}, ${n})`);
    }
  }
}

/**
 * Picks entries of `axis` by a 1-D int32 index tensor (torch.index_select);
 * the gradient adds back into the picked rows (an embedding's backward).
 */
export function indexSelect(x: Tensor, axis: number, indices: Tensor): Tensor {
  const a = normalizeAxis('indexSelect', axis, x.rank);
  if (indices.rank !== 1) throw new ShapeError(`indexSelect: indices must be 1-D, got ${fmtShape(indices.shape)}`);
  checkIndices('indexSelect', indices, x.shape[a], 'indices');
  return indexSelectOp(x, a, indices);
}

/**
 * indexSelect on checked arguments (axis normalised, indices in range). The
 * backward closures use it: they read no indices back, so they run anywhere
 * and are differentiable themselves (createGraph).
 */
export function indexSelectOp(x: Tensor, a: number, indices: Tensor): Tensor {
  const b = backendOf('indexSelect', x, indices);
  const outer = sizeOf(x.shape.slice(0, a));
  const inner = sizeOf(x.shape.slice(a + 1));
  const m = indices.size;
  const shape = [...x.shape.slice(0, a), m, ...x.shape.slice(a + 1)];
  const h = b.gather(x.handle('indexSelect'), x.dtype, outer, x.shape[a], inner, indices.handle('indexSelect'), m);
  const out = fromHandle(b, h, shape, x.dtype);
  return record('indexSelect', [x], out, (g) => [indexAddOp(g, a, indices, x.shape[a])], [indices]);
}

/** indexAdd on checked arguments; see indexSelectOp. */
export function indexAddOp(src: Tensor, a: number, indices: Tensor, n: number): Tensor {
  const b = backendOf('indexAdd', src, indices);
  const outer = sizeOf(src.shape.slice(0, a));
  const inner = sizeOf(src.shape.slice(a + 1));
  const shape = [...src.shape.slice(0, a), n, ...src.shape.slice(a + 1)];
  const h = b.scatterAdd(src.handle('indexAdd'), src.dtype, outer, indices.size, inner, indices.handle('indexAdd'), n);
  const out = fromHandle(b, h, shape, src.dtype);
  return record('indexAdd', [src], out, (g) => [indexSelectOp(g, a, indices)], [indices]);
}

/**
 * Flat positions of x[..., index[...], ...] along an axis: for each entry of
 * `index` (same rank as x), its offset in x's flat data.
 */
function flatPositions(x: Tensor, axis: number, index: Tensor): Tensor {
  const xs = stridesOf(x.shape);
  const base = new Int32Array(index.size);
  const pos = new Array<number>(index.rank).fill(0);
  for (let k = 0; k < index.size; k++) {
    let flat = 0;
    for (let d = 0; d < pos.length; d++) if (d !== axis) flat += pos[d] * xs[d];
    base[k] = flat;
    for (let d = pos.length - 1; d >= 0; d--) {
      if (++pos[d] < index.shape[d]) break;
      pos[d] = 0;
    }
  }
  const b = x.backend;
  return tidy(() => {
    const baseT = fromHandle(b, b.upload(base, 'int32'), index.shape, 'int32');
    return index.mul(xs[axis]).add(baseT).reshape([index.size]);
  });
}

/**
 * out[i][j] = x[i][index[i][j]] along `axis` (torch.gather): index has x's
 * rank and, off the axis, sizes no larger than x's.
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  const a = normalizeAxis('gather', axis, x.rank);
  if (index.dtype !== 'int32') throw new DTypeError(`gather: index must be int32, got ${index.dtype}`);
  if (index.rank !== x.rank || index.shape.some((d, i) => i !== a && d > x.shape[i])) {
    throw new ShapeError(`gather: index ${fmtShape(index.shape)} does not fit x ${fmtShape(x.shape)} along axis ${a}`);
  }
  checkIndices('gather', index, x.shape[a], 'index');
  return gatherOp(x, a, index);
}

/** gather on checked arguments (axis normalised, index in range); see indexSelectOp. */
export function gatherOp(x: Tensor, a: number, index: Tensor): Tensor {
  const flat = flatPositions(x, a, index);
  const b = backendOf('gather', x, flat);
  const h = b.gather(x.handle('gather'), x.dtype, 1, x.size, 1, flat.handle('gather'), flat.size);
  const out = fromHandle(b, h, index.shape, x.dtype);
  // The backward adds into the flat positions with a recorded op, so it is differentiable too.
  record('gather', [x], out, (g) => [indexAddOp(g.reshape([flat.size]), 0, flat, x.size).reshape(x.shape)], [flat]);
  flat.dispose(); // the graph holds it while backward needs it
  return out;
}

/**
 * Picks values of x along `dim` at indices (torch.take_along_dim): indices is
 * int32 with x's rank and broadcasts with x on every other axis. Without a
 * dim, x and indices are flattened first.
 *
 * @example
 * const top = x.takeAlongDim(x.argmax(1, true), 1); // the row maxima, [rows, 1]
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number | null): Tensor {
  if (indices.dtype !== 'int32') throw new DTypeError(`takeAlongDim: indices must be int32, got ${indices.dtype}`);
  if (dim === undefined || dim === null) return tidy(() => gather(x.reshape([x.size]), 0, indices.reshape([indices.size])));
  const a = normalizeAxis('takeAlongDim', dim, x.rank, 'dim');
  if (indices.rank !== x.rank) {
    throw new ShapeError(`takeAlongDim: indices ${fmtShape(indices.shape)} must have x's rank (x ${fmtShape(x.shape)})`);
  }
  const off = (s: readonly number[]) => s.map((d, i) => (i === a ? 1 : d));
  const shape = broadcastShapes('takeAlongDim', off(x.shape), off(indices.shape));
  const along = (s: readonly number[]) => shape.map((d, i) => (i === a ? s[a] : d));
  return tidy(() => gather(x.expand(along(x.shape)), a, indices.expand(along(indices.shape))));
}

/**
 * One-hot rows, as PyTorch's one_hot: int32 indices [...] → int32 [..., numClasses]
 * (PyTorch's int64; cast it for a float target). numClasses -1 (the default)
 * means max + 1, which reads the indices: only on a backend that reads synchronously.
 *
 * @example
 * t.oneHot(t.tensor(Int32Array.from([2, 0])), 3) // int32 [[0, 0, 1], [1, 0, 0]]
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  if (indices.dtype !== 'int32') throw new DTypeError(`oneHot: indices must be int32, got ${indices.dtype}`);
  const n = numClasses === -1 ? inferredClasses(indices) : numClasses;
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`oneHot: numClasses must be -1 or a non-negative integer, got ${numClasses}`);
  checkIndices('oneHot', indices, n, 'indices');
  return tidy(() => cast(indices.unsqueeze(-1).eq(arange(n)), 'int32'));
}

/** max(indices) + 1, read synchronously (PyTorch's num_classes = -1). */
function inferredClasses(indices: Tensor): number {
  const read = indices.backend.readSync;
  if (!read) {
    throw new ArgumentError(
      `oneHot: numClasses -1 (max + 1) reads the indices, which backend '${indices.backend.name}' cannot do synchronously; pass numClasses`,
    );
  }
  if (indices.size === 0) throw new ArgumentError('oneHot: cannot infer numClasses from empty indices; pass numClasses');
  const values = read.call(indices.backend, indices.handle('oneHot'), 'int32', indices.size) as Int32Array;
  return values.reduce((m, v) => Math.max(m, v), -1) + 1;
}

/** Whether two tensors have the same shape and values (NaN equal to NaN when equalNaN). */
export async function allClose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8): Promise<boolean> {
  if (!shapesEqual(a.shape, b.shape)) return false;
  const [x, y] = await Promise.all([a.data<Float64Array>(), b.data<Float64Array>()]);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) && Number.isNaN(y[i])) continue;
    if (!(Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i]))) return false;
  }
  return true;
}
