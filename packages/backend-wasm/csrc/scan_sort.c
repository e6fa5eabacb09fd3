/* Scans and stable sorts along the middle axis of x viewed as [outer, size, inner]:
 * row (q, j) is x[(q * size + i) * inner + j] for i < size. */
#include "common.h"

typedef enum { S_SUM, S_PROD, S_LOGSUMEXP } ScanOp;

/* log(exp(a) + exp(b)) without overflow; -Inf is the identity, +Inf absorbs, NaN propagates. */
static f64 log_add_exp(f64 a, f64 b) {
  if (a != a || b != b) return a + b;
  if (a == -__builtin_inf()) return b;
  if (b == -__builtin_inf()) return a;
  if (a == __builtin_inf() || b == __builtin_inf()) return __builtin_inf();
  f64 hi = a > b ? a : b;
  f64 d = a > b ? b - a : a - b;
  return hi + js_log1p(js_exp(d));
}

/* One inclusive scan per element type; floats accumulate in f64 (A), int32 wraps (-fwrapv). */
#define SCAN(NAME, T, A, IS_FLOAT)                                                  \
  static i32 NAME(ScanOp op, const T *x, T *out, i32 outer, i32 size, i32 inner) {   \
    for (i32 q = 0; q < outer; q++) {                                              \
      for (i32 j = 0; j < inner; j++) {                                            \
        size_t at = (size_t)q * size * inner + j;                                  \
        if (size == 0) continue;                                                   \
        A acc = x[at];                                                             \
        out[at] = (T)acc;                                                          \
        for (i32 i = 1; i < size; i++) {                                           \
          at += inner;                                                             \
          A v = x[at];                                                             \
          switch (op) {                                                            \
            case S_SUM: acc = acc + v; break;                                      \
            case S_PROD: acc = acc * v; break;                                     \
            case S_LOGSUMEXP:                                                      \
              if (!IS_FLOAT) return K_UNSUPPORTED;                                 \
              acc = (A)log_add_exp((f64)acc, (f64)v);                              \
              break;                                                               \
            default: return K_BAD_OP;                                              \
          }                                                                        \
          out[at] = (T)acc;                                                        \
        }                                                                          \
      }                                                                            \
    }                                                                              \
    return K_OK;                                                                   \
  }

SCAN(scan_f32, f32, f64, 1)
SCAN(scan_f64, f64, f64, 1)
SCAN(scan_i32, i32, i32, 0)

EXPORT i32 scan(i32 op, i32 dtype, const void *x, void *out, i32 outer, i32 size, i32 inner) {
  if ((uint32_t)op > S_LOGSUMEXP) return K_BAD_OP;
  if (op == S_LOGSUMEXP && dtype == DT_I32) return K_UNSUPPORTED;
  switch ((DType)dtype) {
    case DT_F32: return scan_f32((ScanOp)op, x, out, outer, size, inner);
    case DT_F64: return scan_f64((ScanOp)op, x, out, outer, size, inner);
    case DT_I32: return scan_i32((ScanOp)op, x, out, outer, size, inner);
    case DT_BOOL: return K_UNSUPPORTED;
    default: return K_BAD_DTYPE;
  }
}

/* Whether a sorts strictly before b: ascending with NaN above +Inf, or the reverse.
 * Equal values (NaNs among themselves, -0 and +0) are never "before", so the merge keeps input order. */
#define BEFORE(a, b, desc)                                                         \
  ((desc) ? (((a) != (a)) ? ((b) == (b)) : (a) > (b))                              \
          : (((b) != (b)) ? ((a) == (a)) : (a) < (b)))

/* A bottom-up stable merge sort of each row's positions (idx, with tmp as scratch, size each),
 * then the values gathered in that order. */
#define SORT(NAME, T)                                                               \
  static void NAME(const T *x, T *values, i32 *indices, i32 outer, i32 size, i32 inner, i32 desc, \
                   i32 *idx, i32 *tmp) {                                           \
    for (i32 q = 0; q < outer; q++) {                                              \
      for (i32 j = 0; j < inner; j++) {                                            \
        const T *row = x + (size_t)q * size * inner + j;                           \
        for (i32 i = 0; i < size; i++) idx[i] = i;                                 \
        i32 *src = idx, *dst = tmp;                                                \
        for (i32 width = 1; width < size; width *= 2) {                            \
          for (i32 lo = 0; lo < size; lo += 2 * width) {                           \
            i32 mid = lo + width < size ? lo + width : size;                       \
            i32 hi = lo + 2 * width < size ? lo + 2 * width : size;                \
            i32 a = lo, b = mid, k = lo;                                           \
            while (a < mid && b < hi) {                                            \
              T va = row[(size_t)src[a] * inner], vb = row[(size_t)src[b] * inner]; \
              /* Take from the right run only when it is strictly before: stable. */ \
              dst[k++] = BEFORE(vb, va, desc) ? src[b++] : src[a++];               \
            }                                                                      \
            while (a < mid) dst[k++] = src[a++];                                   \
            while (b < hi) dst[k++] = src[b++];                                    \
          }                                                                        \
          i32 *swap = src;                                                         \
          src = dst;                                                               \
          dst = swap;                                                              \
        }                                                                          \
        size_t base = (size_t)q * size * inner + j;                                \
        for (i32 i = 0; i < size; i++) {                                           \
          values[base + (size_t)i * inner] = row[(size_t)src[i] * inner];          \
          indices[base + (size_t)i * inner] = src[i];                              \
        }                                                                          \
      }                                                                            \
    }                                                                              \
  }

SORT(sort_f32, f32)
SORT(sort_f64, f64)
SORT(sort_i32, i32)

/* scratch holds 2 * size int32s. */
EXPORT i32 sort(i32 dtype, const void *x, void *values, i32 *indices, i32 outer, i32 size, i32 inner, i32 desc,
                i32 *scratch) {
  switch ((DType)dtype) {
    case DT_F32: sort_f32(x, values, indices, outer, size, inner, desc, scratch, scratch + size); return K_OK;
    case DT_F64: sort_f64(x, values, indices, outer, size, inner, desc, scratch, scratch + size); return K_OK;
    case DT_I32: sort_i32(x, values, indices, outer, size, inner, desc, scratch, scratch + size); return K_OK;
    case DT_BOOL: return K_UNSUPPORTED;
    default: return K_BAD_DTYPE;
  }
}
