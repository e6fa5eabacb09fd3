/*
 * Small float32 GEMMs through oneDNN's JIT sgemm: below 2^26 multiply-adds
 * (~400³) it measured 5–50% faster here than OpenBLAS on one and on two
 * threads (a training step's 128×784·784×128, 128×128·128×64, ...); above
 * it OpenBLAS is as fast or faster (gemm.c). Built only with oneDNN.
 */
#include "native.h"

#ifdef TENSILE_DNNL
#include <oneapi/dnnl/dnnl.h>

#define DNNL_GEMM_MAX ((int64_t)1 << 26)

int dnnl_gemm_f32(int transA, int transB, int64_t m, int64_t n, int64_t k, const float *A, int64_t lda, const float *B,
                  int64_t ldb, float beta, float *C, int64_t ldc) {
  if (m * n * k >= DNNL_GEMM_MAX) return 0;
  sigset_t saved;
  signals_hold(&saved);
  dnnl_status_t s = dnnl_sgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', m, n, k, 1.0f, A, lda, B, ldb, beta, C, ldc);
  signals_release(&saved);
  return s == dnnl_success;
}

#else

int dnnl_gemm_f32(int transA, int transB, int64_t m, int64_t n, int64_t k, const float *A, int64_t lda, const float *B,
                  int64_t ldb, float beta, float *C, int64_t ldc) {
  return 0;
}

#endif
