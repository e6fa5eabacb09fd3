import type { DataArray, DType } from './backend/backend.js';
import { ArgumentError, DTypeError, OutOfMemoryError } from './errors.js';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case 'float64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'bool':
      return 1;
  }
}

/**
 * The most elements one typed array can hold in V8 (Node, Chrome): 2^32.
 * Other engines differ; a failure below this is reported with an unknown limit.
 */
export const MAX_TYPED_ARRAY_LENGTH = 2 ** 32;

/**
 * A zero-filled host array of `size` elements of `dtype`. A request the JS
 * engine cannot satisfy throws OutOfMemoryError (bytes asked for, the limit)
 * instead of a bare RangeError, and nothing is allocated.
 */
export function allocArray(dtype: DType, size: number, where = 'allocArray'): DataArray {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new ArgumentError(`${where}: size ${size} must be a non-negative integer`);
  }
  const bytes = size * bytesPerElement(dtype);
  if (size > MAX_TYPED_ARRAY_LENGTH) {
    throw new OutOfMemoryError(
      where,
      bytes,
      MAX_TYPED_ARRAY_LENGTH * bytesPerElement(dtype),
      `a ${dtype} array holds at most 2^32 elements`,
    );
  }
  try {
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
  } catch (error) {
    // V8: "Array buffer allocation failed" (no memory) or "Invalid typed array length" (other engines' caps).
    if (error instanceof RangeError) throw new OutOfMemoryError(where, bytes, Infinity, `the JS engine refused: ${error.message}`);
    throw error;
  }
}

/** The dtype a typed array holds by default. */
export function dtypeOfArray(data: DataArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** The dtype two operands are computed in, as PyTorch promotes them. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

export function assertDType(dtype: string, op: string, param: string): asserts dtype is DType {
  if (!(DTYPES as readonly string[]).includes(dtype)) {
    throw new DTypeError(`${op}: unknown dtype '${dtype}' for ${param}; expected one of ${DTYPES.join(', ')}`);
  }
}
