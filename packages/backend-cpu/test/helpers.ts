import { broadcastStrides } from '@tensile/core';
import type { BinaryOp, Backend, DataArray, DType, Handle, StridedInput } from '@tensile/core';
import { expect } from 'vitest';
import { cpu } from '@tensile/backend-cpu';

/** A small seeded generator (mulberry32) so failures reproduce. */
export function makeRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const backend: Backend = cpu();

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Random values in [-2, 2) (integers in [-5, 5] for int32, 0/1 for bool). */
export function randomArray(rng: () => number, dtype: DType, size: number): DataArray {
  const values = Array.from({ length: size }, () => {
    if (dtype === 'int32') return Math.floor(rng() * 11) - 5;
    if (dtype === 'bool') return rng() < 0.5 ? 1 : 0;
    return rng() * 4 - 2;
  });
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
  }
}

export function up(data: DataArray, dtype: DType): Handle {
  return backend.upload(data, dtype);
}

/** Reads a handle back and frees it. */
export function down(h: Handle, dtype: DType, size: number): DataArray {
  const out = backend.readSync!(h, dtype, size);
  backend.free(h);
  return out;
}

/** Elementwise comparison with a relative + absolute tolerance; NaN must match NaN. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) expect.fail(`index ${i}: expected NaN, got ${a}`);
      continue;
    }
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) expect.fail(`index ${i}: expected ${e}, got ${a}`);
  }
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s: number[] = [];
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** The multi-index of flat position i in shape. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx: number[] = new Array(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** A dense input of `shape` read as if broadcast to `outShape` (core's layout, uncollapsed). */
export function broadcastInput(handle: Handle, shape: readonly number[], outShape: readonly number[]): StridedInput {
  return { handle, strides: broadcastStrides(shape, outShape), offset: 0 };
}

/** backend.binary on dense inputs broadcast to outShape, as core lays them out (without collapsing). */
export function binaryBroadcast(
  op: BinaryOp,
  a: Handle,
  aShape: readonly number[],
  b: Handle,
  bShape: readonly number[],
  outShape: readonly number[],
  dtype: DType,
): Handle {
  return backend.binary(op, broadcastInput(a, aShape, outShape), broadcastInput(b, bShape, outShape), outShape, dtype);
}

/** backend.where on dense inputs broadcast to outShape. */
export function whereBroadcast(
  cond: Handle,
  cShape: readonly number[],
  a: Handle,
  aShape: readonly number[],
  b: Handle,
  bShape: readonly number[],
  outShape: readonly number[],
  dtype: DType,
): Handle {
  return backend.where(
    broadcastInput(cond, cShape, outShape),
    broadcastInput(a, aShape, outShape),
    broadcastInput(b, bShape, outShape),
    outShape,
    dtype,
  );
}
