const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/**
 * The error function to double precision (about 1e-16 relative), so float64
 * gradchecks through erf (GELU) see exact values.
 *
 * |x| < 2.5: the series erf(x) = 2/√π · e^(-x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)),
 * whose terms are all positive (no cancellation). Beyond: erfc from its
 * continued fraction, evaluated bottom-up at a fixed depth.
 */
export function erf(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  const x2 = ax * ax;
  let result: number;
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    result = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  } else {
    // erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
    let f = ax;
    for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
    result = 1 - (ONE_OVER_SQRT_PI * Math.exp(-x2)) / f;
  }
  return x < 0 ? -result : result;
}
