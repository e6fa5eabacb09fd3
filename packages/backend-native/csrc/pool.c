/*
 * Max pooling in one pass: each window's value and the plane index of its
 * first maximum (h·W + w, PyTorch's return_indices). NaN counts as the
 * largest, so it propagates; a window whose entries are all -∞ names its
 * first in-plane entry, as core's composition does. Planes are split over
 * the threads; the gradient is a scatter-add by these indices, done by core.
 */
#include <math.h>

#include "native.h"

typedef struct {
  const Geom *g;
  int dtype;
  const void *x;
  void *values;
  int32_t *indices;
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

#define MAX_PLANE(T)                                                                       \
  {                                                                                        \
    const T *x = (const T *)j->x + q * g->h * g->w;                                        \
    T *v = (T *)j->values + q * plane;                                                     \
    int32_t *idx = j->indices + q * plane;                                                 \
    for (int64_t oh = 0; oh < g->oh; oh++) {                                               \
      int64_t r0 = oh * g->sh - g->pt, fi, ni;                                             \
      taps(r0, g->h, g->kh, g->dh, &fi, &ni);                                              \
      for (int64_t ow = 0; ow < g->ow; ow++) {                                             \
        int64_t c0 = ow * g->sw - g->pl, fk, nk;                                           \
        taps(c0, g->w, g->kw, g->dw, &fk, &nk);                                            \
        int64_t at = (r0 + fi * g->dh) * g->w + c0 + fk * g->dw;                           \
        T best = -(T)INFINITY;                                                             \
        for (int64_t i = fi; i < fi + ni; i++) {                                           \
          const T *row = x + (r0 + i * g->dh) * g->w + c0;                                 \
          for (int64_t k = fk; k < fk + nk; k++) {                                         \
            T e = row[k * g->dw];                                                          \
            if (e > best || (e != e && best == best)) {                                    \
              best = e;                                                                    \
              at = (r0 + i * g->dh) * g->w + c0 + k * g->dw;                               \
            }                                                                              \
          }                                                                                \
        }                                                                                  \
        v[oh * g->ow + ow] = best;                                                         \
        idx[oh * g->ow + ow] = (int32_t)at;                                                \
      }                                                                                    \
    }                                                                                      \
  }

HOT static void max_planes(void *p, int64_t lo, int64_t hi) {
  const PoolJob *j = p;
  const Geom *g = j->g;
  int64_t plane = g->oh * g->ow;
  for (int64_t q = lo; q < hi; q++) {
    if (j->dtype == DT_F64) MAX_PLANE(double)
    else MAX_PLANE(float)
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
  PoolJob j = {&g, dtype, x, values, indices};
  par_range(g.n * g.c, count * g.kh * g.kw, max_planes, &j);
  napi_value out;
  napi_create_array_with_length(env, 2, &out);
  napi_set_element(env, out, 0, v);
  napi_set_element(env, out, 1, i);
  return out;
}

const Export POOL_EXPORTS[] = {{"maxPool2d", k_max_pool2d}, {NULL, NULL}};
