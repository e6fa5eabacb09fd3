import { Worker } from 'node:worker_threads';
import { Heap } from '../src/heap.js';
import { compileKernels, kernelImports, type KernelExports } from '../src/module.js';
import { ThreadPool, CTRL, type PoolOptions } from '../src/pool.js';

/** A thread pool over the threaded kernels, outside any backend, for protocol tests. */
export async function rawPool(workers: number, options: PoolOptions = {}) {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  const module = await compileKernels(true, false);
  const exports = (await WebAssembly.instantiate(module, kernelImports(memory))).exports as unknown as KernelExports;
  const heap = new Heap(memory, exports.__heap_base.value as number);
  const pool = await ThreadPool.create(module, memory, exports, heap, workers, options);
  return { memory, heap, exports, pool };
}

/**
 * A thread that calls Atomics.notify on the pool's generation and wake words
 * as fast as it can — every wake-up a worker or the main thread gets from it
 * is one no job asked for. `stop()` ends it and resolves with its notify count.
 */
export function hostileNotifier(memory: WebAssembly.Memory, pool: ThreadPool): { stop(): Promise<number> } {
  const ctrl = pool.control;
  const stopFlag = new Int32Array(new SharedArrayBuffer(8));
  const w = new Worker(
    `const { parentPort, workerData: d } = require('node:worker_threads');
     const ctrl = new Int32Array(d.memory.buffer, d.ptr, d.words);
     const stop = d.stop;
     let n = 0;
     while (Atomics.load(stop, 0) === 0) {
       n += Atomics.notify(ctrl, ${CTRL.GEN});
       n += Atomics.notify(ctrl, ${CTRL.WAKE});
       Atomics.add(stop, 1, 1);
     }
     parentPort.postMessage(n);`,
    { eval: true, workerData: { memory, ptr: ctrl.byteOffset, words: ctrl.length, stop: stopFlag } },
  );
  const done = new Promise<number>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  return {
    async stop() {
      Atomics.store(stopFlag, 0, 1);
      const n = await done;
      await w.terminate();
      return n;
    },
  };
}
