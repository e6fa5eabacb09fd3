/**
 * Test helper: the webgpu backend in Node through the `webgpu` package
 * (Dawn). On machines without a GPU it runs on SwiftShader, Chromium's
 * software Vulkan driver, selected through VK_ICD_FILENAMES before Dawn
 * starts. Tests skip only when no adapter at all is found, with a named reason.
 */
import { existsSync } from 'node:fs';
import { broadcastStrides } from '@tensile/core';
import type { Backend, BinaryOp, DataArray, DType, Handle, StridedInput } from '@tensile/core';
import { webgpu } from '@tensile/backend-webgpu';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface Skip {
  kind: 'no-webgpu-adapter';
  reason: string;
}

export type GpuSetup = { backend: Backend; skip: null } | { backend: null; skip: Skip };

// Dawn crashes when its GPU object is collected while devices live: keep it for the process lifetime.
let gpuRef: GPU | null = null;

export async function createTestBackend(): Promise<GpuSetup> {
  // Use SwiftShader unless a driver was chosen explicitly (a lent GPU machine sets TENSILE_WEBGPU_SYSTEM_ICD=1).
  if (!process.env.VK_ICD_FILENAMES && !process.env.TENSILE_WEBGPU_SYSTEM_ICD && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  gpuRef ??= create([]);
  const adapter = await gpuRef.requestAdapter();
  if (!adapter) {
    const skip: Skip = {
      kind: 'no-webgpu-adapter',
      reason: `no WebGPU adapter found (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})`,
    };
    console.warn(`[backend-webgpu tests] SKIPPED: ${skip.kind}: ${skip.reason}`);
    return { backend: null, skip };
  }
  return { backend: await webgpu({ adapter }), skip: null };
}

/** The process-wide GPU object of the tests (null before createTestBackend). */
export function testGpu(): GPU | null {
  return gpuRef;
}

/** Uploads a JS array as `dtype`. */
export function up(b: Backend, values: ArrayLike<number>, dtype: DType = 'float32'): Handle {
  const data = dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
  return b.upload(data, dtype);
}

/** Reads a handle and frees it. */
export async function down(b: Backend, x: Handle, dtype: DType, size: number): Promise<number[]> {
  const data: DataArray = await b.read(x, dtype, size);
  b.free(x);
  return Array.from(data);
}

/** Expects each value within atol + rtol·|expected|; NaN must match NaN, ±Inf must match exactly. */
export function close(actual: readonly number[], expected: readonly number[], rtol: number, atol: number, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) throw new Error(`${what}: element ${i} is ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Float32 rounding of a float64 reference value. */
export const f32 = Math.fround;

/** A deterministic pseudo-random generator for test data (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randoms(n: number, seed: number, lo = -1, hi = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => f32(lo + (hi - lo) * r()));
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
