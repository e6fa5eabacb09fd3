import type { DataArray, Shape } from '@tensile/core';
import { allocLike } from './arrays.js';
import { type View, forEachRow } from './rows.js';

/** cond ? a : b elementwise over the iteration `shape`, each read through the view core laid out. */
export function where(cond: Uint8Array, cv: View, a: DataArray, av: View, b: DataArray, bv: View, shape: Shape): DataArray {
  let size = 1;
  for (const d of shape) size *= d;
  const out = allocLike(a, size);
  if (size === 0) return out;
  const rank = shape.length;
  const last = rank - 1;
  const len = rank ? shape[last] : 1;
  const cs = rank ? cv.strides[last] : 0;
  const as = rank ? av.strides[last] : 0;
  const bs = rank ? bv.strides[last] : 0;
  const row = (co: number, ao: number, bo: number, o: number) => {
    let ci = cv.offset + co;
    let ai = av.offset + ao;
    let bi = bv.offset + bo;
    for (let j = 0; j < len; j++, ci += cs, ai += as, bi += bs) out[o + j] = cond[ci] !== 0 ? a[ai] : b[bi];
  };
  if (rank <= 1) row(0, 0, 0, 0);
  else forEachRow(shape, [cv.strides, av.strides, bv.strides], (offsets, o) => row(offsets[0], offsets[1], offsets[2], o));
  return out;
}
