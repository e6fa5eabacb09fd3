import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { native } from '@tensile/backend-native';
import { describe, expect, it } from 'vitest';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage until the finalizers of unreachable handles have run (they are deferred to later ticks). */
async function collect(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const b = native({ threads: 1 });

describe('native memory', () => {
  it('free releases the bytes at once; memory() counts handles and bytes', () => {
    const before = b.memory();
    const h = b.fill(1000, 1, 'float64');
    expect(b.memory()).toMatchObject({ liveHandles: before.liveHandles + 1, liveBytes: before.liveBytes + 8000 });
    b.free(h);
    expect(b.memory()).toMatchObject({ liveHandles: before.liveHandles, liveBytes: before.liveBytes });
  });

  it('freed blocks are reused by size: the steps of a training loop reserve no more', () => {
    const step = () => {
      const hs = [b.fill(100_000, 0, 'float32'), b.fill(50_000, 1, 'float32'), b.fill(7, 2, 'int32')];
      for (const h of hs) b.free(h);
    };
    step();
    const reserved = b.memory().reservedBytes;
    for (let i = 0; i < 10; i++) step();
    expect(b.memory().reservedBytes).toBe(reserved);
  });

  it('the finalizer frees handles that were never freed, and never frees a freed one again', async () => {
    const before = b.memory();
    const finalizedBefore = b.finalized();
    // 20 forgotten handles and 20 freed ones, all unreachable once this block ends.
    (() => {
      for (let i = 0; i < 20; i++) b.upload(new Float32Array(256), 'float32');
      for (let i = 0; i < 20; i++) b.free(b.upload(new Float32Array(256), 'float32'));
    })();
    expect(b.memory().liveHandles).toBe(before.liveHandles + 20);
    await collect();
    expect(b.finalized() - finalizedBefore).toBe(20);
    expect(b.memory()).toMatchObject({ liveHandles: before.liveHandles, liveBytes: before.liveBytes });
  });

  it('tensors dropped without dispose are reclaimed by the GC (core still counts them as live)', async () => {
    await t.setBackend(b);
    const before = b.memory().liveBytes;
    (() => {
      for (let i = 0; i < 10; i++) t.ones([64, 64]).mul(2);
    })();
    expect(b.memory().liveBytes).toBeGreaterThan(before);
    await collect();
    expect(b.memory().liveBytes).toBe(before);
  });

  it('refuses a freed handle and a handle of another backend by name', () => {
    const h = b.fill(4, 0, 'float32');
    b.free(h);
    expect(() => b.read(h, 'float32', 4)).toThrow(/native backend: .*already freed/);
    expect(() => b.free(h)).toThrow(t.BackendError);
    const foreign = cpu().fill(4, 0, 'float32');
    expect(() => b.unary('neg', foreign, 'float32', 4)).toThrow(/not made by a native backend/);
  });

  it('reads copy: the returned array is the caller’s', async () => {
    const h = b.upload(Float32Array.of(1, 2, 3), 'float32');
    const first = (await b.read(h, 'float32', 3)) as Float32Array;
    first[0] = 99;
    expect([...(await b.read(h, 'float32', 3))]).toEqual([1, 2, 3]);
    b.free(h);
  });
});
