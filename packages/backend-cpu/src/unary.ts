import { DTypeError } from '@tensile/core';
import type { DataArray, DType, FusedUnaryOp, RequiredUnaryOp, UnaryOp, UnaryOpOf } from '@tensile/core';
import { allocArray, allocLike } from './arrays.js';
import { erf } from './erf.js';

/** Round half to even, as PyTorch and NumPy do (Math.round rounds half up). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Each op is its own loop over the whole array, so the body inlines and
 * nothing is dispatched per element. `out` has x's length.
 */
type Loop = (x: DataArray, out: DataArray) => void;

/** Every required op but `not` has a float loop (a table op without one does not compile); the composable ones are fused. */
const floatLoops: { [K in Exclude<RequiredUnaryOp, 'not'>]: Loop } & { [K in FusedUnaryOp]?: Loop } = {
  neg(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = -x[i];
  },
  abs(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]);
  },
  sign(x, out) {
    // PyTorch: sign(NaN) = 0 and sign(-0) = 0 (Math.sign gives NaN and -0).
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = v > 0 ? 1 : v < 0 ? -1 : 0;
    }
  },
  square(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i] * x[i];
  },
  exp(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
  },
  log(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
  },
  log1p(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.log1p(x[i]);
  },
  expm1(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.expm1(x[i]);
  },
  sqrt(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
  },
  rsqrt(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = 1 / Math.sqrt(x[i]);
  },
  reciprocal(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = 1 / x[i];
  },
  sin(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.sin(x[i]);
  },
  cos(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.cos(x[i]);
  },
  tanh(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
  },
  sigmoid(x, out) {
    // exp(-v) overflows to Infinity for very negative v, giving exactly 0.
    for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
  },
  erf(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = erf(x[i]);
  },
  relu(x, out) {
    // NaN < 0 is false, so NaN passes through.
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = v < 0 ? 0 : v;
    }
  },
  floor(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.floor(x[i]);
  },
  ceil(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.ceil(x[i]);
  },
  round(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = roundHalfEven(x[i]);
  },
  isnan(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i] !== x[i] ? 1 : 0;
  },
  isinf(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i] === Infinity || x[i] === -Infinity ? 1 : 0;
  },
};

const copy: Loop = (x, out) => out.set(x);

/** int32: the numeric ops, wrapping like C (abs(-2³¹) stays -2³¹). */
const intLoops: { [K in UnaryOpOf<'numeric' | 'predicate'> & RequiredUnaryOp]: Loop } & { [K in FusedUnaryOp]?: Loop } = {
  neg(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = -x[i] | 0;
  },
  abs(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]) | 0;
  },
  sign: floatLoops.sign,
  square(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.imul(x[i], x[i]);
  },
  relu: floatLoops.relu,
  floor: copy,
  ceil: copy,
  round: copy,
  isnan(_x, out) {
    out.fill(0);
  },
  isinf(_x, out) {
    out.fill(0);
  },
};

const boolLoops: { [K in UnaryOpOf<'bool'> & RequiredUnaryOp]: Loop } = {
  not(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i] === 0 ? 1 : 0;
  },
};

/** The dtype a unary op produces from input of `dtype`. */
export function unaryResultDType(op: UnaryOp, dtype: DType): DType {
  return op === 'isnan' || op === 'isinf' || op === 'not' ? 'bool' : dtype;
}

/** Elementwise op(x); throws for an op the dtype does not support. */
export function unary(op: UnaryOp, x: DataArray, dtype: DType): DataArray {
  const table: Partial<Record<UnaryOp, Loop>> = dtype === 'int32' ? intLoops : dtype === 'bool' ? boolLoops : floatLoops;
  const loop = table[op];
  if (loop === undefined) {
    throw new DTypeError(`cpu backend: unary '${op}' is not defined for dtype ${dtype}`);
  }
  const outDType = unaryResultDType(op, dtype);
  const out = outDType === dtype ? allocLike(x, x.length) : allocArray(outDType, x.length);
  loop(x, out);
  return out;
}

/**
 * min(max(x, lo), hi), as PyTorch: when lo > hi every entry becomes hi. NaN
 * compares false both ways and stays NaN.
 */
export function clamp(x: DataArray, lo: number, hi: number): DataArray {
  const out = allocLike(x, x.length);
  if (x instanceof Int32Array) {
    // Integer bounds, as the other backends: clamp(x, 0.5, 2.5) keeps 1..2.
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
  }
  for (let i = 0; i < x.length; i++) {
    const v = x[i] < lo ? lo : x[i];
    out[i] = v > hi ? hi : v;
  }
  return out;
}

/**
 * a + alpha·b (add's and sub's alpha) over float arrays of one length. float32
 * rounds the product to float32 first, as the composition's mul kernel does;
 * the float64 sum of two float32 values then rounds to the float32 sum.
 */
export function addScaled(a: DataArray, b: DataArray, alpha: number): DataArray {
  const out = allocLike(a, a.length);
  if (a instanceof Float32Array) {
    const s = Math.fround(alpha);
    for (let i = 0; i < a.length; i++) out[i] = a[i] + Math.fround(s * b[i]);
  } else {
    for (let i = 0; i < a.length; i++) out[i] = a[i] + alpha * b[i];
  }
  return out;
}
