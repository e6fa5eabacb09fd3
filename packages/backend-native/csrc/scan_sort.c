/*
 * Inclusive scans and stable sorts along the middle axis of x viewed as
 * [outer, size, inner]: row (o, j) is x[(o*size + i)*inner + j], i < size.
 * Each row is one thread's, in order, so results never depend on threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "native.h"

enum { S_SUM, S_PROD, S_LOGSUMEXP };

/* log(exp(a) + exp(b)) without overflow; -Inf is the identity, +Inf absorbs, NaN spreads. */
static inline double log_add_exp(double a, double b) {
  if (a == -INFINITY) return b;
  if (b == -INFINITY) return a;
  if (a == INFINITY || b == INFINITY) return a != a || b != b ? NAN : INFINITY;
  return fmax(a, b) + log1p(exp(-fabs(a - b)));
}

typedef struct {
  int op, dtype;
  const void *x;
  void *out;
  int64_t size, inner;
} ScanJob;

/* Floats accumulate in double and round on each store; int32 wraps. */
#define SCAN_ROWS(T)                                                          \
  for (int64_t r = lo; r < hi; r++) {                                         \
    int64_t o = r / j->inner, c = r % j->inner;                               \
    const T *x = (const T *)j->x + o * j->size * j->inner + c;                \
    T *y = (T *)j->out + o * j->size * j->inner + c;                          \
    double acc = x[0];                                                        \
    y[0] = x[0];                                                              \
    for (int64_t i = 1; i < j->size; i++) {                                   \
      double v = x[i * j->inner];                                             \
      acc = j->op == S_SUM ? acc + v : j->op == S_PROD ? acc * v : log_add_exp(acc, v); \
      y[i * j->inner] = (T)acc;                                               \
    }                                                                         \
  }

static void scan_rows(void *p, int64_t lo, int64_t hi) {
  const ScanJob *j = p;
  if (j->dtype == DT_F32) {
    SCAN_ROWS(float)
  } else if (j->dtype == DT_F64) {
    SCAN_ROWS(double)
  } else {
    for (int64_t r = lo; r < hi; r++) {
      int64_t o = r / j->inner, c = r % j->inner;
      const int32_t *x = (const int32_t *)j->x + o * j->size * j->inner + c;
      int32_t *y = (int32_t *)j->out + o * j->size * j->inner + c;
      uint32_t acc = (uint32_t)x[0];
      y[0] = x[0];
      for (int64_t i = 1; i < j->size; i++) {
        uint32_t v = (uint32_t)x[i * j->inner];
        acc = j->op == S_PROD ? acc * v : acc + v;
        y[i * j->inner] = (int32_t)acc;
      }
    }
  }
}

/* scan(op, x, dtype, outer, size, inner) -> handle of x's shape */
static napi_value k_scan(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "scan", 6)) return NULL;
  int op = (int)arg_i64(&a, 0);
  const void *x = arg_buf(&a, 1);
  int dtype = (int)arg_i64(&a, 2);
  int64_t outer = arg_i64(&a, 3), size = arg_i64(&a, 4), inner = arg_i64(&a, 5);
  if (a.failed) return NULL;
  if (op == S_LOGSUMEXP && dtype > DT_F64) {
    arg_fail(&a, "EDTYPE", "scan 'logsumexp' takes float32 or float64");
    return NULL;
  }
  void *o;
  napi_value out = buf_new(env, dtype, outer * size * inner, 0, &o);
  if (!out || size == 0 || outer * inner == 0) return out;
  ScanJob j = {op, dtype, x, o, size, inner};
  par_range(outer * inner, outer * inner * size, scan_rows, &j);
  return out;
}

/* ---- sort ---- */

/* a before b ascending: NaN above everything; equal values are equal (stability keeps their order). */
static inline int before(double a, double b) {
  if (a != a) return 0;
  if (b != b) return 1;
  return a < b;
}

/* Stable merge sort of order[0..n) by key (ascending, or descending), scratch tmp of n. */
static void merge_sort(int32_t *order, int32_t *tmp, int64_t n, const double *key, int desc) {
  for (int64_t width = 1; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int64_t i = lo, k = mid, t = lo;
      while (i < mid && k < hi) {
        /* take from the right run only when strictly before: ties keep input order */
        int right_first = desc ? before(key[order[i]], key[order[k]]) : before(key[order[k]], key[order[i]]);
        tmp[t++] = right_first ? order[k++] : order[i++];
      }
      while (i < mid) tmp[t++] = order[i++];
      while (k < hi) tmp[t++] = order[k++];
    }
    memcpy(order, tmp, (size_t)n * sizeof(int32_t));
  }
}

typedef struct {
  int dtype, desc;
  const void *x;
  void *values;
  int32_t *indices;
  int64_t size, inner;
  int failed;
} SortJob;

static void sort_rows(void *p, int64_t lo, int64_t hi) {
  SortJob *j = p;
  int64_t n = j->size;
  double *key = malloc(sizeof(double) * (size_t)n);
  int32_t *order = malloc(sizeof(int32_t) * (size_t)n), *tmp = malloc(sizeof(int32_t) * (size_t)n);
  if (!key || !order || !tmp) {
    j->failed = 1;
  } else {
    for (int64_t r = lo; r < hi; r++) {
      int64_t o = r / j->inner, c = r % j->inner, base = o * n * j->inner + c;
      for (int64_t i = 0; i < n; i++) {
        int64_t at = base + i * j->inner;
        key[i] = j->dtype == DT_F32 ? ((const float *)j->x)[at] : j->dtype == DT_F64 ? ((const double *)j->x)[at] : ((const int32_t *)j->x)[at];
        order[i] = (int32_t)i;
      }
      merge_sort(order, tmp, n, key, j->desc);
      for (int64_t i = 0; i < n; i++) {
        int64_t at = base + i * j->inner, from = base + order[i] * j->inner;
        if (j->dtype == DT_F32) ((float *)j->values)[at] = ((const float *)j->x)[from];
        else if (j->dtype == DT_F64) ((double *)j->values)[at] = ((const double *)j->x)[from];
        else ((int32_t *)j->values)[at] = ((const int32_t *)j->x)[from];
        j->indices[at] = order[i];
      }
    }
  }
  free(key);
  free(order);
  free(tmp);
}

/* sort(x, dtype, outer, size, inner, descending) -> [values, indices] */
static napi_value k_sort(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "sort", 6)) return NULL;
  const void *x = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  int64_t outer = arg_i64(&a, 2), size = arg_i64(&a, 3), inner = arg_i64(&a, 4);
  int desc = arg_bool(&a, 5);
  if (a.failed) return NULL;
  if (dtype == DT_BOOL) {
    arg_fail(&a, "EDTYPE", "sort takes float32, float64 or int32 (core casts bool first)");
    return NULL;
  }
  int64_t count = outer * size * inner;
  void *v, *idx;
  napi_value values = buf_new(env, dtype, count, 0, &v);
  if (!values) return NULL;
  napi_value indices = buf_new(env, DT_I32, count, 0, &idx);
  if (!indices) return NULL;
  SortJob j = {dtype, desc, x, v, idx, size, inner, 0};
  if (count > 0) par_range(outer * inner, count * 8, sort_rows, &j);
  if (j.failed) {
    arg_fail(&a, "ENOMEM", "sort: out of memory for a row of %lld", (long long)size);
    return NULL;
  }
  napi_value both[2] = {values, indices};
  return js_array(env, both, 2);
}

const Export SCAN_SORT_EXPORTS[] = {{"scan", k_scan}, {"sort", k_sort}, {NULL, NULL}};
