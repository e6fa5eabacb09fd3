import { BackendError } from '@tensile/core';
import { wasm } from '@tensile/backend-wasm';
import { describe, expect, test } from 'vitest';
import { wasmRuntime } from '../src/backend.js';
import { writeStruct } from '../src/kernel-args.js';
import { compileKernels } from '../src/module.js';
import { CTRL, ThreadPool } from '../src/pool.js';
import { hostileNotifier, rawPool } from './pool-helpers.js';

const U_NEG = 0;
const F32 = 0;

/** Writes task_unary's args for `neg` of n float32 at x into out; returns the args pointer. */
function negArgs(heap: { i32: Int32Array; alloc(b: number): { ptr: number } }, x: number, out: number, n: number): number {
  const args = heap.alloc(64).ptr;
  writeStruct(heap.i32, args, 'UnaryArgs', { op: U_NEG, dtype: F32, x, out, n, outElsize: 4 });
  return args;
}

describe('thread pool protocol', () => {
  test('stray notifies on the generation and wake words never make a worker run a job twice or skip one', async () => {
    for (const workers of [1, 3]) {
      const { memory, heap, pool } = await rawPool(workers);
      const n = 4096;
      const x = heap.alloc(n * 4).ptr;
      const out = heap.alloc(n * 4).ptr;
      const args = negArgs(heap, x, out, n);
      const hostile = hostileNotifier(memory, pool);
      const jobs = 3000;
      for (let j = 0; j < jobs; j++) {
        heap.f32.fill(j, x / 4, x / 4 + n);
        heap.f32.fill(NaN, out / 4, out / 4 + n);
        // Alternate full and partial thread counts: idle workers must report too.
        expect(pool.run('task_unary', args, j % 2 ? workers + 1 : 2)).toBe(j % 2 ? workers + 1 : 2);
        const o = heap.f32.subarray(out / 4, out / 4 + n);
        if (!o.every((v) => v === -j)) throw new Error(`job ${j}: output not -${j} everywhere`);
      }
      const notifies = await hostile.stop();
      const c = pool.control;
      const s = pool.slotIndex;
      for (let w = 0; w < workers; w++) {
        // Each worker ran every job exactly once and finished the last one.
        expect(Atomics.load(c, s.runs + w)).toBe(jobs);
        expect(Atomics.load(c, s.done + w)).toBe(Atomics.load(c, CTRL.GEN));
      }
      expect(notifies).toBeGreaterThan(0);
      pool.dispose();
    }
  });

  test('a stuck worker gives a BackendError naming the kernel and the pool state, then one thread carries on', async () => {
    const { heap, pool } = await rawPool(2, { stallTimeoutMs: 300 });
    const n = 1024;
    const x = heap.alloc(n * 4).ptr;
    const out = heap.alloc(n * 4).ptr;
    heap.f32.fill(2, x / 4, x / 4 + n);
    const args = negArgs(heap, x, out, n);
    pool.hold([2]);
    let caught: unknown;
    try {
      pool.run('task_unary', args, 3);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BackendError);
    const msg = (caught as Error).message;
    expect(msg).toMatch(/thread pool stalled in task_unary: 1 of 2 workers made no progress for \d+ ms/);
    expect(msg).toMatch(/control words \[gen,task,args,nt,wake,shutdown,error,hold\] = \[1,8,\d+,3,1,0,0,4\]/);
    expect(msg).toMatch(/#1 started 1 done 1 runs 1; #2 started 0 done 0 runs 0/);
    expect(pool.failed).toBe(msg);
    // Refuses threaded work from now on: the task runs whole on this thread.
    expect(pool.size).toBe(1);
    heap.f32.fill(0, out / 4, out / 4 + n);
    expect(pool.run('task_unary', args, 3)).toBe(1);
    expect(Array.from(heap.f32.subarray(out / 4, out / 4 + n)).every((v) => v === -2)).toBe(true);
    pool.dispose();
  });

  test('a worker that writes into its stack guard is caught after the job', async () => {
    const { heap, pool } = await rawPool(1);
    const x = heap.alloc(64).ptr;
    const args = negArgs(heap, x, x, 16);
    pool.run('task_unary', args, 2);
    // Stand in for an overflow: the guard is the lowest 4 KiB of worker 1's stack.
    const guardTop = (pool.blocks[1]!.ptr + 4096) / 4 - 1;
    heap.i32[guardTop] = 0;
    expect(() => pool.run('task_unary', args, 2)).toThrow(/worker thread 1 overflowed its 262144 byte stack in task_unary/);
    expect(pool.size).toBe(1);
    pool.dispose();
  });

  test('the control block lies above the worker stacks, not below one', async () => {
    const { pool } = await rawPool(2);
    const [ctrl, ...stacks] = pool.blocks;
    for (const s of stacks) expect(ctrl!.ptr).toBeGreaterThanOrEqual(s.ptr + s.cls);
    pool.dispose();
  });
});

describe('wasm backend on a failed pool', () => {
  test('kernels keep working on one thread after a stall', async () => {
    const b = await wasm({ threads: 2, stallTimeoutMs: 200 });
    const pool = wasmRuntime(b).pool!;
    const n = 1 << 20;
    const x = b.upload(new Float32Array(n).fill(3), 'float32');
    pool.hold([1]);
    expect(() => b.unary('neg', x, 'float32', n)).toThrow(/wasm backend: thread pool stalled in task_unary/);
    expect(b.threads).toBe(1);
    const y = b.unary('neg', x, 'float32', n);
    expect(Array.from(b.readSync!(y, 'float32', n) as Float32Array).every((v) => v === -3)).toBe(true);
    const p = { batch: 1, m: 128, k: 128, n: 128, transA: false, transB: false, aBatched: true, bBatched: true };
    const ones = b.fill(128 * 128, 1, 'float32');
    const mm = b.matmul(ones, ones, 'float32', p);
    expect((b.readSync!(mm, 'float32', 4) as Float32Array)[0]).toBe(128);
    await b.dispose!();
  });

  test('rejects a bad stallTimeoutMs', async () => {
    await expect(wasm({ threads: 2, stallTimeoutMs: -1 })).rejects.toThrow(/option 'stallTimeoutMs' must be a positive number/);
  });
});

describe('workers that cannot start', () => {
  test('the backend falls back to one thread with a warning, and the heap keeps nothing of the attempt', async () => {
    const { memory, heap, exports, pool } = await rawPool(1);
    pool.dispose();
    const module = await compileKernels(true, false);
    const before = { blocks: heap.liveBlocks, bytes: heap.liveBytes };
    const made = await ThreadPool.createOrFallback(module, memory, exports, heap, 2, {
      workerSource: "throw new Error('refused by policy')",
    });
    expect(made.pool).toBeUndefined();
    expect(made.warning).toMatch(/^wasm backend: worker threads failed to start \(worker \d: refused by policy\); running on one thread$/);
    expect({ blocks: heap.liveBlocks, bytes: heap.liveBytes }).toEqual(before);
  });
});
