import { BackendError } from '@tensile/core';
import { mathImports } from './op-codes.js';

/**
 * The C kernels' exports (see csrc/); pointers are byte offsets into memory.
 * Kernels that return a number return a status (KERNEL_STATUS).
 */
export interface KernelExports {
  __heap_base: WebAssembly.Global;
  __stack_pointer: WebAssembly.Global;
  unary(op: number, dtype: number, x: number, out: number, n: number): number;
  binary(op: number, dtype: number, a: number, b: number, out: number, desc: number, row0: number, row1: number): number;
  where(cond: number, a: number, b: number, out: number, elsize: number, desc: number, row0: number, row1: number): number;
  clamp(dtype: number, x: number, out: number, n: number, lo: number, hi: number): number;
  add_scaled(dtype: number, a: number, b: number, out: number, n: number, alpha: number): number;
  cast(from: number, to: number, x: number, out: number, n: number): number;
  reduce(op: number, dtype: number, x: number, out: number, outer: number, size: number, inner: number): number;
  scan(op: number, dtype: number, x: number, out: number, outer: number, size: number, inner: number): number;
  /** scratch: 2 * size int32s. */
  sort(
    dtype: number,
    x: number,
    values: number,
    indices: number,
    outer: number,
    size: number,
    inner: number,
    desc: number,
    scratch: number,
  ): number;
  strided(x: number, out: number, elsize: number, desc: number, row0: number, row1: number): number;
  concat(xs: number, widths: number, count: number, outer: number, elsize: number, out: number): void;
  pad(x: number, out: number, elsize: number, desc: number, value: number): number;
  gather(x: number, out: number, elsize: number, outer: number, n: number, inner: number, idx: number, m: number): void;
  scatter_add(dtype: number, src: number, out: number, outer: number, m: number, inner: number, idx: number, n: number): number;
  scatter_reduce(
    op: number,
    dtype: number,
    x: number,
    src: number,
    idx: number,
    out: number,
    outer: number,
    n: number,
    m: number,
    inner: number,
    includeSelf: number,
  ): number;
  add_into(dtype: number, dst: number, src: number, n: number): number;
  sgemm_workspace(n: number, k: number): number;
  conv_workspace(dtype: number, geo: number, outChannels: number, groups: number): number;
  [task: `task_${string}`]: (args: number, tid: number, nthreads: number) => number;
}

/** The status codes of csrc/common.h (K_*): 0 is success. */
export const K_OK = 0;
export const K_UNSUPPORTED = 1;

/** What a kernel's nonzero status means (csrc/common.h, K_*). */
export const KERNEL_STATUS: Record<number, string> = {
  1: 'the op does not take this dtype',
  2: 'unknown op code',
  3: 'unknown dtype code',
};

/** "unknown op code" etc. for a status, or the number itself when it is none of ours. */
export function statusText(status: number): string {
  return KERNEL_STATUS[status] ?? `status ${status}`;
}

/** The multi-threaded entry points, by index, as workers are told to run them. */
export const TASKS = [
  'task_matmul',
  'task_softmax',
  'task_im2col',
  'task_col2im',
  'task_conv2d',
  'task_conv2d_bwd_input',
  'task_conv2d_bwd_filter',
  'task_binary',
  'task_unary',
] as const;
export type TaskName = (typeof TASKS)[number];

/**
 * Where each build lives, next to this module (src/generated in the
 * repository, dist/generated in the package). Each is a literal
 * `new URL(…, import.meta.url)` so that bundlers (Vite, webpack, Parcel)
 * see the asset, emit it, and rewrite the URL; only the build that runs is
 * ever read.
 */
function moduleUrl(threads: boolean, relaxed: boolean): URL {
  if (threads) {
    return relaxed ? new URL('./generated/threads-relaxed.wasm', import.meta.url) : new URL('./generated/threads.wasm', import.meta.url);
  }
  return relaxed ? new URL('./generated/single-relaxed.wasm', import.meta.url) : new URL('./generated/single.wasm', import.meta.url);
}

/** The bytes at a URL: read from disk for file: URLs (Node, no bundler), fetched otherwise. */
async function loadBytes(url: URL): Promise<ArrayBuffer | Uint8Array> {
  if (url.protocol === 'file:') {
    // A computed specifier keeps browser bundlers from trying to resolve it.
    const name = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ name)) as { readFile(u: URL): Promise<Uint8Array> };
    return fs.readFile(url);
  }
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new BackendError(`wasm backend: could not fetch the kernels from ${url.href}: ${String(e)}`);
  }
  if (!res.ok) throw new BackendError(`wasm backend: could not fetch the kernels from ${url.href}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** Loads and compiles one of the four builds: shared memory or not, relaxed SIMD or not. */
export async function compileKernels(threads: boolean, relaxed: boolean): Promise<WebAssembly.Module> {
  const bytes = await loadBytes(moduleUrl(threads, relaxed));
  return WebAssembly.compile(bytes as BufferSource);
}

// (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)
// prettier-ignore
const RELAXED_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x01,
  0x08,
  0x01,
  0x60,
  0x03,
  0x7b,
  0x7b,
  0x7b,
  0x01,
  0x7b, // type section
  0x03,
  0x02,
  0x01,
  0x00, // function section
  0x0a,
  0x0d,
  0x01,
  0x0b,
  0x00,
  0x20,
  0x00,
  0x20,
  0x01,
  0x20,
  0x02,
  0xfd,
  0x85,
  0x02,
  0x0b, // code section
]);

/**
 * Whether this engine accepts relaxed SIMD (probed with one
 * f32x4.relaxed_madd). Chromium has it; Node 20 only with
 * `--experimental-wasm-relaxed-simd`.
 */
export function relaxedSimdSupported(): boolean {
  return WebAssembly.validate(RELAXED_PROBE);
}

/** The JS functions the kernels import (one list, src/op-codes.ts, which the worker and the C header share). */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory, ...mathImports() } };
}
