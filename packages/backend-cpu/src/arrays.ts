import type { DataArray, DType } from '@tensile/core';

/** Float storage: the two dtypes whose kernels share one code path. */
export type FloatArray = Float32Array | Float64Array;

/** A typed array of the right kind for `dtype`, zero-filled. */
export function allocArray(dtype: DType, size: number): DataArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** A zero-filled array of the same kind as `like`. */
export function allocLike<T extends DataArray>(like: T, size: number): T {
  return new (like.constructor as new (n: number) => T)(size);
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}
