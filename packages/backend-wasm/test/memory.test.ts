import * as t from '@tensile/core';
import type { MatmulParams } from '@tensile/core';
import { describe, expect, test } from 'vitest';
import { wasm } from '@tensile/backend-wasm';
import { binaryBroadcast, randoms } from './helpers.js';

describe('memory', () => {
  test('free returns blocks and memory() reports live handles and bytes', async () => {
    const b = await wasm({ threads: 1 });
    const before = b.memory();
    const h = b.upload(new Float32Array(100), 'float32');
    expect(b.memory().liveHandles).toBe(before.liveHandles + 1);
    expect(b.memory().liveBytes).toBe(before.liveBytes + 400);
    b.free(h);
    expect(b.memory()).toEqual(before);
    expect(before.reservedBytes).toBeGreaterThan(0);
    await b.dispose!();
  });

  test('a training-like loop keeps the heap size flat', async () => {
    for (const threads of [1, 2]) {
      const b = await wasm({ threads, initialMemoryMiB: 1 });
      const batch = 64;
      const x = b.upload(new Float32Array(randoms(batch * 100, 1)), 'float32');
      const w = b.upload(new Float32Array(randoms(100 * 50, 2)), 'float32');
      const bias = b.upload(new Float32Array(50), 'float32');
      const p: MatmulParams = { batch: 1, m: batch, k: 100, n: 50, transA: false, transB: false, aBatched: true, bBatched: true };
      const step = (i: number) => {
        // Forward, a loss-like reduction, a gradient matmul, an update; sizes vary with i as the last batch would.
        const rows = i % 7 === 6 ? batch / 2 : batch;
        const y = b.matmulBias!(x, w, bias, 'float32', { ...p, m: rows }, 'relu');
        const s = b.softmax!(y, 'float32', rows, 50);
        const l = b.reduce('sum', s, 'float32', 1, rows * 50, 1);
        const gw = b.matmul(x, s, 'float32', {
          batch: 1,
          m: 100,
          k: rows,
          n: 50,
          transA: true,
          transB: false,
          aBatched: true,
          bBatched: true,
        });
        const upd = binaryBroadcast(b, 'mul', gw, [100, 50], l, [1], [100, 50], 'float32');
        for (const h of [y, s, l, gw, upd]) b.free(h);
      };
      for (let i = 0; i < 50; i++) step(i);
      const settled = b.memory();
      for (let i = 50; i < 1000; i++) step(i);
      const after = b.memory();
      expect(after.reservedBytes).toBe(settled.reservedBytes);
      expect(after.liveHandles).toBe(3);
      expect(after.liveBytes).toBe(settled.liveBytes);
      await b.dispose!();
    }
  });

  test('a failed huge allocation throws OutOfMemoryError and leaves the backend as it was', async () => {
    for (const threads of [1, 2]) {
      const b = await wasm({ threads });
      const before = b.memory();
      let caught: unknown;
      try {
        b.fill(1e12, 0, 'float32'); // zeros([1e6, 1e6])
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(t.OutOfMemoryError);
      const oom = caught as t.OutOfMemoryError;
      expect(oom.requestedBytes).toBe(4e12);
      expect(oom.limitBytes).toBe(2 ** 32);
      expect(oom.message).toMatch(/^wasm backend: alloc: out of memory: asked for 4000000000000 bytes; limit 4294967296 bytes/);
      // The whole limit while the heap already holds something: refused before growing anything.
      expect(() => b.fill(2 ** 30, 0, 'float32')).toThrow(t.OutOfMemoryError);
      expect(b.memory()).toEqual(before);
      const x = b.upload(Float32Array.of(1, 2, 3), 'float32');
      const y = binaryBroadcast(b, 'add', x, [3], x, [3], [3], 'float32');
      expect(Array.from(b.readSync!(y, 'float32', 3))).toEqual([2, 4, 6]);
      await b.dispose!();
    }
  });

  test('through core: t.zeros([1e6, 1e6]) fails by name, then t.tensor([1,2,3]).add(1) works', async () => {
    const b = await wasm({ threads: 1 });
    await t.setBackend(b);
    const reserved = b.memory().reservedBytes;
    expect(() => t.zeros([1e6, 1e6])).toThrow(t.OutOfMemoryError);
    expect(await t.tensor([1, 2, 3]).add(1).data()).toEqual(Float32Array.of(2, 3, 4));
    expect(b.memory().reservedBytes).toBe(reserved);
    await b.dispose!();
  });

  test('rejects a bad thread count', async () => {
    await expect(wasm({ threads: 0 })).rejects.toThrow(/threads/);
  });
});
