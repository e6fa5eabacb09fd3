/**
 * Float64 reference implementations the suite compares kernels against:
 * plain loops, written for clarity, independent of every backend.
 */

import { UNARY_OPS } from '@tensile/core';

export interface Ref {
  shape: number[];
  data: Float64Array;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function stridesOf(shape: readonly number[]): number[] {
  const s: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Visits every multi-index of a shape in row-major order. */
export function forEachIndex(shape: readonly number[], fn: (idx: number[], flat: number) => void): void {
  const n = sizeOf(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    fn(idx, flat);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    return da === 1 ? db : da;
  });
}

/** Reads x at a multi-index of a shape it broadcasts to. */
export function readBroadcast(x: Ref, outShape: readonly number[], idx: readonly number[]): number {
  const lead = outShape.length - x.shape.length;
  const strides = stridesOf(x.shape);
  let flat = 0;
  for (let a = 0; a < x.shape.length; a++) flat += (x.shape[a] === 1 ? 0 : idx[a + lead]) * strides[a];
  return x.data[flat];
}

export function binaryRef(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  const data = new Float64Array(sizeOf(shape));
  forEachIndex(shape, (idx, flat) => {
    data[flat] = f(readBroadcast(a, shape, idx), readBroadcast(b, shape, idx));
  });
  return { shape, data };
}

export function unaryRef(a: Ref, f: (x: number) => number): Ref {
  return { shape: [...a.shape], data: a.data.map(f) };
}

/** Reduces one axis with an accumulator. */
export function reduceRef(a: Ref, axis: number, init: number, f: (acc: number, x: number) => number, keepdims = false): Ref {
  const outer = sizeOf(a.shape.slice(0, axis));
  const n = a.shape[axis];
  const inner = sizeOf(a.shape.slice(axis + 1));
  const data = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = init;
      for (let k = 0; k < n; k++) acc = f(acc, a.data[(o * n + k) * inner + i]);
      data[o * inner + i] = acc;
    }
  }
  const shape = keepdims ? a.shape.map((d, i) => (i === axis ? 1 : d)) : a.shape.filter((_, i) => i !== axis);
  return { shape, data };
}

export function matmulRef(a: Ref, b: Ref): Ref {
  const [m, k] = a.shape;
  const n = b.shape[1];
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.data[i * k + p] * b.data[p * n + j];
      data[i * n + j] = s;
    }
  }
  return { shape: [m, n], data };
}

export function transposeRef(a: Ref): Ref {
  const [m, n] = a.shape;
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) data[j * m + i] = a.data[i * n + j];
  return { shape: [n, m], data };
}

export function permuteRef(a: Ref, perm: readonly number[]): Ref {
  const shape = perm.map((p) => a.shape[p]);
  const inStrides = stridesOf(a.shape);
  const data = new Float64Array(a.data.length);
  forEachIndex(shape, (idx, flat) => {
    let src = 0;
    for (let i = 0; i < perm.length; i++) src += idx[i] * inStrides[perm[i]];
    data[flat] = a.data[src];
  });
  return { shape, data };
}

/** Deterministic pseudo-random values in [lo, hi) for test inputs. */
export function randomRef(shape: readonly number[], seed: number, lo = -1, hi = 1): Ref {
  let s = seed >>> 0 || 1;
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    data[i] = lo + ((s % 1_000_003) / 1_000_003) * (hi - lo);
  }
  return { shape: [...shape], data };
}

/** Values with |x| in [lo, hi] and random sign: kept away from kinks at 0 for finite differences. */
export function awayFromZero(shape: readonly number[], seed: number, lo = 0.2, hi = 1.2): Ref {
  const r = randomRef(shape, seed, -1, 1);
  return { shape: r.shape, data: r.data.map((v) => Math.sign(v || 1) * (lo + Math.abs(v) * (hi - lo))) };
}

/** erf in float64: the unary table's reference (a series/continued fraction the C erf mirrors). */
export const erfRef: (x: number) => number = UNARY_OPS.erf.ref;

/** Round half to even, as PyTorch and the backends do: the unary table's reference. */
export const roundHalfEven: (x: number) => number = UNARY_OPS.round.ref;
