import type { DataArray, DType } from '@tensile/core';
import { allocArray } from './arrays.js';

/**
 * x converted to dtype `to`. Typed-array stores do the work: float -> int32
 * truncates toward zero (NaN -> 0, out-of-range wraps), float64 -> float32
 * rounds to nearest. To bool: nonzero (and NaN) -> 1.
 */
export function cast(x: DataArray, to: DType): DataArray {
  const out = allocArray(to, x.length);
  if (to === 'bool') {
    for (let i = 0; i < x.length; i++) out[i] = x[i] !== 0 ? 1 : 0;
  } else {
    out.set(x);
  }
  return out;
}
