/*
 * Elementwise kernels: unary (required and fused), clamp, addScaled, binary with
 * broadcasting (core's layout, collapsed in JS: a shape and one stride list
 * per input), where and cast. One loop per (op, dtype), written once with
 * macros; <tgmath.h> picks expf/exp (…) by the element type.
 */
#include <math.h>
#include <string.h>
#include <tgmath.h>

#include "native.h"

typedef void (*UnaryFn)(void *out, const void *x, int64_t n);
typedef struct {
  const char *name;
  UnaryFn fn[DT_COUNT];
} UnaryEntry;

#define LOOP1(NAME, TI, TO, EXPR)                                       \
  HOT static void NAME(void *o_, const void *x_, int64_t n) {           \
    TO *restrict o = o_;                                                \
    const TI *restrict x = x_;                                          \
    for (int64_t i = 0; i < n; i++) {                                   \
      TI v = x[i];                                                      \
      o[i] = (TO)(EXPR);                                                \
    }                                                                   \
  }

/* A float op in float32 and float64. */
#define FLOAT1(NAME, EXPR)            \
  LOOP1(NAME##_f32, float, float, EXPR) \
  LOOP1(NAME##_f64, double, double, EXPR)

FLOAT1(neg, -v)
FLOAT1(abs, fabs(v))
/* sign(NaN) = sign(±0) = 0, as PyTorch */
FLOAT1(sign, v > 0 ? 1 : v < 0 ? -1 : 0)
FLOAT1(square, v * v)
FLOAT1(exp, exp(v))
FLOAT1(log, log(v))
FLOAT1(log1p, log1p(v))
FLOAT1(expm1, expm1(v))
FLOAT1(sqrt, sqrt(v))
FLOAT1(rsqrt, 1 / sqrt(v))
FLOAT1(reciprocal, 1 / v)
FLOAT1(sin, sin(v))
FLOAT1(cos, cos(v))
FLOAT1(tanh, tanh(v))
/* e/(1+e), e = exp(x), below 0: keeps the tiny values 1/(1+exp(-x)) rounds to 0 */
FLOAT1(sigmoid, v < 0 ? exp(v) / (1 + exp(v)) : 1 / (1 + exp(-v)))
FLOAT1(erf, erf(v))
/* NaN < 0 is false: NaN passes */
FLOAT1(relu, v < 0 ? 0 : v)
FLOAT1(floor, floor(v))
FLOAT1(ceil, ceil(v))
/* the default rounding mode rounds halves to even, as PyTorch */
FLOAT1(round, nearbyint(v))
LOOP1(isnan_f32, float, uint8_t, v != v)
LOOP1(isnan_f64, double, uint8_t, v != v)
LOOP1(isinf_f32, float, uint8_t, isinf(v) != 0)
LOOP1(isinf_f64, double, uint8_t, isinf(v) != 0)

/* int32 wraps like C's unsigned arithmetic (abs(-2^31) stays -2^31) */
LOOP1(neg_i32, int32_t, int32_t, (int32_t)(0u - (uint32_t)v))
LOOP1(abs_i32, int32_t, int32_t, v < 0 ? (int32_t)(0u - (uint32_t)v) : v)
LOOP1(sign_i32, int32_t, int32_t, v > 0 ? 1 : v < 0 ? -1 : 0)
LOOP1(square_i32, int32_t, int32_t, (int32_t)((uint32_t)v * (uint32_t)v))
LOOP1(relu_i32, int32_t, int32_t, v < 0 ? 0 : v)
LOOP1(copy_i32, int32_t, int32_t, v)
LOOP1(false_i32, int32_t, uint8_t, v != v) /* int32 is never NaN or infinite */
LOOP1(not_u8, uint8_t, uint8_t, v == 0)

#define F2(NAME) {NAME##_f32, NAME##_f64, NULL, NULL}
#define F2I(NAME) {NAME##_f32, NAME##_f64, NAME##_i32, NULL}

/* By name: src/native.ts maps core's op names onto indices of this table at start-up. */
static const UnaryEntry UNARY[] = {
    {"neg", F2I(neg)}, {"abs", F2I(abs)}, {"sign", F2I(sign)}, {"square", F2I(square)},
    {"exp", F2(exp)}, {"log", F2(log)}, {"log1p", F2(log1p)}, {"expm1", F2(expm1)},
    {"sqrt", F2(sqrt)}, {"rsqrt", F2(rsqrt)}, {"reciprocal", F2(reciprocal)}, {"sin", F2(sin)},
    {"cos", F2(cos)}, {"tanh", F2(tanh)}, {"sigmoid", F2(sigmoid)}, {"erf", F2(erf)},
    {"relu", F2I(relu)}, {"floor", {floor_f32, floor_f64, copy_i32, NULL}},
    {"ceil", {ceil_f32, ceil_f64, copy_i32, NULL}}, {"round", {round_f32, round_f64, copy_i32, NULL}},
    {"not", {NULL, NULL, NULL, not_u8}}, {"isnan", {isnan_f32, isnan_f64, false_i32, NULL}},
    {"isinf", {isinf_f32, isinf_f64, false_i32, NULL}},
};
#define UNARY_COUNT (int)(sizeof UNARY / sizeof UNARY[0])

typedef struct {
  UnaryFn fn;
  char *out;
  const char *x;
  size_t osz, isz;
} UnaryJob;

static void unary_range(void *p, int64_t lo, int64_t hi) {
  UnaryJob *j = p;
  j->fn(j->out + lo * j->osz, j->x + lo * j->isz, hi - lo);
}

/* unary(code, x, dtype, outDtype, size) -> handle */
static napi_value k_unary(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "unary", 5)) return NULL;
  int code = (int)arg_i64(&a, 0);
  const void *x = arg_buf(&a, 1);
  int dtype = (int)arg_i64(&a, 2), odtype = (int)arg_i64(&a, 3);
  int64_t n = arg_i64(&a, 4);
  if (a.failed) return NULL;
  if (code < 0 || code >= UNARY_COUNT || !UNARY[code].fn[dtype]) {
    arg_fail(&a, "EDTYPE", "unary '%s' is not defined for this dtype", code >= 0 && code < UNARY_COUNT ? UNARY[code].name : "?");
    return NULL;
  }
  void *o;
  napi_value out = buf_new(env, odtype, n, 0, &o);
  if (!out) return NULL;
  UnaryJob j = {UNARY[code].fn[dtype], o, x, DT_SIZE[odtype], DT_SIZE[dtype]};
  par_range(n, n, unary_range, &j);
  return out;
}

/* ---- clamp ---- */

typedef struct {
  int dtype;
  void *out;
  const void *x;
  double lo, hi;
} ClampJob;

#define CLAMP(T)                                      \
  {                                                   \
    T *restrict o = (T *)j->out + s;                  \
    const T *restrict x = (const T *)j->x + s;        \
    const T lo = (T)j->lo, hi = (T)j->hi;             \
    for (int64_t i = 0; i < e - s; i++) {             \
      T v = x[i] < lo ? lo : x[i];                    \
      o[i] = v > hi ? hi : v;                         \
    }                                                 \
  }

HOT static void clamp_range(void *p, int64_t s, int64_t e) {
  ClampJob *j = p;
  if (j->dtype == DT_F32) CLAMP(float)
  else if (j->dtype == DT_F64) CLAMP(double)
  else {
    /* int32 with integer bounds given as doubles (±Infinity stays unbounded) */
    int32_t *restrict o = (int32_t *)j->out + s;
    const int32_t *restrict x = (const int32_t *)j->x + s;
    for (int64_t i = 0; i < e - s; i++) {
      double v = x[i] < j->lo ? j->lo : x[i];
      o[i] = (int32_t)(v > j->hi ? j->hi : v);
    }
  }
}

/* clamp(x, dtype, size, lo, hi) -> handle; int32 bounds already rounded inward by JS */
static napi_value k_clamp(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "clamp", 5)) return NULL;
  const void *x = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  int64_t n = arg_i64(&a, 2);
  double lo = arg_f64(&a, 3), hi = arg_f64(&a, 4);
  if (a.failed) return NULL;
  void *o;
  napi_value out = buf_new(env, dtype, n, 0, &o);
  if (!out) return NULL;
  ClampJob j = {dtype, o, x, lo, hi};
  par_range(n, n, clamp_range, &j);
  return out;
}

/* ---- addScaled: out = a + alpha·b (add's and sub's alpha) ---- */

typedef struct {
  int dtype;
  void *out;
  const void *a, *b;
  double alpha;
} AddScaledJob;

/* The product and the sum each rounded (-ffp-contract=off: never one FMA), as core's mul then add. */
#define ADD_SCALED(T)                                 \
  {                                                   \
    T *restrict o = (T *)j->out + s;                  \
    const T *restrict a = (const T *)j->a + s;        \
    const T *restrict b = (const T *)j->b + s;        \
    const T alpha = (T)j->alpha;                      \
    for (int64_t i = 0; i < e - s; i++) {             \
      T scaled = alpha * b[i];                        \
      o[i] = a[i] + scaled;                           \
    }                                                 \
  }

HOT static void add_scaled_range(void *p, int64_t s, int64_t e) {
  AddScaledJob *j = p;
  if (j->dtype == DT_F32) ADD_SCALED(float)
  else ADD_SCALED(double)
}

/* addScaled(a, b, alpha, dtype, size) -> handle; float dtypes only (core composes int32) */
static napi_value k_add_scaled(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "addScaled", 5)) return NULL;
  const void *x = arg_buf(&a, 0), *y = arg_buf(&a, 1);
  double alpha = arg_f64(&a, 2);
  int dtype = (int)arg_i64(&a, 3);
  int64_t n = arg_i64(&a, 4);
  if (a.failed) return NULL;
  if (dtype != DT_F32 && dtype != DT_F64) {
    napi_throw_error(env, "EDTYPE", "addScaled: takes float32 or float64");
    return NULL;
  }
  void *o;
  napi_value out = buf_new(env, dtype, n, 0, &o);
  if (!out) return NULL;
  AddScaledJob j = {dtype, o, x, y, alpha};
  par_range(n, n, add_scaled_range, &j);
  return out;
}

/* ---- binary ---- */

typedef void (*BinaryFn)(void *out, const void *a, int64_t as, const void *b, int64_t bs, int64_t n);
typedef struct {
  const char *name;
  BinaryFn fn[DT_COUNT];
} BinaryEntry;

/* One row of out = a (op) b with element strides as, bs; the stride-1 and scalar cases get loops the compiler vectorises. */
#define LOOP2(NAME, T, TO, EXPR)                                                                      \
  HOT static void NAME(void *o_, const void *a_, int64_t as, const void *b_, int64_t bs, int64_t n) { \
    TO *restrict o = o_;                                                                              \
    const T *a = a_, *b = b_;                                                                         \
    if (as == 1 && bs == 1) {                                                                         \
      for (int64_t i = 0; i < n; i++) {                                                               \
        T x = a[i], y = b[i];                                                                         \
        o[i] = (TO)(EXPR);                                                                            \
      }                                                                                               \
    } else if (as == 1 && bs == 0) {                                                                  \
      const T y = b[0];                                                                               \
      for (int64_t i = 0; i < n; i++) {                                                               \
        T x = a[i];                                                                                   \
        o[i] = (TO)(EXPR);                                                                            \
      }                                                                                               \
    } else if (as == 0 && bs == 1) {                                                                  \
      const T x = a[0];                                                                               \
      for (int64_t i = 0; i < n; i++) {                                                               \
        T y = b[i];                                                                                   \
        o[i] = (TO)(EXPR);                                                                            \
      }                                                                                               \
    } else {                                                                                          \
      for (int64_t i = 0; i < n; i++) {                                                               \
        T x = a[i * as], y = b[i * bs];                                                               \
        o[i] = (TO)(EXPR);                                                                            \
      }                                                                                               \
    }                                                                                                 \
  }

/* Remainder with the divisor's sign (Python's %, PyTorch's remainder). */
static inline float fmodfloor_f(float x, float y) {
  float r = fmodf(x, y);
  return r != 0 && (r < 0) != (y < 0) ? r + y : r;
}
static inline double fmodfloor_d(double x, double y) {
  double r = fmod(x, y);
  return r != 0 && (r < 0) != (y < 0) ? r + y : r;
}
/* int32 division truncates; by 0 gives 0 and -2^31 / -1 wraps (C leaves both undefined, and x86 traps) */
static inline int32_t idiv(int32_t x, int32_t y) {
  return y == 0 ? 0 : y == -1 ? (int32_t)(0u - (uint32_t)x) : x / y;
}
static inline int32_t imod(int32_t x, int32_t y) {
  if (y == 0 || y == -1) return 0;
  int32_t r = x % y;
  return r != 0 && (r < 0) != (y < 0) ? r + y : r;
}
/* power by squaring, wrapping; x^-n truncates to 0 unless |x| = 1 */
static inline int32_t ipow(int32_t x, int32_t y) {
  if (y < 0) return x == 1 ? 1 : x == -1 ? ((y & 1) ? -1 : 1) : 0;
  uint32_t r = 1, b = (uint32_t)x;
  for (uint32_t e = (uint32_t)y; e; e >>= 1) {
    if (e & 1) r *= b;
    b *= b;
  }
  return (int32_t)r;
}

/* the ops of every numeric type T (comparisons give bool) */
#define COMMON2(S, T)                                   \
  LOOP2(maximum_##S, T, T, x > y || x != x ? x : y)     \
  LOOP2(minimum_##S, T, T, x < y || x != x ? x : y)     \
  LOOP2(eq_##S, T, uint8_t, x == y)                     \
  LOOP2(ne_##S, T, uint8_t, x != y)                     \
  LOOP2(lt_##S, T, uint8_t, x < y)                      \
  LOOP2(le_##S, T, uint8_t, x <= y)                     \
  LOOP2(gt_##S, T, uint8_t, x > y)                      \
  LOOP2(ge_##S, T, uint8_t, x >= y)                     \
  LOOP2(and_##S, T, uint8_t, x != 0 && y != 0)          \
  LOOP2(or_##S, T, uint8_t, x != 0 || y != 0)

#define FLOAT2(S, T, FMODFLOOR)                  \
  COMMON2(S, T)                                  \
  LOOP2(add_##S, T, T, x + y)                    \
  LOOP2(sub_##S, T, T, x - y)                    \
  LOOP2(mul_##S, T, T, x * y)                    \
  LOOP2(div_##S, T, T, x / y)                    \
  LOOP2(pow_##S, T, T, pow(x, y))                \
  LOOP2(mod_##S, T, T, FMODFLOOR(x, y))          \
  LOOP2(atan2_##S, T, T, atan2(x, y))

FLOAT2(f32, float, fmodfloor_f)
FLOAT2(f64, double, fmodfloor_d)
COMMON2(i32, int32_t)
LOOP2(add_i32, int32_t, int32_t, (int32_t)((uint32_t)x + (uint32_t)y))
LOOP2(sub_i32, int32_t, int32_t, (int32_t)((uint32_t)x - (uint32_t)y))
LOOP2(mul_i32, int32_t, int32_t, (int32_t)((uint32_t)x * (uint32_t)y))
LOOP2(div_i32, int32_t, int32_t, idiv(x, y))
LOOP2(pow_i32, int32_t, int32_t, ipow(x, y))
LOOP2(mod_i32, int32_t, int32_t, imod(x, y))
COMMON2(u8, uint8_t)

#define ALL4(NAME) {NAME##_f32, NAME##_f64, NAME##_i32, NAME##_u8}
#define NUM3(NAME) {NAME##_f32, NAME##_f64, NAME##_i32, NULL}

static const BinaryEntry BINARY[] = {
    {"add", NUM3(add)}, {"sub", NUM3(sub)}, {"mul", NUM3(mul)}, {"div", NUM3(div)},
    {"pow", NUM3(pow)}, {"maximum", ALL4(maximum)}, {"minimum", ALL4(minimum)}, {"mod", NUM3(mod)},
    {"atan2", {atan2_f32, atan2_f64, NULL, NULL}}, {"eq", ALL4(eq)}, {"ne", ALL4(ne)}, {"lt", ALL4(lt)},
    {"le", ALL4(le)}, {"gt", ALL4(gt)}, {"ge", ALL4(ge)}, {"and", ALL4(and)}, {"or", ALL4(or)},
};
#define BINARY_COUNT (int)(sizeof BINARY / sizeof BINARY[0])

typedef struct {
  BinaryFn fn;
  char *out;
  const char *a, *b;
  size_t osz, isz;
  int64_t as, bs; /* innermost strides */
} BinaryJob;

static void binary_row(void *p, const int64_t *offsets, int64_t o, int64_t len) {
  BinaryJob *j = p;
  j->fn(j->out + o * j->osz, j->a + offsets[0] * j->isz, j->as, j->b + offsets[1] * j->isz, j->bs, len);
}

/* binary(code, a, aOffset, b, bOffset, dtype, outDtype, shape, aStrides, bStrides) -> handle; core lays the inputs out */
static napi_value k_binary(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "binary", 10)) return NULL;
  int code = (int)arg_i64(&a, 0);
  const char *x = arg_buf(&a, 1), *y = arg_buf(&a, 3);
  int64_t xoff = arg_i64(&a, 2), yoff = arg_i64(&a, 4);
  int dtype = (int)arg_i64(&a, 5), odtype = (int)arg_i64(&a, 6);
  Walk w;
  int64_t n = read_walk(&a, 7, 2, &w);
  if (a.failed) return NULL;
  x += xoff * (int64_t)DT_SIZE[dtype];
  y += yoff * (int64_t)DT_SIZE[dtype];
  if (code < 0 || code >= BINARY_COUNT || !BINARY[code].fn[dtype]) {
    arg_fail(&a, "EDTYPE", "binary '%s' is not defined for this dtype", code >= 0 && code < BINARY_COUNT ? BINARY[code].name : "?");
    return NULL;
  }
  void *o;
  napi_value out = buf_new(env, odtype, n, 0, &o);
  if (!out || n == 0) return out;
  BinaryJob j = {BINARY[code].fn[dtype], o, x, y, DT_SIZE[odtype], DT_SIZE[dtype], w.strides[0][w.rank - 1], w.strides[1][w.rank - 1]};
  w.row = binary_row;
  w.ctx = &j;
  par_range(n, n, walk_range, &w);
  return out;
}

/* ---- where ---- */

typedef struct {
  char *out;
  const uint8_t *c;
  const char *a, *b;
  size_t sz;
  int64_t cs, as, bs;
} WhereJob;

/*
 * One row; the strides are constants in each specialisation, so unit and zero strides vectorise. Both values
 * are loaded before the choice: a select, not a branch (a random mask mispredicts half of them).
 */
#define WHERE_STRIDED(T, CS, AS, BS)              \
  for (int64_t i = 0; i < len; i++) {             \
    T xv = x[i * (AS)], yv = y[i * (BS)];         \
    out[i] = c[i * (CS)] ? xv : yv;               \
  }

#define WHERE_LOOP(T)                                                              \
  {                                                                                \
    T *restrict out = (T *)j->out + o;                                             \
    const T *x = (const T *)j->a + off[1], *y = (const T *)j->b + off[2];          \
    const uint8_t *c = j->c + off[0];                                              \
    int64_t cs = j->cs, as = j->as, bs = j->bs;                                    \
    if (cs == 1 && as == 1 && bs == 1) WHERE_STRIDED(T, 1, 1, 1)                   \
    else if (cs == 1 && as == 1 && bs == 0) WHERE_STRIDED(T, 1, 1, 0)              \
    else if (cs == 1 && as == 0 && bs == 1) WHERE_STRIDED(T, 1, 0, 1)              \
    else WHERE_STRIDED(T, cs, as, bs)                                              \
  }

HOT static void where_row(void *p, const int64_t *off, int64_t o, int64_t len) {
  WhereJob *j = p;
  if (j->sz == 8) WHERE_LOOP(uint64_t)
  else if (j->sz == 4) WHERE_LOOP(uint32_t)
  else WHERE_LOOP(uint8_t)
}

/* where(cond, condOffset, a, aOffset, b, bOffset, dtype, shape, condStrides, aStrides, bStrides) -> handle */
static napi_value k_where(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "where", 11)) return NULL;
  const uint8_t *c = arg_buf(&a, 0);
  const char *x = arg_buf(&a, 2), *y = arg_buf(&a, 4);
  int64_t coff = arg_i64(&a, 1), xoff = arg_i64(&a, 3), yoff = arg_i64(&a, 5);
  int dtype = (int)arg_i64(&a, 6);
  Walk w;
  int64_t n = read_walk(&a, 7, 3, &w);
  if (a.failed) return NULL;
  c += coff;
  x += xoff * (int64_t)DT_SIZE[dtype];
  y += yoff * (int64_t)DT_SIZE[dtype];
  void *o;
  napi_value out = buf_new(env, dtype, n, 0, &o);
  if (!out || n == 0) return out;
  int r = w.rank - 1;
  WhereJob j = {o, c, x, y, DT_SIZE[dtype], w.strides[0][r], w.strides[1][r], w.strides[2][r]};
  w.row = where_row;
  w.ctx = &j;
  par_range(n, n, walk_range, &w);
  return out;
}

/* ---- cast ---- */

typedef struct {
  int from, to;
  const void *x;
  void *out;
} CastJob;

/* float -> int32 truncates toward zero and saturates, NaN -> 0 (the rule of every backend) */
static inline int32_t sat_i32(double v) {
  return v >= 2147483647.0 ? INT32_MAX : v <= -2147483648.0 ? INT32_MIN : v != v ? 0 : (int32_t)v;
}

#define CAST_TO(TI)                                                                          \
  {                                                                                          \
    const TI *restrict x = (const TI *)j->x + s;                                             \
    int64_t n = e - s;                                                                       \
    switch (j->to) {                                                                         \
      case DT_F32: for (int64_t i = 0; i < n; i++) ((float *)j->out)[s + i] = (float)x[i]; break;   \
      case DT_F64: for (int64_t i = 0; i < n; i++) ((double *)j->out)[s + i] = (double)x[i]; break; \
      case DT_I32: for (int64_t i = 0; i < n; i++) ((int32_t *)j->out)[s + i] = sat_i32((double)x[i]); break; \
      default: for (int64_t i = 0; i < n; i++) ((uint8_t *)j->out)[s + i] = x[i] != 0; break;       \
    }                                                                                        \
  }

HOT static void cast_range(void *p, int64_t s, int64_t e) {
  CastJob *j = p;
  switch (j->from) {
    case DT_F32: CAST_TO(float) break;
    case DT_F64: CAST_TO(double) break;
    case DT_I32: CAST_TO(int32_t) break;
    default: CAST_TO(uint8_t) break;
  }
}

/* cast(x, from, to, size) -> handle */
static napi_value k_cast(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "cast", 4)) return NULL;
  const void *x = arg_buf(&a, 0);
  int from = (int)arg_i64(&a, 1), to = (int)arg_i64(&a, 2);
  int64_t n = arg_i64(&a, 3);
  if (a.failed) return NULL;
  void *o;
  napi_value out = buf_new(env, to, n, 0, &o);
  if (!out) return NULL;
  if (from == to) {
    memcpy(o, x, (size_t)n * DT_SIZE[to]);
    return out;
  }
  CastJob j = {from, to, x, o};
  par_range(n, n, cast_range, &j);
  return out;
}

/* opNames() -> { unary: [...], binary: [...] }: the ops this build has loops for, by table index. */
static napi_value names(napi_env env, const char *const *list, int count, size_t stride) {
  napi_value arr, s;
  napi_create_array_with_length(env, (size_t)count, &arr);
  for (int i = 0; i < count; i++) {
    napi_create_string_utf8(env, *(const char *const *)((const char *)list + i * stride), NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, (uint32_t)i, s);
  }
  return arr;
}

static napi_value k_op_names(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "unary", names(env, &UNARY[0].name, UNARY_COUNT, sizeof(UnaryEntry)));
  napi_set_named_property(env, out, "binary", names(env, &BINARY[0].name, BINARY_COUNT, sizeof(BinaryEntry)));
  return out;
}

const Export ELEMENTWISE_EXPORTS[] = {
    {"unary", k_unary}, {"clamp", k_clamp}, {"addScaled", k_add_scaled}, {"binary", k_binary}, {"where", k_where},
    {"cast", k_cast}, {"opNames", k_op_names}, {NULL, NULL},
};
