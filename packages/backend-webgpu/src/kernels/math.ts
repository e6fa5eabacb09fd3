/**
 * WGSL implementations of the float functions the backend contract asks for
 * with specific edge semantics. WGSL builtins are not correctly rounded and
 * leave results for some inputs undefined (log of a negative, inverseSqrt of
 * 0), so every special case is handled explicitly before the builtin runs.
 */
export const MATH_HELPERS = /* wgsl */ `
// exp with IEEE edges: SwiftShader's exp(NaN) is Inf and its exp2 saturates
// at the largest float instead of overflowing to Inf.
fn exp_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.72284) { return inf_f32(); }
  if (x < -87.33655) { return exp_subnormal(x); }
  return exp(x);
}

// e^x below the smallest normal float (x < ln 2^-126), built from its bits:
// GPUs flush subnormal arithmetic to zero, but a subnormal's bits are just
// its mantissa, round(e^x · 2^149), which is a normal number to compute.
fn exp_subnormal(x: f32) -> f32 {
  if (x < -103.98) { return 0.0; }
  let mantissa = round(exp2(x * 1.44269504 + 149.0));
  return bitcast<f32>(u32(mantissa));
}

// sin and cos with Cody–Waite reduction by π/2 (three-part constant, each
// product exact for |x| < 12000) and Cephes' minimax polynomials on
// [-π/4, π/4]: a few ULP, where Vulkan only promises 2^-11 absolute.
fn sin_cos_f(x: f32, cosine: bool) -> f32 {
  if (is_nan(x) || is_inf(x)) { return nan_f32(); }
  if (abs(x) > 12000.0) { return select(sin(x), cos(x), cosine); }
  let k = round(x * 0.63661977236);
  var r = x - k * 1.5703125;
  r = r - k * 4.837512969970703125e-4;
  r = r - k * 7.54978995489188216e-8;
  let z = r * r;
  let sr = r + r * z * ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1);
  let cr = 1.0 - 0.5 * z + z * z * ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2);
  let q = (i32(k) + select(0, 1, cosine)) & 3; // cos(x) = sin(x + π/2)
  if (q == 0) { return sr; }
  if (q == 1) { return cr; }
  if (q == 2) { return -sr; }
  return -cr;
}

// log(1 + x) for |x| small, without calling log: 2·atanh(s), s = x / (2 + x).
// Vulkan only bounds log's absolute error (2^-21) on [0.5, 2], which is a
// large relative error near 1; this series keeps log and log1p relative.
// For x in [-0.5, 1], |s| <= 1/3 and the truncation error is below 1e-9.
fn log1p_series(x: f32) -> f32 {
  let s = x / (2.0 + x);
  let s2 = s * s;
  let p = 1.0 + s2 * (0.33333333 + s2 * (0.2 + s2 * (0.14285714 + s2 * (0.11111111
        + s2 * (0.09090909 + s2 * (0.07692308 + s2 * (0.06666667 + s2 * 0.05882353)))))));
  return 2.0 * s * p;
}

fn log_f(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f32(); }
  if (x == 0.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  if (x >= 0.5 && x <= 2.0) { return log1p_series(x - 1.0); } // x - 1 is exact here (Sterbenz)
  return log(x);
}

fn sqrt_f(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f32(); }
  if (is_inf(x)) { return x; }
  return sqrt(x);
}

fn log1p_f(x: f32) -> f32 {
  if (is_nan(x) || x < -1.0) { return nan_f32(); }
  if (x == -1.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  if (x >= -0.5 && x <= 1.0) { return log1p_series(x); }
  return log_f(1.0 + x);
}

// exp(x) - 1: the Taylor series near 0 (truncation error below 1e-10 for
// |x| < 0.5), exp(x) - 1 beyond, where the subtraction cancels no digits.
fn expm1_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.8) { return inf_f32(); }
  if (x < -17.5) { return -1.0; } // e^x < 2^-25: exp(x) - 1 rounds to -1
  if (abs(x) < 0.5) {
    return x * (1.0 + x * (0.5 + x * (0.16666667 + x * (0.041666667 + x * (0.0083333333 + x * (0.0013888889
         + x * (0.00019841270 + x * (0.000024801587 + x * (0.0000027557319 + x * 0.00000027557319)))))))));
  }
  return exp_f(x) - 1.0;
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
  if (x < -87.0) { return exp_f(x); } // 1 / (1 + e^-x) = e^x to within rounding here
  return 1.0 / (1.0 + exp_f(-x));
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

// PyTorch: sign(NaN) = 0.
fn sign_f(x: f32) -> f32 {
  if (is_nan(x)) { return 0.0; }
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
  // C/PyTorch: pow(1, y) = 1 for any y, NaN included, and pow(-1, ±inf) = 1.
  if (b == 0.0 || a == 1.0 || (a == -1.0 && is_inf(b))) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (b == 0.5 && a >= 0.0) { return sqrt_f(a); }
  if (a == 0.0) {
    // ±0: 0 or inf, with a's sign for odd integer exponents (pow(-0, -3) = -inf).
    let mag0 = select(inf_f32(), 0.0, b > 0.0);
    let odd0 = floor(b) == b && abs(b) < 16777216.0 && fract(b * 0.5) != 0.0;
    return select(mag0, -mag0, odd0 && (bitcast<u32>(a) >> 31u) == 1u);
  }
  let t = b * log2(abs(a));
  var mag: f32;
  if (is_inf(a)) {
    mag = select(0.0, inf_f32(), b > 0.0);
  } else if (t >= 128.0) {
    mag = inf_f32();
  } else if (t < -150.0) {
    mag = 0.0;
  } else {
    mag = exp2(t);
  }
  if (a < 0.0) {
    // A negative base needs an integer exponent, except -inf: (-inf)^0.5 = inf, as C.
    if (floor(b) != b) { return select(nan_f32(), mag, is_inf(a)); }
    let odd = abs(b) < 16777216.0 && fract(b * 0.5) != 0.0;
    return select(mag, -mag, odd);
  }
  return mag;
}

// C's fmod, exact for every finite a and b ≠ 0: binary long division that
// subtracts |b|·2^i for i from high to low. Each subtraction is exact
// (Sterbenz: t ≤ r < 2t), so 1 mod 0.1 is 0.099999986 and 1e30 mod 3.7 is
// right, where a - b·trunc(a/b) gives 0 and garbage.
fn fmod_f(a: f32, b: f32) -> f32 {
  let y = abs(b);
  var r = abs(a);
  if (r < y) { return a; }
  for (var i = frexp(r).exp - frexp(y).exp; i >= 0; i--) {
    let t = ldexp(y, i);
    if (r >= t) { r = r - t; }
  }
  return select(r, -r, a < 0.0);
}

// Python's remainder: the result takes the divisor's sign.
fn mod_f(a: f32, b: f32) -> f32 {
  if (b == 0.0 || is_nan(a) || is_nan(b) || is_inf(a)) { return nan_f32(); }
  if (is_inf(b)) {
    if (a == 0.0 || (a < 0.0) == (b < 0.0)) { return a; }
    return b;
  }
  var r = fmod_f(a, b);
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
