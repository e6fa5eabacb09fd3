import type { DType } from '@tensile/core';

/** The addon's dtype codes (csrc/native.h DT_*). */
export const DTYPE_CODE: Readonly<Record<DType, number>> = { float32: 0, float64: 1, int32: 2, bool: 3 };

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
