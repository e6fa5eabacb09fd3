import { broadcastStrides } from '@tensile/core';
import type { Backend, BinaryOp, Conv2dGeometry, DataArray, DType, Handle, StridedInput } from '@tensile/core';
import { afterAll, beforeAll } from 'vitest';
import { wasm } from '@tensile/backend-wasm';

/** One single-threaded and one 2-thread backend, shared by a test file. */
export const setups: { name: string; backend: Backend }[] = [];

export function useBackends(): void {
  beforeAll(async () => {
    setups.length = 0;
    setups.push({ name: '1 thread', backend: await wasm({ threads: 1 }) });
    setups.push({ name: '2 threads', backend: await wasm({ threads: 2 }) });
  });
  afterAll(async () => {
    for (const s of setups) await s.backend.dispose?.();
  });
}

export const ARRAY: Record<DType, new (xs: ArrayLike<number>) => DataArray> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

export function up(b: Backend, xs: ArrayLike<number>, dtype: DType): Handle {
  return b.upload(new ARRAY[dtype](xs), dtype);
}

export function down(b: Backend, h: Handle, dtype: DType, size: number): number[] {
  const out = Array.from(b.readSync!(h, dtype, size));
  b.free(h);
  return out;
}

/** Deterministic pseudo-random floats in [-1, 1). */
export function randoms(n: number, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out.push(((s >>> 0) / 2 ** 32) * 2 - 1);
  }
  return out;
}

/** Elementwise closeness with NaN == NaN and exact infinities. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  if (got.length !== want.length) throw new Error(`length ${got.length} != ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!Number.isFinite(w) && g === w) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) {
      throw new Error(`index ${i}: got ${g}, want ${w} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** A conv geometry with a square k×k kernel and the same stride, padding and dilation on both axes. */
export function geometry(n: number, c: number, h: number, w: number, k: number, stride: number, pad: number, dil: number): Conv2dGeometry {
  const outH = Math.floor((h + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
  const outW = Math.floor((w + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
  return {
    n,
    c,
    h,
    w,
    kh: k,
    kw: k,
    strideH: stride,
    strideW: stride,
    padTop: pad,
    padLeft: pad,
    dilationH: dil,
    dilationW: dil,
    outH,
    outW,
  };
}

/** A dense input of `shape` read as if broadcast to `outShape` (core's layout, uncollapsed). */
export function broadcastInput(handle: Handle, shape: readonly number[], outShape: readonly number[]): StridedInput {
  return { handle, strides: broadcastStrides(shape, outShape), offset: 0 };
}

/** b.binary on dense inputs broadcast to outShape, as core lays them out (without collapsing). */
export function binaryBroadcast(
  b: Backend,
  op: BinaryOp,
  x: Handle,
  xShape: readonly number[],
  y: Handle,
  yShape: readonly number[],
  outShape: readonly number[],
  dtype: DType,
): Handle {
  return b.binary(op, broadcastInput(x, xShape, outShape), broadcastInput(y, yShape, outShape), outShape, dtype);
}

/** b.where on dense inputs broadcast to outShape. */
export function whereBroadcast(
  b: Backend,
  cond: Handle,
  cShape: readonly number[],
  x: Handle,
  xShape: readonly number[],
  y: Handle,
  yShape: readonly number[],
  outShape: readonly number[],
  dtype: DType,
): Handle {
  return b.where(
    broadcastInput(cond, cShape, outShape),
    broadcastInput(x, xShape, outShape),
    broadcastInput(y, yShape, outShape),
    outShape,
    dtype,
  );
}
