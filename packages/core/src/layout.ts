/**
 * Layouts, computed once in core. A tensor is a view of a storage handle:
 * element (i_0, …, i_{r-1}) lives at `offset + Σ i_k · strides[k]` (in
 * elements). The movement ops (permute, expand, slice, flip, reshape) only
 * compute a new view here; elementwise kernels get each input's view
 * broadcast to the output shape and collapsed (StridedInput); every other
 * kernel gets dense data (Tensor.handle copies a view that is not).
 */
import type { Handle, Shape, StridedInput } from './backend/backend.js';
import { stridesOf } from './shape.js';
import type { Tensor } from './tensor.js';

/** An iteration shape with one stride list per input (each of the shape's rank). */
export interface CollapsedLayout {
  shape: number[];
  strides: number[][];
}

/**
 * Whether a view holds exactly its elements in row-major order from element
 * 0 of a handle of `storageSize` elements: what kernels other than
 * binary/where need. Strides of size-1 axes do not matter.
 */
export function isDense(shape: Shape, strides: Shape, offset: number, storageSize: number): boolean {
  let size = 1;
  for (const d of shape) size *= d;
  return offset === 0 && storageSize === size && isRowMajor(shape, strides);
}

/** Whether stepping through `shape` in row-major order walks memory with stride 1 (size-1 axes ignored). */
export function isRowMajor(shape: Shape, strides: Shape): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/**
 * The strides that read a view of `shape` (with `strides`) as if broadcast
 * to `outShape` (NumPy rules, aligned on the right): 0 on new leading axes
 * and on size-1 axes that the output stretches. `strides` defaults to the
 * row-major strides of a dense `shape`.
 *
 * @example
 * broadcastStrides([3, 1], [2, 3, 4]); // [0, 1, 0]
 */
export function broadcastStrides(shape: Shape, outShape: Shape, strides: Shape = stridesOf(shape)): number[] {
  const rank = outShape.length;
  const lead = rank - shape.length;
  const out = new Array<number>(rank).fill(0);
  for (let d = 0; d < shape.length; d++) out[d + lead] = shape[d] === 1 ? 0 : strides[d];
  return out;
}

/**
 * Drops size-1 axes and merges neighbouring axes that every stride list
 * walks contiguously (stepping axis d once equals stepping axis d+1 through
 * all its entries), keeping the row-major order of the iteration. A
 * same-shape dense op becomes one flat loop, a bias add [rows, cols]. The
 * result has rank ≥ 1 (a scalar is [1] with stride 0).
 *
 * @example
 * collapseLayout([2, 3, 4], [[12, 4, 1], [0, 0, 1]]); // { shape: [6, 4], strides: [[4, 1], [0, 1]] }
 */
export function collapseLayout(shape: Shape, stridesList: readonly Shape[]): CollapsedLayout {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && stridesList.every((s, i) => outStrides[i][last] === s[d] * n)) {
      outShape[last] *= n;
      stridesList.forEach((s, i) => (outStrides[i][last] = s[d]));
    } else {
      outShape.push(n);
      stridesList.forEach((s, i) => outStrides[i].push(s[d]));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * The strides under which a view of `shape` (with `strides`) reads as
 * `newShape` (same element count) without a copy, or null when no strides do
 * (its elements are not evenly spaced along a merged axis; the caller copies).
 * PyTorch's view rule: each group of old axes that maps onto a group of new
 * axes must be contiguous within itself.
 *
 * @example
 * reshapeStrides([2, 3], [3, 1], [3, 2]); // [2, 1]
 * reshapeStrides([2, 3], [1, 2], [6]);    // null (a transpose)
 */
export function reshapeStrides(shape: Shape, strides: Shape, newShape: Shape): number[] | null {
  let size = 1;
  for (const d of shape) size *= d;
  if (size === 0 || shape.length === 0 || isRowMajor(shape, strides)) return stridesOf(newShape);
  const out = new Array<number>(newShape.length);
  let nd = newShape.length - 1;
  let chunkStride = strides[shape.length - 1];
  let oldSize = 1;
  let newSize = 1;
  // Walk the old axes from the right in chunks that are contiguous in memory;
  // each chunk must be carved into whole new axes.
  for (let od = shape.length - 1; od >= 0; od--) {
    oldSize *= shape[od];
    const chunkEnds = od === 0 || (shape[od - 1] !== 1 && strides[od - 1] !== oldSize * chunkStride);
    if (!chunkEnds) continue;
    while (nd >= 0 && (newSize < oldSize || newShape[nd] === 1)) {
      out[nd] = newSize * chunkStride;
      newSize *= newShape[nd];
      nd--;
    }
    if (newSize !== oldSize) return null;
    if (od > 0) {
      chunkStride = strides[od - 1];
      oldSize = 1;
      newSize = 1;
    }
  }
  return nd === -1 ? out : null;
}

/**
 * The inputs of an elementwise kernel: each tensor's view broadcast to
 * `outShape` and the whole collapsed, with the iteration shape to pass.
 */
export function elementwiseInputs(op: string, outShape: Shape, xs: readonly Tensor[]): { shape: number[]; inputs: StridedInput[] } {
  const c = collapseLayout(
    outShape,
    xs.map((x) => broadcastStrides(x.shape, outShape, x._strides)),
  );
  return {
    shape: c.shape,
    inputs: xs.map((x, i) => ({ handle: x.storageHandle(op), strides: c.strides[i], offset: x._offset })),
  };
}

/**
 * A matrix operand (…, rows, cols) for a kernel with transpose flags
 * (matmul): the storage handle itself, and whether it holds the matrices
 * transposed, when x is dense or a dense tensor with its last two axes
 * swapped (x.T, x.transpose(-2, -1)), so that no copy is made; else x's
 * dense handle, not transposed.
 */
export function matrixOperand(x: Tensor, op: string): { handle: Handle; transposed: boolean } {
  const rank = x.shape.length;
  if (rank >= 2 && x._offset === 0 && x._storage.size === x.size) {
    const swapped = [...x.shape];
    [swapped[rank - 2], swapped[rank - 1]] = [swapped[rank - 1], swapped[rank - 2]];
    const strides = [...x._strides];
    [strides[rank - 2], strides[rank - 1]] = [strides[rank - 1], strides[rank - 2]];
    if (!isRowMajor(x.shape, x._strides) && isRowMajor(swapped, strides)) return { handle: x.storageHandle(op), transposed: true };
  }
  return { handle: x.handle(op), transposed: false };
}
