/*
 * Reductions over the middle axis of x viewed as [outer, size, inner], and
 * softmax / log-softmax over rows. Float sums and products accumulate in
 * double (contiguous row sums in eight lanes); max/min propagate NaN; argmax/argmin pick the first index (or the
 * first NaN). Each output is computed by one thread in a fixed order, so
 * results do not depend on the thread count.
 */
#include <math.h>
#include <stdlib.h>

#include "native.h"

enum { R_SUM, R_PROD, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN };

typedef struct {
  int op, dtype;
  const void *x;
  void *out;
  int64_t outer, size, inner;
} ReduceJob;

/*
 * Outputs [lo, hi) of the flattened [outer, inner] result. inner == 1 walks a
 * contiguous run per output; otherwise rows of inner elements are combined
 * elementwise (contiguous, vectorisable), for the inner positions in this piece.
 */
#define REDUCE_BODY(T, ACC, SUM_STEP, PROD_STEP)                                              \
  {                                                                                           \
    const T *x = j->x;                                                                        \
    for (int64_t q = lo; q < hi;) {                                                           \
      int64_t o = q / inner, c0 = q % inner;                                                  \
      int64_t c1 = inner - c0 < hi - q ? inner : c0 + (hi - q);                               \
      const T *base = x + o * size * inner;                                                   \
      for (int64_t c = c0; c < c1; c++) {                                                     \
        const T *p = base + c;                                                                \
        switch (j->op) {                                                                      \
          case R_SUM: {                                                                       \
            ACC acc = 0;                                                                      \
            for (int64_t s = 0; s < size; s++) SUM_STEP;                                      \
            out_store(j, o * inner + c, (double)(T)acc);                                      \
            break;                                                                            \
          }                                                                                   \
          case R_PROD: {                                                                      \
            ACC acc = 1;                                                                      \
            for (int64_t s = 0; s < size; s++) PROD_STEP;                                     \
            out_store(j, o * inner + c, (double)(T)acc);                                      \
            break;                                                                            \
          }                                                                                   \
          case R_MAX:                                                                         \
          case R_MIN: {                                                                       \
            int is_max = j->op == R_MAX;                                                      \
            double best = is_max ? -INFINITY : INFINITY;                                      \
            for (int64_t s = 0; s < size; s++) {                                              \
              double v = (double)p[s * inner];                                                \
              if (v != v) {                                                                   \
                best = v;                                                                     \
                break;                                                                        \
              }                                                                               \
              if (is_max ? v > best : v < best) best = v;                                     \
            }                                                                                 \
            out_store(j, o * inner + c, best);                                                \
            break;                                                                            \
          }                                                                                   \
          default: {                                                                          \
            int is_max = j->op == R_ARGMAX;                                                   \
            double best = is_max ? -INFINITY : INFINITY;                                      \
            int32_t index = 0;                                                                \
            for (int64_t s = 0; s < size; s++) {                                              \
              double v = (double)p[s * inner];                                                \
              if (v != v) {                                                                   \
                index = (int32_t)s;                                                           \
                break;                                                                        \
              }                                                                               \
              /* strict: ties keep the first index */                                         \
              if (is_max ? v > best : v < best) {                                             \
                best = v;                                                                     \
                index = (int32_t)s;                                                           \
              }                                                                               \
            }                                                                                 \
            ((int32_t *)j->out)[o * inner + c] = index;                                       \
          }                                                                                   \
        }                                                                                     \
      }                                                                                       \
      q += c1 - c0;                                                                           \
    }                                                                                         \
  }

static inline void out_store(const ReduceJob *j, int64_t i, double v) {
  switch (j->dtype) {
    case DT_F32: ((float *)j->out)[i] = (float)v; break;
    case DT_F64: ((double *)j->out)[i] = v; break;
    case DT_I32: ((int32_t *)j->out)[i] = (int32_t)v; break;
    default: ((uint8_t *)j->out)[i] = (uint8_t)v;
  }
}

/* The strided reductions above, one output at a time. */
static void reduce_range(void *p, int64_t lo, int64_t hi) {
  const ReduceJob *j = p;
  int64_t size = j->size, inner = j->inner;
  switch (j->dtype) {
    case DT_F32: REDUCE_BODY(float, double, acc += p[s * inner], acc *= p[s * inner]) break;
    case DT_F64: REDUCE_BODY(double, double, acc += p[s * inner], acc *= p[s * inner]) break;
    case DT_I32: REDUCE_BODY(int32_t, uint32_t, acc += (uint32_t)p[s * inner], acc *= (uint32_t)p[s * inner]) break;
    default: REDUCE_BODY(uint8_t, uint32_t, acc += p[s * inner], acc *= p[s * inner]) break;
  }
}

/* Sums over the middle axis with inner > 1, a row of inner at a time (contiguous, vectorised), outer rows [lo, hi). */
#define SUM_ROWS(T, ACC)                                                        \
  {                                                                             \
    const T *x = j->x;                                                          \
    T *out = j->out;                                                            \
    ACC *acc = malloc(sizeof(ACC) * (size_t)inner);                             \
    for (int64_t o = lo; o < hi; o++) {                                         \
      for (int64_t c = 0; c < inner; c++) acc[c] = 0;                           \
      for (int64_t s = 0; s < size; s++) {                                      \
        const T *row = x + (o * size + s) * inner;                              \
        for (int64_t c = 0; c < inner; c++) acc[c] += (ACC)row[c];              \
      }                                                                         \
      for (int64_t c = 0; c < inner; c++) out[o * inner + c] = (T)acc[c];       \
    }                                                                           \
    free(acc);                                                                  \
  }

HOT static void sum_rows(void *p, int64_t lo, int64_t hi) {
  const ReduceJob *j = p;
  int64_t size = j->size, inner = j->inner;
  if (j->dtype == DT_F32) SUM_ROWS(float, double)
  else if (j->dtype == DT_F64) SUM_ROWS(double, double)
  else SUM_ROWS(int32_t, uint32_t)
}

/*
 * Float sums of contiguous rows (inner == 1), outputs [lo, hi): eight double accumulators, lane k taking the
 * entries s ≡ k (mod 8), combined in one fixed order. One running sum waits on each add's latency (384 rows of
 * 576 took 200 µs); eight overlap and vectorise. Each row is still one thread's, so results do not depend on
 * the thread count.
 */
#define SUM_CONTIGUOUS(T)                                                                      \
  {                                                                                            \
    const T *x = j->x;                                                                         \
    T *out = j->out;                                                                           \
    for (int64_t o = lo; o < hi; o++) {                                                        \
      const T *p = x + o * size;                                                               \
      double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                                \
      int64_t s = 0;                                                                           \
      for (; s + 8 <= size; s += 8)                                                            \
        for (int k = 0; k < 8; k++) acc[k] += (double)p[s + k];                                \
      for (int k = 0; s < size; s++, k++) acc[k] += (double)p[s];                              \
      out[o] = (T)(((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))); \
    }                                                                                          \
  }

HOT static void sum_contiguous(void *p, int64_t lo, int64_t hi) {
  const ReduceJob *j = p;
  int64_t size = j->size;
  if (j->dtype == DT_F32) SUM_CONTIGUOUS(float)
  else SUM_CONTIGUOUS(double)
}

/* reduce(op, x, dtype, outer, size, inner) -> handle [outer, inner] */
static napi_value k_reduce(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "reduce", 6)) return NULL;
  int op = (int)arg_i64(&a, 0);
  const void *x = arg_buf(&a, 1);
  int dtype = (int)arg_i64(&a, 2);
  int64_t outer = arg_i64(&a, 3), size = arg_i64(&a, 4), inner = arg_i64(&a, 5);
  if (a.failed) return NULL;
  if (op < 0 || op > R_ARGMIN) {
    arg_fail(&a, NULL, "reduce: unknown op %d", op);
    return NULL;
  }
  int odtype = op >= R_ARGMAX ? DT_I32 : dtype;
  int64_t count = outer * inner;
  void *o;
  napi_value out = buf_new(env, odtype, count, 0, &o);
  if (!out || count == 0) return out;
  ReduceJob j = {op, dtype, x, o, outer, size, inner};
  /* a sum with a long inner axis (a bias gradient) adds whole rows; a sum over many outer rows splits them */
  if (op == R_SUM && inner >= 16 && dtype != DT_BOOL && outer > 1)
    par_range(outer, count * size, sum_rows, &j);
  else if (op == R_SUM && inner >= 16 && dtype != DT_BOOL)
    sum_rows(&j, 0, 1);
  else if (op == R_SUM && inner == 1 && (dtype == DT_F32 || dtype == DT_F64))
    par_range(outer, count * size, sum_contiguous, &j);
  else
    par_range(count, count * size, reduce_range, &j);
  return out;
}

/* ---- softmax ---- */

typedef struct {
  int dtype, log;
  const void *x;
  void *out;
  int64_t cols;
} SoftmaxJob;

/* Rows [lo, hi): shift by the row max (NaN if any entry is NaN), exp, normalise; sums in double. */
#define SOFTMAX_ROWS(T, EXP)                                                  \
  {                                                                           \
    for (int64_t r = lo; r < hi; r++) {                                       \
      const T *x = (const T *)j->x + r * cols;                                \
      T *y = (T *)j->out + r * cols;                                          \
      T m = -INFINITY;                                                        \
      for (int64_t c = 0; c < cols; c++) {                                    \
        if (x[c] > m || x[c] != x[c]) m = x[c];                               \
        if (m != m) break;                                                    \
      }                                                                       \
      double sum = 0;                                                         \
      if (j->log) {                                                           \
        for (int64_t c = 0; c < cols; c++) sum += exp((double)(x[c] - m));    \
        T ls = (T)log(sum);                                                   \
        for (int64_t c = 0; c < cols; c++) y[c] = x[c] - m - ls;              \
      } else {                                                                \
        for (int64_t c = 0; c < cols; c++) {                                  \
          T e = EXP(x[c] - m);                                                \
          y[c] = e;                                                           \
          sum += e;                                                           \
        }                                                                     \
        T inv = (T)(1 / sum);                                                 \
        for (int64_t c = 0; c < cols; c++) y[c] *= inv;                       \
      }                                                                       \
    }                                                                         \
  }

HOT static void softmax_rows(void *p, int64_t lo, int64_t hi) {
  const SoftmaxJob *j = p;
  int64_t cols = j->cols;
  if (j->dtype == DT_F32) SOFTMAX_ROWS(float, expf)
  else SOFTMAX_ROWS(double, exp)
}

/* Rows [lo, hi) of a float32 softmax: those with a NaN or ±Inf entry are redone by softmax_rows. */
HOT static void softmax_nonfinite_rows(void *p, int64_t lo, int64_t hi) {
  const SoftmaxJob *j = p;
  const uint32_t *bits = j->x;
  for (int64_t r = lo; r < hi; r++) {
    uint32_t nonfinite = 0; /* an all-ones exponent: NaN or ±Inf */
    for (int64_t c = 0; c < j->cols; c++) nonfinite |= (bits[r * j->cols + c] & 0x7f800000u) == 0x7f800000u;
    if (nonfinite) softmax_rows(p, r, r + 1);
  }
}

static napi_value softmax_common(napi_env env, napi_callback_info info, int log, const char *name) {
  Args a;
  if (!args_get(env, info, &a, name, 4)) return NULL;
  const void *x = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  int64_t rows = arg_i64(&a, 2), cols = arg_i64(&a, 3);
  if (a.failed) return NULL;
  void *o;
  napi_value out = buf_new(env, dtype, rows * cols, 0, &o);
  if (!out || rows * cols == 0) return out;
  SoftmaxJob j = {dtype, log, x, o, cols};
  /*
   * float32 softmax runs on oneDNN where the addon has it (softmax_dnnl.c: with the check below, 5.5x our loop
   * on 4096×65 rows and 8x on 1024×1000), then rows holding NaN or ±Inf are redone here: oneDNN gave [NaN, 0, 0] for [NaN, 1, 2] and
   * [Inf, 1, 2], where PyTorch's rows are all NaN. log-softmax stays on the loop: oneDNN 2.6's log is off by
   * ~1.4e-6 (log-softmax of [1e30, -1e30, 0] gave 1.4e-6 for 0), a dozen float32 ulps.
   */
  if (dtype == DT_F32 && !log && dnnl_softmax_f32(rows, cols, x, o))
    par_range(rows, rows * cols, softmax_nonfinite_rows, &j);
  else
    par_range(rows, rows * cols * 8, softmax_rows, &j);
  return out;
}

/* softmax(x, dtype, rows, cols) / logSoftmax(…) -> handle, over the last axis */
static napi_value k_softmax(napi_env env, napi_callback_info info) { return softmax_common(env, info, 0, "softmax"); }
static napi_value k_log_softmax(napi_env env, napi_callback_info info) { return softmax_common(env, info, 1, "logSoftmax"); }

const Export REDUCE_EXPORTS[] = {
    {"reduce", k_reduce}, {"softmax", k_softmax}, {"logSoftmax", k_log_softmax}, {NULL, NULL},
};
