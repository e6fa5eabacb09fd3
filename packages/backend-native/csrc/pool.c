/*
 * Max pooling in one pass: each window's value and the plane index of its
 * first maximum (h·W + w, PyTorch's return_indices). NaN counts as the
 * largest, so it propagates; a window whose entries are all -∞ names its
 * first in-plane entry, as core's composition does. Planes are split over
 * the threads; the gradient is a scatter-add by these indices, done by core.
 */
#include <math.h>
#include <stdlib.h>

#include "native.h"

typedef struct {
  const Geom *g;
  int dtype;
  const void *x;
  void *values;
  int32_t *indices;
  /* per output column: the first input column its window reads; per tap k: the output columns it reaches */
  const int64_t *first_col, *col_lo, *col_hi;
} PoolJob;

/* The first tap of a window along one axis that lands inside [0, size), and how many taps do. */
static void taps(int64_t start, int64_t size, int64_t k, int64_t dilation, int64_t *first, int64_t *count) {
  int64_t i = 0;
  while (i < k && start + i * dilation < 0) i++;
  int64_t n = 0;
  while (i + n < k && start + (i + n) * dilation < size) n++;
  *first = i;
  *count = n;
}

/*
 * Tap (row, k) of the windows of output columns [lo, hi): best[ow] and at[ow] take the entry
 * src[ow*sw + shift] where it is larger (or NaN first). Which entry wins is random, so the choice is a select:
 * a branch would mispredict more often than the window is wide. restrict and int32 positions let it vectorise.
 */
#define TAP(T, NAME)                                                                                          \
  static inline void NAME(T *restrict best, int32_t *restrict at, const T *restrict src, int32_t lo, int32_t hi, \
                          int32_t sw, int32_t shift, int32_t base) {                                          \
    for (int32_t ow = lo; ow < hi; ow++) {                                                                    \
      int32_t c = ow * sw + shift;                                                                            \
      T e = src[c], b = best[ow];                                                                             \
      int wins = (e > b) | ((e != e) & (b == b));                                                             \
      best[ow] = wins ? e : b;                                                                                \
      at[ow] = wins ? base + c : at[ow];                                                                      \
    }                                                                                                         \
  }
TAP(float, tap_f32)
TAP(double, tap_f64)

/* One output row at a time, tap by tap in window order (so the first maximum wins), every column of the row at once. */
#define MAX_PLANE(T, TAPFN)                                                                  \
  {                                                                                          \
    const T *x = (const T *)j->x + q * g->h * g->w;                                          \
    for (int64_t oh = 0; oh < g->oh; oh++) {                                                 \
      T *best = (T *)j->values + (q * g->oh + oh) * g->ow;                                   \
      int32_t *at = j->indices + (q * g->oh + oh) * g->ow;                                   \
      int64_t r0 = oh * g->sh - g->pt, fi, ni;                                               \
      taps(r0, g->h, g->kh, g->dh, &fi, &ni);                                                \
      for (int64_t ow = 0; ow < g->ow; ow++) {                                               \
        best[ow] = -(T)INFINITY;                                                             \
        at[ow] = (int32_t)((r0 + fi * g->dh) * g->w + j->first_col[ow]);                     \
      }                                                                                      \
      for (int64_t i = fi; i < fi + ni; i++) {                                               \
        int64_t base = (r0 + i * g->dh) * g->w;                                              \
        for (int64_t k = 0; k < g->kw; k++)                                                  \
          TAPFN(best, at, x + base, (int32_t)j->col_lo[k], (int32_t)j->col_hi[k], (int32_t)g->sw, \
                (int32_t)(k * g->dw - g->pl), (int32_t)base);                                \
      }                                                                                      \
    }                                                                                        \
  }

HOT static void max_planes(void *p, int64_t lo, int64_t hi) {
  const PoolJob *j = p;
  const Geom *g = j->g;
  for (int64_t q = lo; q < hi; q++) {
    if (j->dtype == DT_F64) MAX_PLANE(double, tap_f64)
    else MAX_PLANE(float, tap_f32)
  }
}

/* maxPool2d(x, dtype, geometry[14]) -> [values [n, oh*ow], int32 indices]: x viewed as n planes of h×w (c = 1). */
static napi_value k_max_pool2d(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "maxPool2d", 3)) return NULL;
  const void *x = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  Geom g;
  read_geom(&a, 2, &g);
  if (a.failed) return NULL;
  if (dtype != DT_F32 && dtype != DT_F64) {
    arg_fail(&a, NULL, "maxPool2d: dtype code %d is not a float dtype", dtype);
    return NULL;
  }
  int64_t count = g.n * g.c * g.oh * g.ow;
  void *values, *indices;
  napi_value v = buf_new(env, dtype, count, 0, &values);
  napi_value i = v ? buf_new(env, DT_I32, count, 0, &indices) : NULL;
  if (!i) return NULL;
  int64_t *cols = malloc((size_t)(g.ow + 2 * g.kw) * sizeof(int64_t));
  if (!cols) {
    arg_fail(&a, "ENOMEM", "maxPool2d: out of memory for %lld column offsets", (long long)(g.ow + 2 * g.kw));
    return NULL;
  }
  int64_t *col_lo = cols + g.ow, *col_hi = col_lo + g.kw;
  for (int64_t ow = 0; ow < g.ow; ow++) {
    int64_t first, n;
    taps(ow * g.sw - g.pl, g.w, g.kw, g.dw, &first, &n);
    cols[ow] = ow * g.sw - g.pl + first * g.dw;
  }
  for (int64_t k = 0; k < g.kw; k++) valid_range(g.w, g.ow, g.sw, g.pl, k * g.dw, &col_lo[k], &col_hi[k]);
  PoolJob j = {&g, dtype, x, values, indices, cols, col_lo, col_hi};
  par_range(g.n * g.c, count * g.kh * g.kw, max_planes, &j);
  free(cols);
  napi_value both[2] = {v, i};
  return js_array(env, both, 2);
}

const Export POOL_EXPORTS[] = {{"maxPool2d", k_max_pool2d}, {NULL, NULL}};
