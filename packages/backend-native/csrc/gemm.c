/*
 * Matrix products: float32/float64 through OpenBLAS (cblas_sgemm/dgemm),
 * small float32 ones through oneDNN's sgemm (gemm_dnnl.c), int32 through plain wrapping
 * loops; the batched matmul kernel and the fused matmul + bias (+ relu).
 */
#include <cblas.h>
#include <string.h>

#include "native.h"

typedef struct {
  int transA, transB;
  int64_t m, n, k, lda, ldb, ldc;
  const int32_t *A, *B;
  int32_t *C;
  int beta;
} IntGemm;

/* Rows [lo, hi) of C: C[i, :] (+)= Σ_p A[i, p]·B[p, :], wrapping like C's unsigned arithmetic. */
HOT static void int_gemm_rows(void *p, int64_t lo, int64_t hi) {
  const IntGemm *g = p;
  for (int64_t i = lo; i < hi; i++) {
    uint32_t *c = (uint32_t *)g->C + i * g->ldc;
    if (!g->beta) memset(c, 0, (size_t)g->n * 4);
    for (int64_t q = 0; q < g->k; q++) {
      uint32_t av = (uint32_t)(g->transA ? g->A[q * g->lda + i] : g->A[i * g->lda + q]);
      if (g->transB) {
        for (int64_t j = 0; j < g->n; j++) c[j] += av * (uint32_t)g->B[j * g->ldb + q];
      } else {
        const uint32_t *b = (const uint32_t *)g->B + q * g->ldb;
        for (int64_t j = 0; j < g->n; j++) c[j] += av * b[j];
      }
    }
  }
}

void gemm(int dtype, int transA, int transB, int64_t m, int64_t n, int64_t k, const void *A, int64_t lda, const void *B,
          int64_t ldb, double beta, void *C, int64_t ldc) {
  if (m == 0 || n == 0) return;
  enum CBLAS_TRANSPOSE ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans;
  if (dtype == DT_F32 && dnnl_gemm_f32(transA, transB, m, n, k, A, lda, B, ldb, (float)beta, C, ldc)) return;
  if (dtype == DT_F32) {
    cblas_sgemm(CblasRowMajor, ta, tb, (int)m, (int)n, (int)k, 1.0f, A, (int)lda, B, (int)ldb, (float)beta, C, (int)ldc);
  } else if (dtype == DT_F64) {
    cblas_dgemm(CblasRowMajor, ta, tb, (int)m, (int)n, (int)k, 1.0, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
  } else {
    IntGemm g = {transA, transB, m, n, k, lda, ldb, ldc, A, B, C, beta != 0};
    par_range(m, m * n * k, int_gemm_rows, &g);
  }
}

typedef struct {
  int64_t batch, m, k, n;
  int transA, transB, aBatched, bBatched;
} MatmulParams;

static int read_params(Args *a, size_t i, MatmulParams *p) {
  p->batch = arg_i64(a, i);
  p->m = arg_i64(a, i + 1);
  p->k = arg_i64(a, i + 2);
  p->n = arg_i64(a, i + 3);
  p->transA = arg_bool(a, i + 4);
  p->transB = arg_bool(a, i + 5);
  p->aBatched = arg_bool(a, i + 6);
  p->bBatched = arg_bool(a, i + 7);
  return !a->failed;
}

/* out[b] = op(a[b])·op(b[b]) into o (zeroed, [batch, m, n]). */
static void matmul_into(int dtype, const MatmulParams *p, const char *A, const char *B, char *o) {
  if (p->k == 0 || p->m * p->n == 0) return;
  size_t sz = DT_SIZE[dtype];
  int64_t lda = p->transA ? p->m : p->k, ldb = p->transB ? p->k : p->n;
  /* a batch of row-major A sharing one B is one tall product: B is packed once */
  if (p->aBatched && !p->bBatched && !p->transA) {
    gemm(dtype, 0, p->transB, p->batch * p->m, p->n, p->k, A, lda, B, ldb, 0, o, p->n);
    return;
  }
  int64_t as = p->aBatched ? p->m * p->k : 0, bs = p->bBatched ? p->k * p->n : 0;
  for (int64_t b = 0; b < p->batch; b++)
    gemm(dtype, p->transA, p->transB, p->m, p->n, p->k, A + b * as * sz, lda, B + b * bs * sz, ldb, 0, o + b * p->m * p->n * sz, p->n);
}

/* matmul(a, b, dtype, batch, m, k, n, transA, transB, aBatched, bBatched) -> [batch, m, n] */
static napi_value k_matmul(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "matmul", 11)) return NULL;
  const char *A = arg_buf(&a, 0), *B = arg_buf(&a, 1);
  int dtype = (int)arg_i64(&a, 2);
  MatmulParams p;
  if (!read_params(&a, 3, &p)) return NULL;
  void *o;
  napi_value out = buf_new(env, dtype, p.batch * p.m * p.n, p.k == 0, &o);
  if (!out) return NULL;
  matmul_into(dtype, &p, A, B, o);
  return out;
}

#define ADD_BIAS(T)                                                              \
  {                                                                              \
    T *y = o;                                                                    \
    const T *bias = bias_;                                                       \
    for (int64_t r = 0; r < rows; r++, y += n) {                                 \
      if (relu)                                                                  \
        for (int64_t j = 0; j < n; j++) {                                        \
          T v = y[j] + bias[j];                                                  \
          y[j] = v < 0 ? 0 : v;                                                  \
        }                                                                        \
      else                                                                       \
        for (int64_t j = 0; j < n; j++) y[j] += bias[j];                         \
    }                                                                            \
  }

HOT static void add_bias(int dtype, void *o, const void *bias_, int64_t rows, int64_t n, int relu) {
  if (dtype == DT_F32) ADD_BIAS(float)
  else if (dtype == DT_F64) ADD_BIAS(double)
  else {
    int32_t *y = o;
    const int32_t *bias = bias_;
    for (int64_t r = 0; r < rows; r++, y += n)
      for (int64_t j = 0; j < n; j++) {
        int32_t v = (int32_t)((uint32_t)y[j] + (uint32_t)bias[j]);
        y[j] = relu && v < 0 ? 0 : v;
      }
  }
}

/* matmulBias(a, b, bias, dtype, batch, m, k, n, transA, transB, aBatched, bBatched, relu) -> act(a·b + bias) */
static napi_value k_matmul_bias(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "matmulBias", 13)) return NULL;
  const char *A = arg_buf(&a, 0), *B = arg_buf(&a, 1);
  const void *bias = arg_buf(&a, 2);
  int dtype = (int)arg_i64(&a, 3);
  MatmulParams p;
  read_params(&a, 4, &p);
  int relu = arg_bool(&a, 12);
  if (a.failed) return NULL;
  void *o;
  napi_value out = buf_new(env, dtype, p.batch * p.m * p.n, p.k == 0, &o);
  if (!out) return NULL;
  matmul_into(dtype, &p, A, B, o);
  add_bias(dtype, o, bias, p.batch * p.m, p.n, relu);
  return out;
}

const Export GEMM_EXPORTS[] = {{"matmul", k_matmul}, {"matmulBias", k_matmul_bias}, {NULL, NULL}};
