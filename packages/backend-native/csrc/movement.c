/*
 * Data movement: dense copies of strided views, concat, constant padding,
 * gather / scatter-add along the middle axis, and im2col / col2im (the
 * column layout of convolution and pooling windows).
 */
#include <math.h>
#include <string.h>

#include "native.h"

/* ---- strided ---- */

typedef struct {
  char *out;
  const char *x;
  size_t sz;
  int64_t step, offset;
} StridedJob;

#define GATHER_ROW(T)                                                         \
  {                                                                           \
    T *restrict out = (T *)j->out + o;                                        \
    const T *x = (const T *)j->x + j->offset + off[0];                        \
    for (int64_t i = 0; i < len; i++) out[i] = x[i * j->step];                \
  }

HOT static void strided_row(void *p, const int64_t *off, int64_t o, int64_t len) {
  StridedJob *j = p;
  if (j->step == 1) memcpy(j->out + o * j->sz, j->x + (j->offset + off[0]) * j->sz, (size_t)len * j->sz);
  else if (j->sz == 8) GATHER_ROW(uint64_t)
  else if (j->sz == 4) GATHER_ROW(uint32_t)
  else GATHER_ROW(uint8_t)
}

/* strided(x, dtype, shape, strides, offset) -> dense copy of the view (axes collapsed by JS) */
static napi_value k_strided(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "strided", 5)) return NULL;
  const char *x = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  Walk w;
  int64_t n = read_walk(&a, 2, 1, &w);
  int64_t offset = arg_i64(&a, 4);
  if (a.failed) return NULL;
  void *o;
  napi_value out = buf_new(env, dtype, n, 0, &o);
  if (!out || n == 0) return out;
  StridedJob j = {o, x, DT_SIZE[dtype], w.strides[0][w.rank - 1], offset};
  w.row = strided_row;
  w.ctx = &j;
  par_range(n, n, walk_range, &w);
  return out;
}

/* ---- concat ---- */

/* concat(handles[], dtype, outer, widths[]) -> [outer, Σ widths] */
static napi_value k_concat(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "concat", 4)) return NULL;
  int dtype = (int)arg_i64(&a, 1);
  int64_t outer = arg_i64(&a, 2);
  uint32_t count = 0;
  napi_get_array_length(env, a.argv[3], &count);
  if (a.failed) return NULL;
  size_t sz = DT_SIZE[dtype];
  int64_t total = 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value v;
    int64_t w;
    napi_get_element(env, a.argv[3], i, &v);
    napi_get_value_int64(env, v, &w);
    total += w;
  }
  void *o;
  napi_value out = buf_new(env, dtype, outer * total, 0, &o);
  if (!out) return NULL;
  int64_t col = 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value v, h;
    int64_t w;
    napi_get_element(env, a.argv[3], i, &v);
    napi_get_value_int64(env, v, &w);
    napi_get_element(env, a.argv[0], i, &h);
    const char *x = buf_data(env, h, "concat");
    if (!x) return NULL;
    for (int64_t r = 0; r < outer && w > 0; r++) memcpy((char *)o + (r * total + col) * sz, x + r * w * sz, (size_t)w * sz);
    col += w;
  }
  return out;
}

/* ---- pad ---- */

typedef struct {
  char *out;
  const char *x;
  size_t sz;
  int64_t start;
} PadJob;

static void pad_row(void *p, const int64_t *off, int64_t o, int64_t len) {
  PadJob *j = p;
  (void)o;
  memcpy(j->out + (j->start + off[1]) * j->sz, j->x + off[0] * j->sz, (size_t)len * j->sz);
}

/* Stores `value` as one element of dtype at p. */
static void store(void *p, int dtype, double value) {
  switch (dtype) {
    case DT_F32: *(float *)p = (float)value; break;
    case DT_F64: *(double *)p = value; break;
    case DT_I32: *(int32_t *)p = (int32_t)value; break;
    default: *(uint8_t *)p = value != 0;
  }
}

/* Fills n elements of dtype at p with value. */
static void fill_value(void *p, int dtype, int64_t n, double value) {
  if (value == 0 && !(dtype <= DT_F64 && signbit(value))) {
    memset(p, 0, (size_t)n * DT_SIZE[dtype]);
    return;
  }
  for (int64_t i = 0; i < n; i++) store((char *)p + i * DT_SIZE[dtype], dtype, value);
}

/* pad(x, dtype, shape, before, after, value) -> handle */
static napi_value k_pad(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "pad", 6)) return NULL;
  const char *x = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  int64_t shape[MAX_RANK], before[MAX_RANK], after[MAX_RANK];
  int rank = arg_ints(&a, 2, shape, MAX_RANK);
  arg_ints(&a, 3, before, MAX_RANK);
  arg_ints(&a, 4, after, MAX_RANK);
  double value = arg_f64(&a, 5);
  if (a.failed) return NULL;
  Walk w = {0};
  w.nin = 2;
  w.rank = rank ? rank : 1;
  int64_t so = 1, si = 1, start = 0, n = 1, in = 1;
  if (!rank) shape[0] = 1, before[0] = 0, after[0] = 0;
  for (int d = w.rank - 1; d >= 0; d--) {
    int64_t od = before[d] + shape[d] + after[d];
    w.shape[d] = shape[d];
    w.strides[0][d] = si;
    w.strides[1][d] = so;
    start += before[d] * so;
    si *= shape[d];
    so *= od;
  }
  n = so;
  in = si;
  void *o;
  napi_value out = buf_new(env, dtype, n, 0, &o);
  if (!out) return NULL;
  fill_value(o, dtype, n, value);
  if (in == 0) return out;
  PadJob j = {o, x, DT_SIZE[dtype], start};
  w.row = pad_row;
  w.ctx = &j;
  walk_range(&w, 0, in);
  return out;
}

/* ---- gather / scatterAdd ---- */

/* gather(x, dtype, outer, n, inner, indices, m) -> [outer, m, inner] */
static napi_value k_gather(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "gather", 7)) return NULL;
  const char *x = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  int64_t outer = arg_i64(&a, 2), n = arg_i64(&a, 3), inner = arg_i64(&a, 4);
  const int32_t *idx = arg_buf(&a, 5);
  int64_t m = arg_i64(&a, 6);
  if (a.failed) return NULL;
  size_t row = (size_t)inner * DT_SIZE[dtype];
  char *o;
  napi_value out = buf_new(env, dtype, outer * m * inner, 0, (void **)&o);
  if (!out) return NULL;
  for (int64_t b = 0; b < outer; b++)
    for (int64_t k = 0; k < m; k++) memcpy(o + (b * m + k) * row, x + (b * n + idx[k]) * row, row);
  return out;
}

#define SCATTER_ADD(T, ADD)                                                     \
  {                                                                             \
    const T *s = src;                                                           \
    T *d = o;                                                                   \
    for (int64_t b = 0; b < outer; b++)                                         \
      for (int64_t k = 0; k < m; k++) {                                         \
        const T *from = s + (b * m + k) * inner;                                \
        T *to = d + (b * n + idx[k]) * inner;                                   \
        for (int64_t t = 0; t < inner; t++) to[t] = ADD(to[t], from[t]);        \
      }                                                                         \
  }
#define PLUS(x, y) ((x) + (y))
#define WRAP_PLUS(x, y) ((int32_t)((uint32_t)(x) + (uint32_t)(y)))
#define BYTE_PLUS(x, y) ((uint8_t)((x) + (y)))

/* scatterAdd(src, dtype, outer, m, inner, indices, n) -> zeros [outer, n, inner] plus src rows at indices */
static napi_value k_scatter_add(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "scatterAdd", 7)) return NULL;
  const void *src = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  int64_t outer = arg_i64(&a, 2), m = arg_i64(&a, 3), inner = arg_i64(&a, 4);
  const int32_t *idx = arg_buf(&a, 5);
  int64_t n = arg_i64(&a, 6);
  if (a.failed) return NULL;
  void *o;
  napi_value out = buf_new(env, dtype, outer * n * inner, 1, &o);
  if (!out) return NULL;
  switch (dtype) {
    case DT_F32: SCATTER_ADD(float, PLUS) break;
    case DT_F64: SCATTER_ADD(double, PLUS) break;
    case DT_I32: SCATTER_ADD(int32_t, WRAP_PLUS) break;
    default: SCATTER_ADD(uint8_t, BYTE_PLUS) break;
  }
  return out;
}

/* ---- scatterReduce ---- */

enum { SR_SET, SR_SUM, SR_PROD, SR_MAX, SR_MIN };

/*
 * Each (o, i) column folds its sources in increasing k, in the element type (float32 sums round as float32,
 * the same bits as every backend); int32 wraps. Sources whose index is outside [0, n) are skipped.
 */
#define SCATTER_REDUCE(T, ACC, LO, HI)                                                   \
  {                                                                                      \
    const T *s = src;                                                                    \
    T *d = o;                                                                            \
    for (int64_t b = 0; b < outer; b++)                                                  \
      for (int64_t i = 0; i < inner; i++) {                                              \
        T *dst = d + b * n * inner + i;                                                  \
        const T *from = s + b * m * inner + i;                                           \
        const int32_t *ix = idx + b * m * inner + i;                                     \
        if (op != SR_SET && !include_self) {                                             \
          T start = op == SR_SUM ? 0 : op == SR_PROD ? 1 : op == SR_MAX ? LO : HI;       \
          for (int64_t k = 0; k < m; k++)                                                \
            if (ix[k * inner] >= 0 && ix[k * inner] < n) dst[ix[k * inner] * inner] = start; \
        }                                                                                \
        for (int64_t k = 0; k < m; k++) {                                                \
          int32_t jj = ix[k * inner];                                                    \
          if (jj < 0 || jj >= n) continue;                                               \
          T *e = dst + jj * inner, v = from[k * inner], acc = *e;                        \
          switch (op) {                                                                  \
            case SR_SET: *e = v; break;                                                  \
            case SR_SUM: *e = (T)((ACC)acc + (ACC)v); break;                             \
            case SR_PROD: *e = (T)((ACC)acc * (ACC)v); break;                            \
            case SR_MAX: *e = v > acc || v != v ? v : acc; break;                        \
            default: *e = v < acc || v != v ? v : acc;                                   \
          }                                                                              \
        }                                                                                \
      }                                                                                  \
  }

/* scatterReduce(op, x, src, index, dtype, outer, n, m, inner, includeSelf) -> x's shape */
static napi_value k_scatter_reduce(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "scatterReduce", 10)) return NULL;
  int op = (int)arg_i64(&a, 0);
  const void *x = arg_buf(&a, 1), *src = arg_buf(&a, 2);
  const int32_t *idx = arg_buf(&a, 3);
  int dtype = (int)arg_i64(&a, 4);
  int64_t outer = arg_i64(&a, 5), n = arg_i64(&a, 6), m = arg_i64(&a, 7), inner = arg_i64(&a, 8);
  int include_self = arg_bool(&a, 9);
  if (a.failed) return NULL;
  void *o;
  napi_value out = buf_new(env, dtype, outer * n * inner, 0, &o);
  if (!out) return NULL;
  memcpy(o, x, (size_t)(outer * n * inner) * DT_SIZE[dtype]);
  switch (dtype) {
    case DT_F32: SCATTER_REDUCE(float, float, -INFINITY, INFINITY) break;
    case DT_F64: SCATTER_REDUCE(double, double, -INFINITY, INFINITY) break;
    case DT_I32: SCATTER_REDUCE(int32_t, uint32_t, INT32_MIN, INT32_MAX) break;
    default:
      arg_fail(&a, "EDTYPE", "scatterReduce takes float32, float64 or int32 (core casts bool first)");
      return NULL;
  }
  return out;
}

/* ---- im2col / col2im ---- */

int read_geom(Args *a, size_t i, Geom *g) {
  int64_t v[14];
  if (arg_ints(a, i, v, 14) != 14) {
    arg_fail(a, NULL, "%s: a geometry has 14 fields", a->kernel);
    return 0;
  }
  memcpy(g, v, sizeof v);
  return 1;
}

void valid_range(int64_t size, int64_t out, int64_t stride, int64_t pad, int64_t tap, int64_t *lo, int64_t *hi) {
  int64_t l = pad - tap > 0 ? (pad - tap + stride - 1) / stride : 0;
  int64_t num = size - 1 + pad - tap;
  int64_t h = num < 0 ? 0 : num / stride + 1;
  if (h > out) h = out;
  *lo = l;
  *hi = h > l ? h : l;
}

typedef struct {
  const Geom *g;
  const char *x;
  char *cols;
  int dtype;
  double pad;
  int64_t ld;   /* elements between consecutive column rows */
  int64_t imgs; /* elements between images' first columns */
} ColsJob;

#define IM2COL_PLANE(T)                                                                              \
  {                                                                                                  \
    const T *src = (const T *)j->x + q * g->h * g->w;                                                \
    T *row = (T *)j->cols + img * j->imgs + ci * g->kh * g->kw * j->ld;               \
    T padv = (T)j->pad;                                                                              \
    for (int64_t i = 0; i < g->kh; i++) {                                                            \
      int64_t ohl, ohh;                                                                              \
      valid_range(g->h, g->oh, g->sh, g->pt, i * g->dh, &ohl, &ohh);                                 \
      for (int64_t k = 0; k < g->kw; k++, row += j->ld) {                                            \
        int64_t owl, owh;                                                                            \
        valid_range(g->w, g->ow, g->sw, g->pl, k * g->dw, &owl, &owh);                               \
        if (ohl > 0 || ohh < g->oh || owl > 0 || owh < g->ow)                                        \
          for (int64_t e = 0; e < plane; e++) row[e] = padv;                                         \
        for (int64_t oh = ohl; oh < ohh; oh++) {                                                     \
          const T *s = src + (oh * g->sh - g->pt + i * g->dh) * g->w - g->pl + k * g->dw;             \
          T *d = row + oh * g->ow;                                                                   \
          if (g->sw == 1) memcpy(d + owl, s + owl, (size_t)(owh - owl) * sizeof(T));                 \
          else for (int64_t ow = owl; ow < owh; ow++) d[ow] = s[ow * g->sw];                         \
        }                                                                                            \
      }                                                                                              \
    }                                                                                                \
  }

/* Planes [lo, hi) of the n*c input planes, each into its kh*kw rows of columns. */
static void im2col_planes(void *p, int64_t lo, int64_t hi) {
  const ColsJob *j = p;
  const Geom *g = j->g;
  int64_t plane = g->oh * g->ow;
  for (int64_t q = lo; q < hi; q++) {
    int64_t img = q / g->c, ci = q % g->c;
    switch (j->dtype) {
      case DT_F32: IM2COL_PLANE(float) break;
      case DT_F64: IM2COL_PLANE(double) break;
      case DT_I32: IM2COL_PLANE(int32_t) break;
      default: IM2COL_PLANE(uint8_t) break;
    }
  }
}

#define COL2IM_PLANE(T)                                                                              \
  {                                                                                                  \
    T *dst = (T *)j->cols + q * g->h * g->w; /* the image plane written */                           \
    const T *row = (const T *)j->x + img * j->imgs + ci * g->kh * g->kw * j->ld;      \
    for (int64_t i = 0; i < g->kh; i++) {                                                            \
      int64_t ohl, ohh;                                                                              \
      valid_range(g->h, g->oh, g->sh, g->pt, i * g->dh, &ohl, &ohh);                                 \
      for (int64_t k = 0; k < g->kw; k++, row += j->ld) {                                            \
        int64_t owl, owh;                                                                            \
        valid_range(g->w, g->ow, g->sw, g->pl, k * g->dw, &owl, &owh);                               \
        for (int64_t oh = ohl; oh < ohh; oh++) {                                                     \
          T *d = dst + (oh * g->sh - g->pt + i * g->dh) * g->w - g->pl + k * g->dw;                   \
          const T *s = row + oh * g->ow;                                                             \
          for (int64_t ow = owl; ow < owh; ow++) d[ow * g->sw] += s[ow];                             \
        }                                                                                            \
      }                                                                                              \
    }                                                                                                \
  }

/* Planes [lo, hi) of the n*c output planes: each sums its own kh*kw column rows (no two threads share a plane). */
static void col2im_planes(void *p, int64_t lo, int64_t hi) {
  const ColsJob *j = p;
  const Geom *g = j->g;
  for (int64_t q = lo; q < hi; q++) {
    int64_t img = q / g->c, ci = q % g->c;
    switch (j->dtype) {
      case DT_F32: COL2IM_PLANE(float) break;
      case DT_F64: COL2IM_PLANE(double) break;
      case DT_I32: COL2IM_PLANE(int32_t) break;
      default: COL2IM_PLANE(uint8_t) break;
    }
  }
}

void im2col_into(const Geom *g, int dtype, const void *x, void *cols, double pad) {
  int64_t plane = g->oh * g->ow;
  ColsJob j = {g, x, cols, dtype, pad, plane, g->c * g->kh * g->kw * plane};
  par_range(g->n * g->c, g->n * g->c * g->kh * g->kw * plane, im2col_planes, &j);
}

void col2im_into(const Geom *g, int dtype, const void *cols, void *dx) {
  int64_t plane = g->oh * g->ow;
  ColsJob j = {g, cols, dx, dtype, 0, plane, g->c * g->kh * g->kw * plane};
  par_range(g->n * g->c, g->n * g->c * g->kh * g->kw * plane, col2im_planes, &j);
}

void im2col_image(const Geom *g, int dtype, const void *x, void *cols, double pad) {
  int64_t plane = g->oh * g->ow;
  ColsJob j = {g, x, cols, dtype, pad, plane, 0};
  im2col_planes(&j, 0, g->c);
}

void col2im_image(const Geom *g, int dtype, const void *cols, void *dx) {
  int64_t plane = g->oh * g->ow;
  ColsJob j = {g, cols, dx, dtype, 0, plane, 0};
  col2im_planes(&j, 0, g->c);
}

/* im2col(x, dtype, geometry[14], padValue) -> [n, c*kh*kw, outH*outW] */
static napi_value k_im2col(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "im2col", 4)) return NULL;
  const void *x = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  Geom g;
  read_geom(&a, 2, &g);
  double pad = arg_f64(&a, 3);
  if (a.failed) return NULL;
  void *o;
  napi_value out = buf_new(env, dtype, g.n * g.c * g.kh * g.kw * g.oh * g.ow, 0, &o);
  if (!out) return NULL;
  im2col_into(&g, dtype, x, o, pad);
  return out;
}

/* col2im(cols, dtype, geometry[14]) -> [n, c, h, w] */
static napi_value k_col2im(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "col2im", 3)) return NULL;
  const void *cols = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  Geom g;
  read_geom(&a, 2, &g);
  if (a.failed) return NULL;
  void *o;
  napi_value out = buf_new(env, dtype, g.n * g.c * g.h * g.w, 1, &o);
  if (!out) return NULL;
  col2im_into(&g, dtype, cols, o);
  return out;
}

const Export MOVEMENT_EXPORTS[] = {
    {"strided", k_strided}, {"concat", k_concat}, {"pad", k_pad}, {"gather", k_gather},
    {"scatterAdd", k_scatter_add}, {"scatterReduce", k_scatter_reduce}, {"im2col", k_im2col}, {"col2im", k_col2im}, {NULL, NULL},
};
