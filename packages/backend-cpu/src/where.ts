import type { DataArray, Shape } from '@tensile/core';
import { allocLike } from './arrays.js';
import { broadcastStrides, collapseAxes, forEachRow } from './broadcast.js';

/** cond ? a : b elementwise, all three broadcast to outShape. */
export function where(
  cond: Uint8Array,
  condShape: Shape,
  a: DataArray,
  aShape: Shape,
  b: DataArray,
  bShape: Shape,
  outShape: Shape,
): DataArray {
  let size = 1;
  for (const d of outShape) size *= d;
  const out = allocLike(a, size);
  if (size === 0) return out;
  if (cond.length === size && a.length === size && b.length === size) {
    for (let i = 0; i < size; i++) out[i] = cond[i] !== 0 ? a[i] : b[i];
    return out;
  }
  const c = collapseAxes(outShape, [
    broadcastStrides(condShape, outShape),
    broadcastStrides(aShape, outShape),
    broadcastStrides(bShape, outShape),
  ]);
  const last = c.shape.length - 1;
  const len = c.shape[last];
  const cs = c.strides[0][last];
  const as = c.strides[1][last];
  const bs = c.strides[2][last];
  forEachRow(c.shape, c.strides, (offsets, o) => {
    let ci = offsets[0];
    let ai = offsets[1];
    let bi = offsets[2];
    for (let j = 0; j < len; j++, ci += cs, ai += as, bi += bs) out[o + j] = cond[ci] !== 0 ? a[ai] : b[bi];
  });
  return out;
}
