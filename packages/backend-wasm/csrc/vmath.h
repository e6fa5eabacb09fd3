/* float32 SIMD exp/log/tanh/sigmoid (Cephes polynomials, ~1-2 ulp on normal
 * inputs) and erf, and a float64 erf, for the freestanding build that has no libm. */
#pragma once
#include "common.h"

INLINE v128_t v_exp(v128_t x) {
  const v128_t hi = wasm_f32x4_splat(88.7228394f);
  const v128_t lo = wasm_f32x4_splat(-103.972084f); /* below: 0 even as a subnormal */
  v128_t nan = wasm_f32x4_ne(x, x);
  v128_t over = wasm_f32x4_gt(x, hi);
  v128_t under = wasm_f32x4_lt(x, lo);
  v128_t xc = wasm_f32x4_pmax(wasm_f32x4_pmin(x, hi), lo);
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(xc, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(xc, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500E-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201E-1f));
  v128_t r2 = wasm_f32x4_mul(r, r);
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(p, r2), r), wasm_f32x4_splat(1.0f));
  /* 2^n by building the exponent bits; n is in [-150, 128] after clamping,
   * so scale by two halves, each a normal number (subnormal results round once). */
  v128_t ni = wasm_i32x4_trunc_sat_f32x4(n);
  v128_t n1 = wasm_i32x4_shr(ni, 1);
  v128_t n2 = wasm_i32x4_sub(ni, n1);
  v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, wasm_i32x4_splat(127)), 23);
  v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, wasm_i32x4_splat(127)), 23);
  p = wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2);
  p = wasm_v128_bitselect(wasm_f32x4_splat(__builtin_inff()), p, over);
  p = wasm_v128_bitselect(wasm_f32x4_splat(0.0f), p, under);
  return wasm_v128_bitselect(x, p, nan);
}

INLINE v128_t v_log(v128_t x) {
  v128_t nan = wasm_f32x4_ne(x, x);
  v128_t neg = wasm_f32x4_lt(x, wasm_f32x4_splat(0));
  v128_t zero = wasm_f32x4_eq(x, wasm_f32x4_splat(0));
  v128_t inf = wasm_f32x4_eq(x, wasm_f32x4_splat(__builtin_inff()));
  /* Scale subnormals into the normal range first. */
  v128_t sub = wasm_f32x4_lt(x, wasm_f32x4_splat(1.17549435e-38f));
  v128_t xs = wasm_v128_bitselect(wasm_f32x4_mul(x, wasm_f32x4_splat(8388608.0f)), x, sub);
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(xs, 23), wasm_i32x4_splat(126));
  e = wasm_i32x4_sub(e, wasm_v128_and(sub, wasm_i32x4_splat(23)));
  v128_t m = wasm_v128_or(wasm_v128_and(xs, wasm_i32x4_splat(0x807fffff)), wasm_i32x4_splat(0x3f000000));
  v128_t ef = wasm_f32x4_convert_i32x4(e);
  v128_t small = wasm_f32x4_lt(m, wasm_f32x4_splat(0.707106781186547524f));
  ef = wasm_f32x4_sub(ef, wasm_v128_and(small, wasm_f32x4_splat(1.0f)));
  m = wasm_f32x4_sub(wasm_f32x4_add(m, wasm_v128_and(small, m)), wasm_f32x4_splat(1.0f));
  v128_t z = wasm_f32x4_mul(m, m);
  v128_t y = wasm_f32x4_splat(7.0376836292E-2f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(-1.1514610310E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(1.1676998740E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(-1.2420140846E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(1.4249322787E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(-1.6668057665E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(2.0000714765E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(-2.4999993993E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), wasm_f32x4_splat(3.3333331174E-1f));
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, m), z);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(ef, wasm_f32x4_splat(-2.12194440e-4f)));
  y = wasm_f32x4_sub(y, wasm_f32x4_mul(z, wasm_f32x4_splat(0.5f)));
  v128_t r = wasm_f32x4_add(m, y);
  r = wasm_f32x4_add(r, wasm_f32x4_mul(ef, wasm_f32x4_splat(0.693359375f)));
  r = wasm_v128_bitselect(wasm_f32x4_splat(__builtin_inff()), r, inf);
  r = wasm_v128_bitselect(wasm_f32x4_splat(-__builtin_inff()), r, zero);
  r = wasm_v128_bitselect(wasm_f32x4_splat(__builtin_nanf("")), r, neg);
  return wasm_v128_bitselect(x, r, nan);
}

INLINE v128_t v_tanh(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  /* Small |x|: odd polynomial, avoids cancellation in 1 - 2/(e^2x + 1). */
  v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_splat(-5.70498872745E-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(2.06390887954E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-5.37397155531E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.33314422036E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-3.33332819422E-1f));
  v128_t smallv = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, z), x), x);
  v128_t e = v_exp(wasm_f32x4_add(ax, ax));
  v128_t big = wasm_f32x4_sub(wasm_f32x4_splat(1.0f),
                              wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, wasm_f32x4_splat(1.0f))));
  /* Copy the sign of x onto the large-|x| branch. */
  big = wasm_v128_or(big, wasm_v128_and(x, wasm_i32x4_splat((int32_t)0x80000000)));
  v128_t r = wasm_v128_bitselect(smallv, big, wasm_f32x4_lt(ax, wasm_f32x4_splat(0.625f)));
  return wasm_v128_bitselect(x, r, wasm_f32x4_ne(x, x));
}

/* sigmoid from e = exp(-|x|) <= 1, so nothing overflows: 1/(1+e) for x >= 0
 * and e/(1+e) for x < 0 (keeps tiny results such as sigmoid(-100)). */
INLINE v128_t v_sigmoid(v128_t x) {
  v128_t one = wasm_f32x4_splat(1.0f);
  v128_t e = v_exp(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  v128_t r = wasm_f32x4_div(one, wasm_f32x4_add(one, e));
  return wasm_v128_bitselect(wasm_f32x4_mul(e, r), r, wasm_f32x4_lt(x, wasm_f32x4_splat(0)));
}

/* erf in float32 (GELU's), within 1.5 ulp of the exact value (sampled over
 * [0, 4.2] and tiny inputs). Below 1: x + x*q(x^2), so the leading x is exact;
 * from 1: 1 - exp(-x^2)*r(1/x), r fitting erfc(x)*exp(x^2), with x clamped to
 * 4 (erf rounds to 1 in float32 from 3.92). Both are weighted least-squares
 * fits refined toward minimax (Lawson), in float64, rounded to float32. */
INLINE v128_t v_erf(v128_t x) {
  v128_t one = wasm_f32x4_splat(1.0f);
  v128_t ax = wasm_f32x4_abs(x);
  v128_t z = wasm_f32x4_mul(ax, ax);
  v128_t q = wasm_f32x4_splat(7.93189975e-05f);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, z), wasm_f32x4_splat(-0.000803432835f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, z), wasm_f32x4_splat(0.00519115385f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, z), wasm_f32x4_splat(-0.0268553607f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, z), wasm_f32x4_splat(0.112836249f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, z), wasm_f32x4_splat(-0.376126289f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, z), wasm_f32x4_splat(0.128379166f));
  v128_t small = wasm_f32x4_add(ax, wasm_f32x4_mul(ax, q));
  v128_t xc = wasm_f32x4_pmax(wasm_f32x4_pmin(ax, wasm_f32x4_splat(4.0f)), one);
  v128_t t = wasm_f32x4_div(one, xc);
  v128_t r = wasm_f32x4_splat(-0.0172385201f);
  r = wasm_f32x4_add(wasm_f32x4_mul(r, t), wasm_f32x4_splat(0.118185066f));
  r = wasm_f32x4_add(wasm_f32x4_mul(r, t), wasm_f32x4_splat(-0.349956155f));
  r = wasm_f32x4_add(wasm_f32x4_mul(r, t), wasm_f32x4_splat(0.571837425f));
  r = wasm_f32x4_add(wasm_f32x4_mul(r, t), wasm_f32x4_splat(-0.503762722f));
  r = wasm_f32x4_add(wasm_f32x4_mul(r, t), wasm_f32x4_splat(0.0503186323f));
  r = wasm_f32x4_add(wasm_f32x4_mul(r, t), wasm_f32x4_splat(0.557858407f));
  r = wasm_f32x4_add(wasm_f32x4_mul(r, t), wasm_f32x4_splat(0.000341478444f));
  v128_t big = wasm_f32x4_sub(one, wasm_f32x4_mul(v_exp(wasm_f32x4_neg(wasm_f32x4_mul(xc, xc))), r));
  v128_t y = wasm_v128_bitselect(small, big, wasm_f32x4_lt(ax, one));
  /* erf is odd: put the sign of x back (erf(-0) = -0); NaN stays NaN. */
  y = wasm_v128_or(y, wasm_v128_and(x, wasm_i32x4_splat((int32_t)0x80000000)));
  return wasm_v128_bitselect(x, y, wasm_f32x4_ne(x, x));
}

/* erf in float64: a positive series below 2.5 (no cancellation), the erfc
 * continued fraction above; both accurate to a few ulp. */
__attribute__((unused)) static f64 erf_f64(f64 x) {
  if (x != x) return x;
  f64 ax = x < 0 ? -x : x;
  f64 r;
  if (ax < 2.5) {
    f64 x2 = ax * ax, term = ax, sum = ax;
    for (i32 n = 1; n < 200; n++) {
      term *= 2 * x2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = 1.1283791670955126 * js_exp(-x2) * sum;
  } else if (ax < 6.5) {
    f64 f = ax;
    for (i32 n = 150; n >= 1; n--) f = ax + (n * 0.5) / f;
    r = 1 - js_exp(-ax * ax) / (1.7724538509055160 * f);
  } else {
    r = 1;
  }
  return x < 0 ? -r : r;
}
