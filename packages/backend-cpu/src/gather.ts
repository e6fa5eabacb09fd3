import type { DataArray } from '@tensile/core';
import { allocLike } from './arrays.js';

/** x [outer, n, inner] picked at indices (length m) along the middle axis -> [outer, m, inner]. */
export function gather(x: DataArray, outer: number, n: number, inner: number, indices: Int32Array, m: number): DataArray {
  const out = allocLike(x, outer * m * inner);
  for (let o = 0; o < outer; o++) {
    const srcBase = o * n * inner;
    const dstBase = o * m * inner;
    if (inner === 1) {
      for (let j = 0; j < m; j++) out[dstBase + j] = x[srcBase + indices[j]];
      continue;
    }
    for (let j = 0; j < m; j++) {
      const src = srcBase + indices[j] * inner;
      const dst = dstBase + j * inner;
      if (inner >= 16) out.set(x.subarray(src, src + inner), dst);
      else for (let t = 0; t < inner; t++) out[dst + t] = x[src + t];
    }
  }
  return out;
}

/** Zeros [outer, n, inner] with src [outer, m, inner] row j added at indices[j] (repeats accumulate). */
export function scatterAdd(src: DataArray, outer: number, m: number, inner: number, indices: Int32Array, n: number): DataArray {
  const out = allocLike(src, outer * n * inner);
  for (let o = 0; o < outer; o++) {
    const srcBase = o * m * inner;
    const dstBase = o * n * inner;
    for (let j = 0; j < m; j++) {
      const s = srcBase + j * inner;
      const d = dstBase + indices[j] * inner;
      // Int32Array storage wraps the sum like C.
      for (let t = 0; t < inner; t++) out[d + t] += src[s + t];
    }
  }
  return out;
}
