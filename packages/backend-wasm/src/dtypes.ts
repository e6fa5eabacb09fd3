import type { DType } from '@tensile/core';

/** dtype codes shared with the C kernels (csrc/common.h). */
export const DTYPE_CODE: Record<DType, number> = { float32: 0, float64: 1, int32: 2, bool: 3 };

/** Bytes per element. */
export const ELEMENT_SIZE: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
