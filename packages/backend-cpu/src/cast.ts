import type { DataArray, DType } from '@tensile/core';
import { allocArray } from './arrays.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * x converted to dtype `to`. Float -> int32 truncates toward zero and
 * saturates to [-2^31, 2^31 - 1], NaN -> 0 — the rule every backend follows
 * (wasm's i32.trunc_sat; PyTorch leaves out-of-range values undefined). A
 * typed-array store would wrap modulo 2^32 instead (3e9 -> -1294967296).
 * float64 -> float32 rounds to nearest. To bool: nonzero (and NaN) -> 1.
 */
export function cast(x: DataArray, to: DType): DataArray {
  const out = allocArray(to, x.length);
  if (to === 'bool') {
    for (let i = 0; i < x.length; i++) out[i] = x[i] !== 0 ? 1 : 0;
  } else if (to === 'int32' && (x instanceof Float32Array || x instanceof Float64Array)) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = v >= INT32_MAX ? INT32_MAX : v <= INT32_MIN ? INT32_MIN : v !== v ? 0 : Math.trunc(v);
    }
  } else {
    out.set(x);
  }
  return out;
}
