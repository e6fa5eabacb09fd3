import type { Shape } from '@tensile/core';

/**
 * Strides that read an input of shape `inShape` as if broadcast to
 * `outShape` (NumPy rules: missing leading axes and size-1 axes get stride 0).
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = inShape.length - 1; d >= 0; d--) {
    const outAxis = d + rank - inShape.length;
    strides[outAxis] = inShape[d] === 1 ? 0 : stride;
    stride *= inShape[d];
  }
  return strides;
}

/**
 * Merges adjacent axes that every input walks contiguously, so the innermost
 * loop is as long as possible (a same-shape op becomes one flat loop, a bias
 * add becomes [rows, cols]). Size-1 axes are dropped. Always returns rank ≥ 1.
 */
export function collapseAxes(shape: Shape, stridesList: number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    // Axis d merges into the previous kept axis when, for every input, stepping
    // the previous axis once equals stepping axis d shape[d] times.
    const mergeable = last >= 0 && stridesList.every((s, i) => outStrides[i][last] === s[d] * shape[d]);
    if (mergeable) {
      outShape[last] *= shape[d];
      stridesList.forEach((s, i) => (outStrides[i][last] = s[d]));
    } else {
      outShape.push(shape[d]);
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
 * Walks every row (all axes but the last) of a collapsed iteration space and
 * calls `row(offsets, outOffset)` with each input's start offset. The caller
 * runs its own tight loop over the last axis; the callback runs once per row,
 * never per element.
 */
export function forEachRow(shape: number[], strides: number[][], row: (offsets: number[], outOffset: number) => void): void {
  const rank = shape.length;
  const inner = shape[rank - 1];
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= shape[d];
  if (rows === 0 || inner === 0) return;
  const offsets = strides.map(() => 0);
  const index = new Array<number>(rank).fill(0);
  for (let r = 0; r < rows; r++) {
    row(offsets, r * inner);
    // Odometer increment over the outer axes, updating each input's offset.
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      for (let i = 0; i < offsets.length; i++) offsets[i] += strides[i][d];
      if (index[d] < shape[d]) break;
      for (let i = 0; i < offsets.length; i++) offsets[i] -= strides[i][d] * shape[d];
      index[d] = 0;
    }
  }
}
