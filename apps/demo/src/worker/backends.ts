import type { Backend } from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { wasm } from '@tensile/backend-wasm';
import { webgpu } from '@tensile/backend-webgpu';
import type { BackendInfo, BackendName } from '../protocol.js';

/** Threads the wasm backend may use: the cores, at most 8 (small matmuls gain nothing past that). */
const MAX_WASM_THREADS = 8;

/**
 * Finds out which backends this browser can run, and why not where it
 * cannot. Runs inside the training worker: that is where the backends live,
 * and where wasm threads may block (a page's main thread may not).
 */
export async function detectBackends(): Promise<BackendInfo[]> {
  return [{ name: 'cpu', available: true, detail: 'TypeScript kernels on typed arrays, one thread' }, detectWasm(), await detectWebGpu()];
}

function detectWasm(): BackendInfo {
  if (typeof WebAssembly !== 'object') {
    return { name: 'wasm', available: false, detail: 'WebAssembly is missing in this browser' };
  }
  // The kernels use 128-bit SIMD: validate the smallest module that does (i32x4.splat of 0, dropped).
  const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);
  if (!WebAssembly.validate(simd)) {
    return { name: 'wasm', available: false, detail: 'this browser has no WebAssembly SIMD (the kernels need it)' };
  }
  return { name: 'wasm', available: true, detail: wasmThreadsNote() };
}

function wasmThreadsNote(): string {
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined') {
    return 'SIMD, one thread (threads need a cross-origin-isolated page: COOP/COEP headers)';
  }
  return `SIMD, up to ${wasmThreads()} threads (cross-origin isolated)`;
}

function wasmThreads(): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(cores, MAX_WASM_THREADS));
}

/** Set by detection: the webgpu adapter is a software fallback. */
let softwareWebGpu = false;

async function detectWebGpu(): Promise<BackendInfo> {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (!gpu) {
    const why = globalThis.isSecureContext
      ? 'this browser has no WebGPU, or it is turned off'
      : 'the page is not a secure context (https or localhost)';
    return { name: 'webgpu', available: false, detail: `navigator.gpu is missing (${why})` };
  }
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { name: 'webgpu', available: false, detail: 'no GPU adapter (requestAdapter returned null)' };
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const name = [info?.vendor, info?.architecture, info?.description].filter((s) => s).join(' ') || 'unnamed adapter';
    if (isSoftwareAdapter(name, info?.isFallbackAdapter)) {
      softwareWebGpu = true;
      return {
        name: 'webgpu',
        available: true,
        software: true,
        detail: `software fallback (${name}): the GPU is emulated on the CPU, far slower than wasm; for trying it out, not for speed`,
      };
    }
    return { name: 'webgpu', available: true, detail: `GPU: ${name}` };
  } catch (error) {
    return { name: 'webgpu', available: false, detail: `requestAdapter failed: ${String(error)}` };
  }
}

/**
 * Whether an adapter is a CPU emulation of a GPU: the browser says so
 * (isFallbackAdapter), or its name is one of the known software rasterisers
 * (Chromium's SwiftShader, Mesa's llvmpipe/lavapipe, Windows' WARP).
 */
export function isSoftwareAdapter(name: string, fallback?: boolean): boolean {
  return fallback === true || /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i.test(name);
}

/** Backends made so far, kept so that switching back does not recreate a GPU device or thread pool. */
const made = new Map<BackendName, Promise<Backend>>();

/** Creates (once) the named backend; returns it with a line saying how it runs. */
export async function createBackend(name: BackendName): Promise<{ backend: Backend; detail: string }> {
  let pending = made.get(name);
  if (!pending) {
    pending = makeBackend(name);
    made.set(name, pending);
    pending.catch(() => made.delete(name)); // let a later attempt retry
  }
  const backend = await pending;
  return { backend, detail: describe(name, backend) };
}

function makeBackend(name: BackendName): Promise<Backend> {
  switch (name) {
    case 'cpu':
      return Promise.resolve(cpu());
    case 'wasm':
      return wasm({ threads: wasmThreads() });
    case 'webgpu':
      return webgpu();
  }
}

function describe(name: BackendName, backend: Backend): string {
  if (name === 'wasm') {
    const threads = (backend as Backend & { threads?: number }).threads ?? 1;
    const why = globalThis.crossOriginIsolated ? 'one core' : 'not cross-origin isolated';
    return threads > 1 ? `wasm: SIMD on ${threads} threads` : `wasm: SIMD on one thread (${why})`;
  }
  if (name === 'webgpu')
    return softwareWebGpu
      ? 'webgpu: WGSL compute shaders on a software fallback adapter (the CPU emulates the GPU: slow)'
      : 'webgpu: WGSL compute shaders';
  return 'cpu: TypeScript kernels';
}
