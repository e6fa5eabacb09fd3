/* Elementwise unary, binary, where, clamp, addScaled and cast kernels.
 * binary and where read their inputs through the layout core computed
 * (broadcast and collapsed), written by JS as
 *   desc = [rank, shape[rank], strides of each operand[rank]...]
 * in elements (0 on broadcast axes, negative on flipped views), each operand
 * pointer already at its view's offset. The last axis usually has strides
 * 0 or 1 (fast loops); any other stride takes a general loop.
 * Work is split over the rows (all axes but the last) in [row0, row1). */
#include "common.h"
#include "vmath.h"

/* UnaryOp, BinaryOp and js_fmod come from op_codes.h (via common.h). */

/* ---------- unary ---------- */

/* Applies a SIMD function to n floats, the tail through a padded vector. */
#define SIMD_MAP_F32(FN)                                      \
  {                                                           \
    i32 i = 0;                                                \
    for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, FN(wasm_v128_load(x + i))); \
    if (i < n) {                                              \
      f32 t[4] = {0, 0, 0, 0};                                \
      for (i32 j = 0; i + j < n; j++) t[j] = x[i + j];        \
      wasm_v128_store(t, FN(wasm_v128_load(t)));              \
      for (i32 j = 0; i + j < n; j++) o[i + j] = t[j];        \
    }                                                         \
    return K_OK;                                              \
  }

#define MAP(EXPR)                                  \
  {                                                \
    for (i32 i = 0; i < n; i++) {                  \
      T v = x[i];                                  \
      o[i] = (EXPR);                               \
    }                                              \
    return K_OK;                                   \
  }

/* Ops taken by every float dtype; isnan/isinf/not are handled by unary(). */
static i32 unary_f32(i32 op, const f32 *x, f32 *o, i32 n) {
  typedef f32 T;
  switch ((UnaryOp)op) {
    case U_NEG: MAP(-v)
    case U_ABS: MAP(__builtin_fabsf(v))
    case U_SIGN: MAP(v > 0 ? 1.0f : v < 0 ? -1.0f : 0.0f) /* PyTorch: sign(NaN) = sign(-0) = 0 */
    case U_SQUARE: MAP(v * v)
    case U_EXP: SIMD_MAP_F32(v_exp)
    case U_LOG: SIMD_MAP_F32(v_log)
    case U_LOG1P: MAP((f32)js_log1p(v))
    case U_EXPM1: MAP((f32)js_expm1(v))
    case U_SQRT: MAP(__builtin_sqrtf(v))
    case U_RSQRT: MAP(1.0f / __builtin_sqrtf(v))
    case U_RECIPROCAL: MAP(1.0f / v)
    case U_SIN: MAP((f32)js_sin(v))
    case U_COS: MAP((f32)js_cos(v))
    case U_TANH: SIMD_MAP_F32(v_tanh)
    case U_SIGMOID: SIMD_MAP_F32(v_sigmoid)
    case U_ERF: SIMD_MAP_F32(v_erf)
    case U_RELU: MAP(v > 0 ? v : (v != v ? v : 0.0f))
    case U_FLOOR: MAP(__builtin_floorf(v))
    case U_CEIL: MAP(__builtin_ceilf(v))
    case U_ROUND: MAP(__builtin_rintf(v))
    case U_NOT: case U_ISNAN: case U_ISINF: return K_UNSUPPORTED;
    default: return K_BAD_OP;
  }
}

static i32 unary_f64(i32 op, const f64 *x, f64 *o, i32 n) {
  typedef f64 T;
  switch ((UnaryOp)op) {
    case U_NEG: MAP(-v)
    case U_ABS: MAP(__builtin_fabs(v))
    case U_SIGN: MAP(v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0) /* PyTorch: sign(NaN) = sign(-0) = 0 */
    case U_SQUARE: MAP(v * v)
    case U_EXP: MAP(js_exp(v))
    case U_LOG: MAP(js_log(v))
    case U_LOG1P: MAP(js_log1p(v))
    case U_EXPM1: MAP(js_expm1(v))
    case U_SQRT: MAP(__builtin_sqrt(v))
    case U_RSQRT: MAP(1.0 / __builtin_sqrt(v))
    case U_RECIPROCAL: MAP(1.0 / v)
    case U_SIN: MAP(js_sin(v))
    case U_COS: MAP(js_cos(v))
    case U_TANH: MAP(js_tanh(v))
    case U_SIGMOID: MAP(v >= 0 ? 1.0 / (1.0 + js_exp(-v)) : js_exp(v) / (1.0 + js_exp(v)))
    case U_ERF: MAP(erf_f64(v))
    case U_RELU: MAP(v > 0 ? v : (v != v ? v : 0.0))
    case U_FLOOR: MAP(__builtin_floor(v))
    case U_CEIL: MAP(__builtin_ceil(v))
    case U_ROUND: MAP(__builtin_rint(v))
    case U_NOT: case U_ISNAN: case U_ISINF: return K_UNSUPPORTED;
    default: return K_BAD_OP;
  }
}

static i32 unary_i32(i32 op, const i32 *x, i32 *o, i32 n) {
  typedef i32 T;
  switch ((UnaryOp)op) {
    case U_NEG: MAP(-v)
    case U_ABS: MAP(v < 0 ? -v : v)
    case U_SIGN: MAP(v > 0 ? 1 : v < 0 ? -1 : 0)
    case U_SQUARE: MAP(v * v)
    case U_RELU: MAP(v > 0 ? v : 0)
    case U_FLOOR: case U_CEIL: case U_ROUND: MAP(v) /* of an integer: itself */
    case U_EXP: case U_LOG: case U_LOG1P: case U_EXPM1: case U_SQRT: case U_RSQRT: case U_RECIPROCAL: case U_SIN:
    case U_COS: case U_TANH: case U_SIGMOID: case U_ERF: case U_NOT: case U_ISNAN: case U_ISINF:
      return K_UNSUPPORTED;
    default: return K_BAD_OP;
  }
}

/* Returns K_OK, K_UNSUPPORTED for an op the dtype does not take, or
 * K_BAD_OP / K_BAD_DTYPE for a code outside the enums. */
EXPORT i32 unary(i32 op, i32 dtype, const void *x, void *out, i32 n) {
  if ((uint32_t)op > U_ISINF) return K_BAD_OP;
  if ((uint32_t)dtype > DT_BOOL) return K_BAD_DTYPE;
  if (op == U_ISNAN || op == U_ISINF) {
    u8 *o = out;
    if (dtype == DT_F32) {
      const f32 *a = x;
      for (i32 i = 0; i < n; i++) o[i] = op == U_ISNAN ? a[i] != a[i] : __builtin_fabsf(a[i]) == __builtin_inff();
    } else if (dtype == DT_F64) {
      const f64 *a = x;
      for (i32 i = 0; i < n; i++) o[i] = op == U_ISNAN ? a[i] != a[i] : __builtin_fabs(a[i]) == __builtin_inf();
    } else {
      for (i32 i = 0; i < n; i++) o[i] = 0;
    }
    return 0;
  }
  if (dtype == DT_BOOL) {
    const u8 *a = x;
    u8 *o = out;
    switch ((UnaryOp)op) {
      case U_NOT: for (i32 i = 0; i < n; i++) o[i] = !a[i]; return K_OK;
      case U_ABS: case U_RELU: case U_SQUARE: case U_SIGN: case U_FLOOR: case U_CEIL: case U_ROUND:
        for (i32 i = 0; i < n; i++) o[i] = a[i]; return K_OK;
      case U_NEG: case U_EXP: case U_LOG: case U_LOG1P: case U_EXPM1: case U_SQRT: case U_RSQRT: case U_RECIPROCAL:
      case U_SIN: case U_COS: case U_TANH: case U_SIGMOID: case U_ERF: case U_ISNAN: case U_ISINF:
        return K_UNSUPPORTED;
      default: return K_BAD_OP;
    }
  }
  switch ((DType)dtype) {
    case DT_F32: return unary_f32(op, x, out, n);
    case DT_F64: return unary_f64(op, x, out, n);
    case DT_I32: return unary_i32(op, x, out, n);
    case DT_BOOL: return K_UNSUPPORTED; /* handled above */
    default: return K_BAD_DTYPE;
  }
}

/* ---------- binary ---------- */

/* One row of n outputs; sa/sb are the last-axis strides. The contiguous
 * and broadcast cases (0 or 1) are separate loops so clang vectorises each
 * one; views (a transpose, a stepped slice, a flip) take the general loop. */
#define ROW(EXPR)                                                    \
  {                                                                  \
    if (sa == 1 && sb == 1) {                                        \
      for (i32 i = 0; i < n; i++) { T x = a[i], y = b[i]; o[i] = (EXPR); } \
    } else if (sa == 1 && sb == 0) {                                 \
      T y = b[0];                                                    \
      for (i32 i = 0; i < n; i++) { T x = a[i]; o[i] = (EXPR); }     \
    } else if (sa == 0 && sb == 1) {                                 \
      T x = a[0];                                                    \
      for (i32 i = 0; i < n; i++) { T y = b[i]; o[i] = (EXPR); }     \
    } else if (sa == 0 && sb == 0) {                                 \
      T x = a[0], y = b[0];                                          \
      O r = (EXPR);                                                  \
      for (i32 i = 0; i < n; i++) o[i] = r;                          \
    } else {                                                         \
      for (i32 i = 0; i < n; i++) { T x = a[i * sa], y = b[i * sb]; o[i] = (EXPR); } \
    }                                                                \
    return K_OK;                                                     \
  }

#define NANMAX(x, y) ((x) != (x) ? (x) : (y) != (y) ? (y) : (x) > (y) ? (x) : (y))
#define NANMIN(x, y) ((x) != (x) ? (x) : (y) != (y) ? (y) : (x) < (y) ? (x) : (y))

INLINE f64 fmod_floor(f64 x, f64 y) {
  f64 r = js_fmod(x, y);
  if (r != 0 && ((r < 0) != (y < 0))) r += y;
  return r;
}

INLINE f64 pow_f64(f64 x, f64 y) {
  /* C/PyTorch: pow(1, y) = 1 and pow(-1, +-inf) = 1, where Math.pow gives NaN. */
  if (x == 1 || (x == -1 && __builtin_fabs(y) == __builtin_inf())) return 1;
  return js_pow(x, y);
}

INLINE i32 pow_i32(i32 x, i32 y) {
  if (y < 0) return x == 1 ? 1 : x == -1 ? ((y & 1) ? -1 : 1) : 0;
  i32 r = 1;
  while (y) {
    if (y & 1) r *= x;
    x *= x;
    y >>= 1;
  }
  return r;
}

INLINE i32 div_i32(i32 x, i32 y) { return y == 0 ? 0 : y == -1 ? -x : x / y; }
INLINE i32 mod_i32(i32 x, i32 y) {
  if (y == 0 || y == -1) return 0;
  i32 r = x % y;
  return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r;
}

#define ARITH_F(TT)                                    \
  static i32 arith_##TT(i32 op, const TT *a, i32 sa, const TT *b, i32 sb, TT *o, i32 n) { \
    typedef TT T;                                      \
    typedef TT O;                                      \
    switch ((BinaryOp)op) {                            \
      case B_ADD: ROW(x + y)                           \
      case B_SUB: ROW(x - y)                           \
      case B_MUL: ROW(x * y)                           \
      case B_DIV: ROW(x / y)                           \
      case B_POW: ROW((T)pow_f64(x, y))                \
      case B_MAXIMUM: ROW(NANMAX(x, y))                    \
      case B_MINIMUM: ROW(NANMIN(x, y))                    \
      case B_MOD: ROW((T)fmod_floor(x, y))             \
      case B_ATAN2: ROW((T)js_atan2(x, y))             \
      case B_EQ: case B_NE: case B_LT: case B_LE:      \
      case B_GT: case B_GE: case B_AND: case B_OR:     \
        return K_UNSUPPORTED;                          \
      default: return K_BAD_OP;                        \
    }                                                  \
  }
ARITH_F(f32)
ARITH_F(f64)

static i32 arith_i32(i32 op, const i32 *a, i32 sa, const i32 *b, i32 sb, i32 *o, i32 n) {
  typedef i32 T;
  typedef i32 O;
  switch ((BinaryOp)op) {
    case B_ADD: ROW(x + y)
    case B_SUB: ROW(x - y)
    case B_MUL: ROW(x * y)
    case B_DIV: ROW(div_i32(x, y))
    case B_POW: ROW(pow_i32(x, y))
    case B_MAXIMUM: ROW(x > y ? x : y)
    case B_MINIMUM: ROW(x < y ? x : y)
    case B_MOD: ROW(mod_i32(x, y))
    case B_ATAN2: /* core casts int operands to float first */
    case B_EQ: case B_NE: case B_LT: case B_LE: case B_GT: case B_GE: case B_AND: case B_OR:
      return K_UNSUPPORTED;
    default: return K_BAD_OP;
  }
}

/* bool arithmetic as logic: add/max = or, mul/min = and. */
static i32 arith_bool(i32 op, const u8 *a, i32 sa, const u8 *b, i32 sb, u8 *o, i32 n) {
  typedef u8 T;
  typedef u8 O;
  switch ((BinaryOp)op) {
    case B_ADD: case B_MAXIMUM: case B_OR: ROW((x | y) != 0)
    case B_MUL: case B_MINIMUM: case B_AND: ROW((x & y) != 0)
    case B_SUB: ROW((x ^ y) != 0)
    case B_DIV: case B_POW: case B_MOD: case B_ATAN2: case B_EQ: case B_NE: case B_LT: case B_LE: case B_GT: case B_GE:
      return K_UNSUPPORTED;
    default: return K_BAD_OP;
  }
}

#define COMPARE(TT)                                    \
  static i32 compare_##TT(i32 op, const TT *a, i32 sa, const TT *b, i32 sb, u8 *o, i32 n) { \
    typedef TT T;                                      \
    typedef u8 O;                                      \
    switch ((BinaryOp)op) {                            \
      case B_EQ: ROW(x == y)                           \
      case B_NE: ROW(x != y)                           \
      case B_LT: ROW(x < y)                            \
      case B_LE: ROW(x <= y)                           \
      case B_GT: ROW(x > y)                            \
      case B_GE: ROW(x >= y)                           \
      case B_ADD: case B_SUB: case B_MUL: case B_DIV:  \
      case B_POW: case B_MAXIMUM: case B_MINIMUM: case B_MOD:  \
      case B_ATAN2:                                    \
      case B_AND: case B_OR:                           \
        return K_UNSUPPORTED;                          \
      default: return K_BAD_OP;                        \
    }                                                  \
  }
COMPARE(f32)
COMPARE(f64)
COMPARE(i32)
COMPARE(u8)

static const i32 ELSIZE[4] = {4, 8, 4, 1};

/* Row r of the odometer over desc's leading axes -> element offsets. */
INLINE void row_offsets(const i32 *desc, i32 nops, i32 r, i32 *offs) {
  i32 rank = desc[0];
  const i32 *shape = desc + 1;
  for (i32 q = 0; q < nops; q++) offs[q] = 0;
  for (i32 d = rank - 2; d >= 0; d--) {
    i32 idx = r % shape[d];
    r /= shape[d];
    for (i32 q = 0; q < nops; q++) offs[q] += idx * desc[1 + rank * (q + 1) + d];
  }
}

EXPORT i32 binary(i32 op, i32 dtype, const void *a, const void *b, void *out, const i32 *desc, i32 row0, i32 row1) {
  i32 rank = desc[0];
  i32 n = desc[rank];
  i32 sa = desc[1 + rank + rank - 1], sb = desc[1 + 2 * rank + rank - 1];
  if ((uint32_t)op > B_OR) return K_BAD_OP;
  if ((uint32_t)dtype > DT_BOOL) return K_BAD_DTYPE;
  i32 es = ELSIZE[dtype];
  i32 cmp = op >= B_EQ && op <= B_GE;
  if (dtype == DT_BOOL && !cmp && op != B_AND && op != B_OR && op != B_ADD && op != B_MUL && op != B_MAXIMUM &&
      op != B_MINIMUM && op != B_SUB)
    return K_UNSUPPORTED;
  if (dtype != DT_BOOL && (op == B_AND || op == B_OR)) return K_UNSUPPORTED;
  i32 offs[2];
  for (i32 r = row0; r < row1; r++) {
    row_offsets(desc, 2, r, offs);
    const char *pa = (const char *)a + (size_t)offs[0] * es;
    const char *pb = (const char *)b + (size_t)offs[1] * es;
    size_t oo = (size_t)r * n;
    i32 st = K_BAD_DTYPE;
    if (cmp) {
      u8 *po = (u8 *)out + oo;
      switch ((DType)dtype) {
        case DT_F32: st = compare_f32(op, (const f32 *)pa, sa, (const f32 *)pb, sb, po, n); break;
        case DT_F64: st = compare_f64(op, (const f64 *)pa, sa, (const f64 *)pb, sb, po, n); break;
        case DT_I32: st = compare_i32(op, (const i32 *)pa, sa, (const i32 *)pb, sb, po, n); break;
        case DT_BOOL: st = compare_u8(op, (const u8 *)pa, sa, (const u8 *)pb, sb, po, n); break;
        default: break;
      }
    } else {
      void *po = (char *)out + oo * es;
      switch ((DType)dtype) {
        case DT_F32: st = arith_f32(op, (const f32 *)pa, sa, (const f32 *)pb, sb, po, n); break;
        case DT_F64: st = arith_f64(op, (const f64 *)pa, sa, (const f64 *)pb, sb, po, n); break;
        case DT_I32: st = arith_i32(op, (const i32 *)pa, sa, (const i32 *)pb, sb, po, n); break;
        case DT_BOOL: st = arith_bool(op, (const u8 *)pa, sa, (const u8 *)pb, sb, po, n); break;
        default: break;
      }
    }
    if (st != K_OK) return st;
  }
  return K_OK;
}

/* ---------- where ---------- */

#define WHERE_ROW(T)                                                        \
  {                                                                         \
    const T *pa = (const T *)a + offs[1], *pb = (const T *)b + offs[2];     \
    T *po = (T *)out + (size_t)r * n;                                       \
    for (i32 i = 0; i < n; i++) po[i] = pc[i * sc] ? pa[i * sa] : pb[i * sb]; \
    break;                                                                  \
  }

/* desc holds strides for cond, a, b in that order. */
EXPORT i32 where(const u8 *cond, const void *a, const void *b, void *out, i32 elsize, const i32 *desc, i32 row0,
                 i32 row1) {
  if (elsize != 1 && elsize != 4 && elsize != 8) return K_BAD_DTYPE;
  i32 rank = desc[0];
  i32 n = desc[rank];
  i32 sc = desc[1 + rank + rank - 1], sa = desc[1 + 2 * rank + rank - 1], sb = desc[1 + 3 * rank + rank - 1];
  i32 offs[3];
  for (i32 r = row0; r < row1; r++) {
    row_offsets(desc, 3, r, offs);
    const u8 *pc = cond + offs[0];
    switch (elsize) {
      case 1: WHERE_ROW(u8)
      case 4: WHERE_ROW(i32)
      case 8: WHERE_ROW(f64)
      default: return K_BAD_DTYPE;
    }
  }
  return K_OK;
}

/* ---------- addScaled ---------- */

/* out = a + alpha·b (add's and sub's alpha): the product and the sum rounded apart, as core's mul then add. */
EXPORT i32 add_scaled(i32 dtype, const void *a, const void *b, void *out, i32 n, f64 alpha) {
  if (dtype == DT_F32) {
    const f32 *x = a, *y = b;
    f32 *o = out;
    f32 s = (f32)alpha;
    for (i32 i = 0; i < n; i++) {
      f32 scaled = s * y[i];
      o[i] = x[i] + scaled;
    }
  } else if (dtype == DT_F64) {
    const f64 *x = a, *y = b;
    f64 *o = out;
    for (i32 i = 0; i < n; i++) {
      f64 scaled = alpha * y[i];
      o[i] = x[i] + scaled;
    }
  } else {
    return K_BAD_DTYPE;
  }
  return K_OK;
}

/* ---------- clamp ---------- */

EXPORT i32 clamp(i32 dtype, const void *x, void *out, i32 n, f64 lo, f64 hi) {
  if (dtype == DT_F32) {
    const f32 *a = x;
    f32 *o = out;
    f32 l = (f32)lo, h = (f32)hi;
    for (i32 i = 0; i < n; i++) {
      f32 v = a[i];
      v = v < l ? l : v;
      o[i] = v > h ? h : v;
    }
  } else if (dtype == DT_F64) {
    const f64 *a = x;
    f64 *o = out;
    for (i32 i = 0; i < n; i++) {
      f64 v = a[i];
      v = v < lo ? lo : v;
      o[i] = v > hi ? hi : v;
    }
  } else if (dtype == DT_I32) {
    const i32 *a = x;
    i32 *o = out;
    /* Integer bounds: ceil of lo, floor of hi, so clamp(x, 0.5, 2.5) keeps 1..2. */
    f64 lc = __builtin_ceil(lo), hf = __builtin_floor(hi);
    i32 l = lc < -2147483648.0 ? (i32)0x80000000 : lc > 2147483647.0 ? 0x7fffffff : (i32)lc;
    i32 h = hf < -2147483648.0 ? (i32)0x80000000 : hf > 2147483647.0 ? 0x7fffffff : (i32)hf;
    for (i32 i = 0; i < n; i++) {
      i32 v = a[i];
      v = v < l ? l : v;
      o[i] = v > h ? h : v;
    }
  } else if (dtype == DT_BOOL) {
    const u8 *a = x;
    u8 *o = out;
    for (i32 i = 0; i < n; i++) {
      f64 v = a[i];
      v = v < lo ? lo : v;
      o[i] = (v > hi ? hi : v) != 0;
    }
  } else {
    return K_BAD_DTYPE;
  }
  return K_OK;
}

/* ---------- cast ---------- */

/* Float -> int32 truncates toward zero and saturates to [-2^31, 2^31 - 1],
 * NaN -> 0 (the non-trapping i32.trunc_sat; the rule every backend follows);
 * anything -> bool is x != 0 (NaN -> true). */
#define CAST_LOOP(TI, TO, EXPR)                         \
  {                                                     \
    const TI *a = x;                                    \
    TO *o = out;                                        \
    for (i32 i = 0; i < n; i++) {                       \
      TI v = a[i];                                      \
      o[i] = (EXPR);                                    \
    }                                                   \
    return K_OK;                                        \
  }

EXPORT i32 cast(i32 from, i32 to, const void *x, void *out, i32 n) {
  if ((uint32_t)from > DT_BOOL || (uint32_t)to > DT_BOOL) return K_BAD_DTYPE;
  switch (from * 4 + to) {
    case DT_F32 * 4 + DT_F32: CAST_LOOP(f32, f32, v)
    case DT_F32 * 4 + DT_F64: CAST_LOOP(f32, f64, v)
    case DT_F32 * 4 + DT_I32: CAST_LOOP(f32, i32, (i32)v)
    case DT_F32 * 4 + DT_BOOL: CAST_LOOP(f32, u8, v != 0)
    case DT_F64 * 4 + DT_F32: CAST_LOOP(f64, f32, (f32)v)
    case DT_F64 * 4 + DT_F64: CAST_LOOP(f64, f64, v)
    case DT_F64 * 4 + DT_I32: CAST_LOOP(f64, i32, (i32)v)
    case DT_F64 * 4 + DT_BOOL: CAST_LOOP(f64, u8, v != 0)
    case DT_I32 * 4 + DT_F32: CAST_LOOP(i32, f32, (f32)v)
    case DT_I32 * 4 + DT_F64: CAST_LOOP(i32, f64, v)
    case DT_I32 * 4 + DT_I32: CAST_LOOP(i32, i32, v)
    case DT_I32 * 4 + DT_BOOL: CAST_LOOP(i32, u8, v != 0)
    case DT_BOOL * 4 + DT_F32: CAST_LOOP(u8, f32, v)
    case DT_BOOL * 4 + DT_F64: CAST_LOOP(u8, f64, v)
    case DT_BOOL * 4 + DT_I32: CAST_LOOP(u8, i32, v)
    case DT_BOOL * 4 + DT_BOOL: CAST_LOOP(u8, u8, v != 0)
    default: return K_BAD_DTYPE;
  }
}
