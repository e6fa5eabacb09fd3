/**
 * @tensile/backend-wasm: Tensile's WebAssembly backend. Kernels are C
 * compiled to wasm with 128-bit SIMD (csrc/), embedded in the package, and
 * run on a pool of worker threads sharing one memory where the engine allows.
 */
import { ArgumentError, BackendError } from '@tensile/core';
import { createWasmBackend, type WasmBackendInstance } from './backend.js';
import { Heap } from './heap.js';
import { compileKernels, kernelImports, relaxedSimdSupported, type KernelExports } from './module.js';
import { ThreadPool, availableCores, canBlock } from './pool.js';

export interface WasmOptions {
  /**
   * Threads the kernels may use, the calling thread included. Default: the
   * cores available. Threads need SharedArrayBuffer (in browsers, a
   * cross-origin-isolated page) and a thread allowed to block (Node's main
   * thread, or a Web Worker); elsewhere the backend runs on one thread, with
   * the same results.
   */
  threads?: number;
  /** Initial heap size in MiB (it grows as needed). Default 16. */
  initialMemoryMiB?: number;
  /**
   * Use the build with relaxed SIMD (fused multiply-add in matmul and
   * convolutions; results differ from the plain build in the last bits).
   * Default: when the engine supports it. `false` forces the plain SIMD build;
   * `true` throws where the engine lacks relaxed SIMD.
   */
  relaxedSimd?: boolean;
  /**
   * Milliseconds the worker threads may go without finishing their share of
   * a kernel before it fails with a BackendError naming the kernel and the
   * pool's state (the bound grows by four times the calling thread's own
   * share). After that the backend keeps working on one thread. Default 5000.
   */
  stallTimeoutMs?: number;
}

export type { WasmBackendInstance };

/**
 * Creates the wasm backend.
 *
 * @example
 * ```ts
 * import * as t from '@tensile/core';
 * import { wasm } from '@tensile/backend-wasm';
 * await t.setBackend(wasm({ threads: 2 }));
 * ```
 */
export async function wasm(options: WasmOptions = {}): Promise<WasmBackendInstance> {
  const requested = options.threads ?? (await availableCores());
  if (!Number.isInteger(requested) || requested < 1) {
    throw new ArgumentError(`wasm backend: option 'threads' must be a positive integer, got ${String(options.threads)}`);
  }
  if (options.relaxedSimd !== undefined && typeof options.relaxedSimd !== 'boolean') {
    throw new ArgumentError(`wasm backend: option 'relaxedSimd' must be a boolean, got ${String(options.relaxedSimd)}`);
  }
  const stall = options.stallTimeoutMs;
  if (stall !== undefined && !(typeof stall === 'number' && stall > 0)) {
    throw new ArgumentError(`wasm backend: option 'stallTimeoutMs' must be a positive number, got ${String(stall)}`);
  }
  const supported = relaxedSimdSupported();
  if (options.relaxedSimd === true && !supported) {
    throw new BackendError(
      "wasm backend: option 'relaxedSimd: true' but this engine lacks relaxed SIMD " +
        '(Node 20 needs --experimental-wasm-relaxed-simd); omit the option to fall back to plain SIMD',
    );
  }
  const relaxed = options.relaxedSimd ?? supported;
  const threaded = requested > 1 && canBlock();
  const initialPages = Math.max(1, Math.ceil(((options.initialMemoryMiB ?? 16) * 1024 * 1024) / 65536));
  const memory = threaded
    ? new WebAssembly.Memory({ initial: initialPages, maximum: 65536, shared: true })
    : new WebAssembly.Memory({ initial: initialPages });
  const module = await compileKernels(threaded, relaxed);
  const instance = await WebAssembly.instantiate(module, kernelImports(memory));
  const exports = instance.exports as unknown as KernelExports;
  const heap = new Heap(memory, exports.__heap_base.value as number);
  let pool: ThreadPool | undefined;
  if (threaded) {
    const made = await ThreadPool.createOrFallback(module, memory, exports, heap, requested - 1, { stallTimeoutMs: stall });
    if (made.warning) console.warn(made.warning);
    pool = made.pool;
  }
  return createWasmBackend(exports, heap, pool, relaxed);
}

// createWasmBackend stays internal: it takes WebAssembly objects, and naming
// them in the public .d.ts would make every consumer type-check against the
// DOM lib (Node's @types/node has no `WebAssembly`).
export { relaxedSimdSupported };
export { registerWasm } from './register.js';
