import type { DataArray } from '@tensile/core';
import { allocLike } from './arrays.js';

/**
 * Row max of x[base, base+cols): NaN if any entry is NaN. Subtracting it keeps
 * exp from overflowing; a NaN or +Inf then turns the whole row NaN, as in PyTorch.
 */
function rowMax(x: DataArray, base: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) {
    const v = x[base + j];
    if (v > m || v !== v) m = v;
    if (m !== m) break;
  }
  return m;
}

/** Softmax over the last axis of x viewed as [rows, cols]. */
export function softmax(x: DataArray, rows: number, cols: number): DataArray {
  const out = allocLike(x, rows * cols);
  const e = new Float64Array(cols);
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    const m = rowMax(x, base, cols);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const v = Math.exp(x[base + j] - m);
      e[j] = v;
      sum += v;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) out[base + j] = e[j] * inv;
  }
  return out;
}

/** Log-softmax over the last axis of x viewed as [rows, cols]: x - max - log Σ exp(x - max). */
export function logSoftmax(x: DataArray, rows: number, cols: number): DataArray {
  const out = allocLike(x, rows * cols);
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    const m = rowMax(x, base, cols);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(x[base + j] - m);
    const logSum = Math.log(sum);
    for (let j = 0; j < cols; j++) out[base + j] = x[base + j] - m - logSum;
  }
  return out;
}
