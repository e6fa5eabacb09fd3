import { collapseLayout } from '@tensile/core';
import type { DataArray, Shape } from '@tensile/core';
import { allocLike } from './arrays.js';
import { forEachRow } from './rows.js';

/** Rows shorter than this are copied with a loop; longer ones with TypedArray.set. */
const SET_MIN = 16;

/**
 * A dense copy of the view out[i…] = x[offset + Σ i_d · strides[d]]
 * (permute, expand, stepped slice, flip). Core collapses the layout first,
 * so a plain slice copies whole rows; any layout copies correctly.
 */
export function strided(x: DataArray, outShape: Shape, strides: Shape, offset: number): DataArray {
  let size = 1;
  for (const d of outShape) size *= d;
  const out = allocLike(x, size);
  if (size === 0) return out;
  const c = collapseLayout(outShape, [strides]);
  const last = c.shape.length - 1;
  const len = c.shape[last];
  const step = c.strides[0][last];
  if (c.shape.length === 2 && len > 1 && step !== 1 && c.strides[0][0] === 1) {
    transpose2d(x, out, offset, c.shape[0], len, step);
    return out;
  }
  forEachRow(c.shape, [c.strides[0]], (offsets, o) => {
    let xi = offset + offsets[0];
    if (step === 1 && len >= SET_MIN) {
      out.set(x.subarray(xi, xi + len), o);
      return;
    }
    for (let j = 0; j < len; j++, xi += step) out[o + j] = x[xi];
  });
  return out;
}

/**
 * out [rows, cols] = x read with stride 1 down rows and `step` across
 * columns: a transpose. Walked in square tiles so both sides stay in cache.
 */
function transpose2d(x: DataArray, out: DataArray, offset: number, rows: number, cols: number, step: number): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        const o = r * cols;
        const xi = offset + r;
        for (let c = c0; c < c1; c++) out[o + c] = x[xi + c * step];
      }
    }
  }
}

/** Inputs viewed as [outer, widths[i]], joined along the second axis. */
export function concat(xs: readonly DataArray[], like: DataArray, outer: number, widths: readonly number[]): DataArray {
  let total = 0;
  for (const w of widths) total += w;
  const out = allocLike(like, outer * total);
  let col = 0;
  xs.forEach((x, i) => {
    const w = widths[i];
    if (w === 0) return;
    if (outer === 1) {
      out.set(x.subarray(0, w), col);
    } else if (w >= SET_MIN) {
      for (let o = 0; o < outer; o++) out.set(x.subarray(o * w, o * w + w), o * total + col);
    } else {
      for (let o = 0; o < outer; o++) {
        const src = o * w;
        const dst = o * total + col;
        for (let j = 0; j < w; j++) out[dst + j] = x[src + j];
      }
    }
    col += w;
  });
  return out;
}

/** Constant padding: each axis grows by before[d] + after[d]. */
export function pad(x: DataArray, shape: Shape, before: Shape, after: Shape, value: number): DataArray {
  const rank = shape.length;
  const outShape = shape.map((d, i) => before[i] + d + after[i]);
  let size = 1;
  for (const d of outShape) size *= d;
  const out = allocLike(x, size);
  if (value !== 0) out.fill(value);
  if (x.length === 0) return out;
  if (rank === 0) {
    out[0] = x[0];
    return out;
  }
  // Walk the input row by row; the output stride of axis d places each row.
  const outStrides: number[] = [];
  const inStrides: number[] = [];
  let so = 1;
  let si = 1;
  for (let d = rank - 1; d >= 0; d--) {
    outStrides[d] = so;
    inStrides[d] = si;
    so *= outShape[d];
    si *= shape[d];
  }
  let start = 0;
  for (let d = 0; d < rank; d++) start += before[d] * outStrides[d];
  const len = shape[rank - 1];
  forEachRow([...shape], [inStrides, outStrides], (offsets) => {
    const src = offsets[0];
    const dst = start + offsets[1];
    if (len >= SET_MIN) out.set(x.subarray(src, src + len), dst);
    else for (let j = 0; j < len; j++) out[dst + j] = x[src + j];
  });
  return out;
}
