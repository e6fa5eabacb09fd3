#pragma once
#include "common.h"

i32 sgemm_workspace(i32 n, i32 k);
void sgemm_rows(const f32 *A, const f32 *B, f32 *C, i32 m, i32 n, i32 k, i32 transA, i32 transB, i32 r0, i32 r1,
                i32 accumulate, f32 *ws);
void dgemm_rows(const f64 *A, const f64 *B, f64 *C, i32 m, i32 n, i32 k, i32 transA, i32 transB, i32 r0, i32 r1,
                i32 accumulate);
void igemm_rows(const i32 *A, const i32 *B, i32 *C, i32 m, i32 n, i32 k, i32 transA, i32 transB, i32 r0, i32 r1,
                i32 accumulate);

/* Rows [r0, r1) of C = op(A).op(B) for any numeric dtype; returns a K_ status. */
INLINE i32 gemm_rows(i32 dtype, const void *A, const void *B, void *C, i32 m, i32 n, i32 k, i32 transA, i32 transB,
                     i32 r0, i32 r1, i32 accumulate, void *ws) {
  switch ((DType)dtype) {
    case DT_F32: sgemm_rows(A, B, C, m, n, k, transA, transB, r0, r1, accumulate, ws); return K_OK;
    case DT_F64: dgemm_rows(A, B, C, m, n, k, transA, transB, r0, r1, accumulate); return K_OK;
    case DT_I32: igemm_rows(A, B, C, m, n, k, transA, transB, r0, r1, accumulate); return K_OK;
    case DT_BOOL: return K_UNSUPPORTED;
    default: return K_BAD_DTYPE;
  }
}
