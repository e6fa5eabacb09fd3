/**
 * WGSL implementations of the float functions the backend contract asks for
 * with specific edge semantics. WGSL builtins are not correctly rounded and
 * leave results for some inputs undefined (log of a negative, inverseSqrt of
 * 0), so every special case is handled explicitly before the builtin runs.
 */
export const MATH_HELPERS = /* wgsl */ `
fn log_f(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f32(); }
  if (x == 0.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  return log(x);
}

fn sqrt_f(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f32(); }
  if (is_inf(x)) { return x; }
  return sqrt(x);
}

// log(1 + x) without the cancellation of 1 + x for small x (Goldberg's trick:
// the rounding error of u = 1 + x cancels in x / (u - 1)).
fn log1p_f(x: f32) -> f32 {
  if (is_nan(x) || x < -1.0) { return nan_f32(); }
  if (x == -1.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * (x / (u - 1.0));
}

// exp(x) - 1 accurate near 0 (Kahan's trick, the counterpart of log1p_f).
fn expm1_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.8) { return inf_f32(); }
  if (x < -17.5) { return -1.0; } // e^x < 2^-25: exp(x) - 1 rounds to -1
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  return um1 * (x / log(u));
}

// tanh through expm1: keeps relative accuracy near 0, where the usual
// (e^2x - 1) / (e^2x + 1) loses digits, and saturates cleanly (no Inf/Inf).
fn tanh_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 9.0) { return 1.0; }
  if (x < -9.0) { return -1.0; }
  let t = expm1_f(2.0 * x);
  return t / (t + 2.0);
}

fn sigmoid_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  return 1.0 / (1.0 + exp(-x));
}

// erf: the Maclaurin series for |x| < 0.5 (truncation error below 1e-9), and
// Abramowitz & Stegun 7.1.26 beyond (absolute error below 1.5e-7).
fn erf_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  if (a < 0.5) {
    let x2 = x * x;
    let s = 1.0 + x2 * (-0.33333333 + x2 * (0.1 + x2 * (-0.023809524 + x2 * (0.0046296296
          + x2 * (-0.00075757576 + x2 * 0.00010683761)))));
    return 1.1283791671 * x * s;
  }
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  let y = 1.0 - poly * exp(-a * a);
  return select(y, -y, x < 0.0);
}

fn sign_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  return sign(x);
}

fn max_f(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return max(a, b);
}

fn min_f(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return min(a, b);
}

// Math.pow semantics: a negative base needs an integer exponent, and small
// integer exponents are exact products.
fn pow_f(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (b == 0.5 && a >= 0.0) { return sqrt_f(a); }
  let mag = exp2(b * log2(abs(a)));
  if (a < 0.0) {
    if (floor(b) != b) { return nan_f32(); }
    let odd = abs(b) < 16777216.0 && fract(b * 0.5) != 0.0;
    return select(mag, -mag, odd);
  }
  return mag;
}

// Python's remainder: the result takes the divisor's sign.
fn mod_f(a: f32, b: f32) -> f32 {
  if (b == 0.0 || is_nan(a) || is_nan(b) || is_inf(a)) { return nan_f32(); }
  if (is_inf(b)) {
    if (a == 0.0 || (a < 0.0) == (b < 0.0)) { return a; }
    return b;
  }
  var r = a - b * trunc(a / b);
  if (r != 0.0 && ((r < 0.0) != (b < 0.0))) { r = r + b; }
  return r;
}

fn div_i(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  return a / b;
}

fn mod_i(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  var r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) { r = r + b; }
  return r;
}

// Integer power by squaring; a negative exponent truncates as (a ** b) | 0 does.
fn pow_i(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    return 0;
  }
  var result = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) { break; }
    if ((e & 1) != 0) { result = result * base; }
    base = base * base;
    e = e >> 1u;
  }
  return result;
}
`;
