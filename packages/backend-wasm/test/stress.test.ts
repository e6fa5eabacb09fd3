import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Backend, DType, Handle, MatmulParams } from '@tensile/core';
import { wasm } from '@tensile/backend-wasm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { wasmRuntime } from '../src/backend.js';
import { hostileNotifier } from './pool-helpers.js';
import { binaryBroadcast, expectClose, geometry, randoms } from './helpers.js';

// Thousands of mixed kernels on 2 and 4 threads while busy processes load
// every core and a hostile thread sends the pool wake-ups no job asked for;
// every result is checked against the 1-thread backend. The earlier protocol
// (a worker ran the posted job whenever Atomics.wait returned) hung within a
// few jobs under such a thread, with the running count at -1 or below.

let hogs: ChildProcess[] = [];
beforeAll(() => {
  const n = 2 * availableParallelism();
  // Each busy loop also ends by itself after two minutes, should this process die before afterAll.
  const busy = 'const end = Date.now() + 120000; while (Date.now() < end) {}';
  hogs = Array.from({ length: n }, () => spawn(process.execPath, ['-e', busy], { stdio: 'ignore' }));
});
afterAll(() => {
  for (const h of hogs) h.kill('SIGKILL');
});

interface Job {
  name: string;
  /** Kernel calls per run. */
  kernels: number;
  /** Runs the job on a backend and returns its outputs' values. */
  run(b: Backend): ArrayLike<number>[];
}

function read(b: Backend, h: Handle, size: number, dtype: DType = 'float32'): ArrayLike<number> {
  const v = b.readSync!(h, dtype, size);
  b.free(h);
  return v;
}

/** A mix of sizes: below the hand-off threshold (one thread), around it, and well above. */
function jobs(): Job[] {
  const list: Job[] = [];
  for (const [m, k, n, batch] of [
    [4, 8, 4, 1],
    [64, 96, 40, 1],
    [33, 70, 129, 1],
    [16, 32, 24, 6],
    [128, 128, 64, 1],
  ] as const) {
    const a = randoms(batch * m * k, m + k);
    const bm = randoms(k * n, n);
    const p: MatmulParams = { batch, m, k, n, transA: false, transB: false, aBatched: true, bBatched: false };
    list.push({
      name: `matmul ${batch}x${m}x${k}x${n}`,
      kernels: 1,
      run: (b) => {
        const ha = b.upload(Float32Array.from(a), 'float32');
        const hb = b.upload(Float32Array.from(bm), 'float32');
        const out = read(b, b.matmul(ha, hb, 'float32', p), batch * m * n);
        b.free(ha);
        b.free(hb);
        return [out];
      },
    });
  }
  for (const [n, c, hw, o, k, stride, pad] of [
    [1, 1, 5, 2, 3, 1, 0],
    [4, 3, 12, 8, 3, 1, 1],
    [8, 4, 10, 6, 3, 2, 1],
    [3, 6, 9, 4, 5, 1, 2],
  ] as const) {
    const g = geometry(n, c, hw, hw, k, stride, pad, 1);
    const x = randoms(n * c * hw * hw, hw);
    const w = randoms(o * c * k * k, o);
    const dy = randoms(n * o * g.outH * g.outW, k);
    list.push({
      name: `conv2d forward+backward n${n} c${c} ${hw}x${hw} o${o} k${k}`,
      kernels: 5,
      run: (b) => {
        const hx = b.upload(Float32Array.from(x), 'float32');
        const hw_ = b.upload(Float32Array.from(w), 'float32');
        const hdy = b.upload(Float32Array.from(dy), 'float32');
        const cols = b.im2col!(hx, 'float32', g, 0);
        const ncols = n * c * k * k * g.outH * g.outW;
        const back = read(b, b.col2im!(cols, 'float32', g), n * c * hw * hw);
        const r = [
          read(b, b.conv2d!(hx, hw_, 'float32', g, o, 1), n * o * g.outH * g.outW),
          read(b, b.conv2dBackwardInput!(hdy, hw_, 'float32', g, o, 1), n * c * hw * hw),
          read(b, b.conv2dBackwardFilter!(hx, hdy, 'float32', g, o, 1), o * c * k * k),
          read(b, cols, ncols),
          back,
        ];
        for (const h of [hx, hw_, hdy]) b.free(h);
        return r;
      },
    });
  }
  for (const [rows, cols] of [
    [3, 5],
    [300, 130],
    [40, 1000],
  ] as const) {
    const x = randoms(rows * cols, cols).map((v) => v * 10);
    list.push({
      name: `softmax/logSoftmax/sum/max ${rows}x${cols}`,
      kernels: 4,
      run: (b) => {
        const h = b.upload(Float32Array.from(x), 'float32');
        const r = [
          read(b, b.softmax!(h, 'float32', rows, cols), rows * cols),
          read(b, b.logSoftmax!(h, 'float32', rows, cols), rows * cols),
          read(b, b.reduce('sum', h, 'float32', rows, cols, 1), rows),
          read(b, b.reduce('max', h, 'float32', 1, rows, cols), cols),
        ];
        b.free(h);
        return r;
      },
    });
  }
  const big = 1 << 19; // at the elementwise hand-off size
  const xs = randoms(big, 7);
  list.push({
    name: `unary/binary ${big}`,
    kernels: 2,
    run: (b) => {
      const h = b.upload(Float32Array.from(xs), 'float32');
      const r = [
        read(b, b.unary('exp', h, 'float32', big), big),
        read(b, binaryBroadcast(b, 'mul', h, [512, 1024], h, [1, 1024], [512, 1024], 'float32'), big),
      ];
      b.free(h);
      return r;
    },
  });
  return list;
}

describe('thread pool under load', () => {
  test('thousands of mixed kernel calls on 2 and 4 threads match 1 thread, with every core loaded and stray wake-ups', async () => {
    const all = jobs();
    const single = await wasm({ threads: 1 });
    const want = all.map((j) => j.run(single));
    await single.dispose!();
    let count = 0;
    for (const threads of [2, 4]) {
      const b = await wasm({ threads });
      expect(b.threads).toBe(threads);
      const { heap } = wasmRuntime(b);
      const pool = wasmRuntime(b).pool!;
      const hostile = hostileNotifier(heap.memory, pool);
      const base = b.memory();
      try {
        for (let round = 0; round < 100; round++) {
          for (let i = 0; i < all.length; i++) {
            // A different order each round, so allocations and sizes interleave differently.
            const j = (i * 7 + round) % all.length;
            const got = all[j]!.run(b);
            got.forEach((g, q) => {
              try {
                expectClose(g, want[j]![q]!, 1e-4, 1e-5);
              } catch (e) {
                throw new Error(`${threads} threads, round ${round}, ${all[j]!.name}, output ${q}: ${(e as Error).message}`);
              }
            });
            count += all[j]!.kernels;
          }
        }
      } finally {
        await hostile.stop();
      }
      expect(pool.failed).toBeUndefined();
      expect(b.memory().liveHandles).toBe(base.liveHandles);
      await b.dispose!();
    }
    expect(count).toBeGreaterThanOrEqual(3000);
  }, 120_000);
});
