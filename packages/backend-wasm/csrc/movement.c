/* Data movement: strided copies (permute/expand/slice/flip), concat, pad,
 * gather and scatter-add. Most are element-size generic (1, 4 or 8 bytes). */
#include "common.h"

/* desc = [rank, shape[rank], strides[rank]] (element strides, may be 0 or
 * negative), axes collapsed by core; x points at the view's offset element. */
#define STRIDED(T)                                                          \
  {                                                                         \
    const T *src = x;                                                       \
    T *dst = (T *)out + (size_t)row0 * n;                                   \
    for (i32 r = row0; r < row1; r++) {                                     \
      i32 rem = r, off = 0;                                                 \
      for (i32 d = rank - 2; d >= 0; d--) {                                 \
        off += (rem % shape[d]) * strides[d];                               \
        rem /= shape[d];                                                    \
      }                                                                     \
      const T *s = src + off;                                               \
      if (st == 1) {                                                        \
        memcpy(dst, s, (size_t)n * sizeof(T));                              \
      } else if (st == 0) {                                                 \
        T v = s[0];                                                         \
        for (i32 i = 0; i < n; i++) dst[i] = v;                             \
      } else {                                                              \
        for (i32 i = 0; i < n; i++) dst[i] = s[i * st];                     \
      }                                                                     \
      dst += n;                                                             \
    }                                                                       \
    return K_OK;                                                            \
  }

EXPORT i32 strided(const void *x, void *out, i32 elsize, const i32 *desc, i32 row0, i32 row1) {
  i32 rank = desc[0];
  const i32 *shape = desc + 1;
  const i32 *strides = desc + 1 + rank;
  i32 n = shape[rank - 1];
  i32 st = strides[rank - 1];
  switch (elsize) {
    case 1: STRIDED(u8)
    case 4: STRIDED(i32)
    case 8: STRIDED(f64)
    default: return K_BAD_DTYPE;
  }
}

/* xs: count pointers; widths: count element widths; out is [outer, sum]. */
EXPORT void concat(void *const *xs, const i32 *widths, i32 count, i32 outer, i32 elsize, void *out) {
  char *o = out;
  for (i32 r = 0; r < outer; r++) {
    for (i32 q = 0; q < count; q++) {
      size_t w = (size_t)widths[q] * elsize;
      memcpy(o, (const char *)xs[q] + (size_t)r * w, w);
      o += w;
    }
  }
}

/* Fills n elements of elsize bytes (1, 4 or 8) with the pattern at value. */
static void fill_pattern(void *out, const void *value, i32 elsize, i32 n) {
  if (elsize == 1) {
    memset(out, *(const u8 *)value, n);
  } else if (elsize == 4) {
    i32 v = *(const i32 *)value;
    i32 *o = out;
    for (i32 i = 0; i < n; i++) o[i] = v;
  } else {
    f64 v = *(const f64 *)value;
    f64 *o = out;
    for (i32 i = 0; i < n; i++) o[i] = v;
  }
}

/* desc = [rank, shape[rank], before[rank], after[rank]]; value points at one
 * element holding the pad value. Fills, then copies each input row in. */
EXPORT i32 pad(const void *x, void *out, i32 elsize, const i32 *desc, const void *value) {
  if (elsize != 1 && elsize != 4 && elsize != 8) return K_BAD_DTYPE;
  i32 rank = desc[0];
  const i32 *shape = desc + 1, *before = desc + 1 + rank, *after = desc + 1 + 2 * rank;
  i32 total = 1, rows = 1;
  for (i32 d = rank - 1; d >= 0; d--) {
    total *= before[d] + shape[d] + after[d];
    if (d < rank - 1) rows *= shape[d];
  }
  fill_pattern(out, value, elsize, total);
  i32 n = shape[rank - 1];
  if (n == 0) return K_OK;
  for (i32 d = 0; d < rank; d++)
    if (shape[d] == 0) return K_OK;
  for (i32 r = 0; r < rows; r++) {
    /* Output strides accumulate from the last axis (no fixed-size array: any rank). */
    i32 rem = r, off = before[rank - 1], ostride = before[rank - 1] + n + after[rank - 1];
    for (i32 d = rank - 2; d >= 0; d--) {
      off += (rem % shape[d] + before[d]) * ostride;
      rem /= shape[d];
      ostride *= before[d] + shape[d] + after[d];
    }
    memcpy((char *)out + (size_t)off * elsize, (const char *)x + (size_t)r * n * elsize, (size_t)n * elsize);
  }
  return K_OK;
}

EXPORT void gather(const void *x, void *out, i32 elsize, i32 outer, i32 n, i32 inner, const i32 *idx, i32 m) {
  size_t row = (size_t)inner * elsize;
  char *o = out;
  for (i32 q = 0; q < outer; q++) {
    const char *xq = (const char *)x + (size_t)q * n * row;
    for (i32 j = 0; j < m; j++) {
      memcpy(o, xq + (size_t)idx[j] * row, row);
      o += row;
    }
  }
}

#define SCATTER(T)                                                          \
  {                                                                         \
    const T *s = src;                                                       \
    T *o = out;                                                             \
    for (size_t i = 0; i < (size_t)outer * n * inner; i++) o[i] = 0;        \
    for (i32 q = 0; q < outer; q++) {                                       \
      for (i32 j = 0; j < m; j++) {                                         \
        T *oj = o + ((size_t)q * n + idx[j]) * inner;                       \
        const T *sj = s + ((size_t)q * m + j) * inner;                      \
        for (i32 t = 0; t < inner; t++) oj[t] += sj[t];                     \
      }                                                                     \
    }                                                                       \
    return K_OK;                                                            \
  }

EXPORT i32 scatter_add(i32 dtype, const void *src, void *out, i32 outer, i32 m, i32 inner, const i32 *idx, i32 n) {
  switch ((DType)dtype) {
    case DT_F32: SCATTER(f32)
    case DT_F64: SCATTER(f64)
    case DT_I32: SCATTER(i32)
    case DT_BOOL: return K_UNSUPPORTED;
    default: return K_BAD_DTYPE;
  }
}
