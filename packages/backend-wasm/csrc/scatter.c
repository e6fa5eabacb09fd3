/* scatterReduce: x viewed as [outer, n, inner]; src and idx as [outer, m, inner].
 * Each (q, t) column folds its sources in increasing k, so results match the
 * other backends bit for bit (float32 accumulates in float32). Sources whose
 * index is outside [0, n) are skipped. */
#include "common.h"

/* Op codes shared with JS (src/backend.ts SCATTER_OP_CODE). */
typedef enum { SC_SET = 0, SC_SUM = 1, SC_PROD = 2, SC_MAX = 3, SC_MIN = 4 } ScatterOp;

/* The fold of one source into an accumulator; NaN propagates through max and min. */
#define FOLD(T)                                                                  \
  static T fold_##T(ScatterOp op, T acc, T v) {                                  \
    switch (op) {                                                                \
      case SC_SET: return v;                                                     \
      case SC_SUM: return acc + v;                                               \
      case SC_PROD: return acc * v;                                              \
      case SC_MAX: return (v > acc || v != v) && acc == acc ? v : acc;           \
      case SC_MIN: return (v < acc || v != v) && acc == acc ? v : acc;           \
      default: return acc;                                                       \
    }                                                                            \
  }
FOLD(f32)
FOLD(f64)
FOLD(i32)

#define SCATTER_REDUCE(T, LOWEST, HIGHEST)                                                     \
  {                                                                                           \
    const T *xs = x, *s = src;                                                                \
    T *o = out;                                                                               \
    T start = op == SC_SUM ? 0 : op == SC_PROD ? 1 : op == SC_MAX ? LOWEST : HIGHEST;         \
    memcpy(o, xs, (size_t)outer * n * inner * sizeof(T));                                    \
    for (i32 q = 0; q < outer; q++) {                                                         \
      for (i32 t = 0; t < inner; t++) {                                                       \
        T *oc = o + (size_t)q * n * inner + t;                                                \
        const T *sc = s + (size_t)q * m * inner + t;                                          \
        const i32 *ic = idx + (size_t)q * m * inner + t;                                      \
        if (!include_self && op != SC_SET)                                                    \
          for (i32 k = 0; k < m; k++) {                                                       \
            i32 j = ic[(size_t)k * inner];                                                    \
            if (j >= 0 && j < n) oc[(size_t)j * inner] = start;                               \
          }                                                                                   \
        for (i32 k = 0; k < m; k++) {                                                         \
          i32 j = ic[(size_t)k * inner];                                                      \
          if (j >= 0 && j < n) oc[(size_t)j * inner] = fold_##T(op, oc[(size_t)j * inner], sc[(size_t)k * inner]); \
        }                                                                                     \
      }                                                                                       \
    }                                                                                         \
    return K_OK;                                                                              \
  }

EXPORT i32 scatter_reduce(i32 op, i32 dtype, const void *x, const void *src, const i32 *idx, void *out, i32 outer, i32 n,
                          i32 m, i32 inner, i32 include_self) {
  if (op < SC_SET || op > SC_MIN) return K_BAD_OP;
  switch ((DType)dtype) {
    case DT_F32: SCATTER_REDUCE(f32, -__builtin_inff(), __builtin_inff())
    case DT_F64: SCATTER_REDUCE(f64, -__builtin_inf(), __builtin_inf())
    case DT_I32: SCATTER_REDUCE(i32, (i32)0x80000000, 0x7fffffff)
    case DT_BOOL: return K_UNSUPPORTED;
    default: return K_BAD_DTYPE;
  }
}
