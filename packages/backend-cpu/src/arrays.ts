import { allocArray } from '@tensile/core';
import type { DataArray, DType } from '@tensile/core';

export { allocArray, isFloat } from '@tensile/core';

/** Float storage: the two dtypes whose kernels share one code path. */
export type FloatArray = Float32Array | Float64Array;

/** A zero-filled array of the same kind as `like`; a request too large throws OutOfMemoryError. */
export function allocLike<T extends DataArray>(like: T, size: number): T {
  return allocArray(dtypeOf(like), size) as T;
}

function dtypeOf(x: DataArray): DType {
  if (x instanceof Float32Array) return 'float32';
  if (x instanceof Float64Array) return 'float64';
  if (x instanceof Int32Array) return 'int32';
  return 'bool';
}
