import type { DataArray } from '@tensile/core';

export { allocArray, isFloat } from '@tensile/core';

/** Float storage: the two dtypes whose kernels share one code path. */
export type FloatArray = Float32Array | Float64Array;

/** A zero-filled array of the same kind as `like`. */
export function allocLike<T extends DataArray>(like: T, size: number): T {
  return new (like.constructor as new (n: number) => T)(size);
}
