/**
 * A tensor larger than the device can bind is refused with core's
 * OutOfMemoryError (bytes asked for, the device limit) before any buffer is
 * created or counted; the backend keeps working afterwards.
 */
import * as t from '@tensile/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../src/runtime/runtime.js';
import { createTestBackend } from './gpu.js';

const setup = await createTestBackend();
const skip = setup.skip ? ` (skipped: ${setup.skip.kind}: ${setup.skip.reason})` : '';
afterAll(async () => {
  await setup.backend?.dispose?.();
});

describe.skipIf(!setup.backend)(`webgpu: allocations beyond the device limits${skip}`, () => {
  it('zeros([1e6, 1e6]) and an oversized kernel output throw OutOfMemoryError and change nothing', async () => {
    await t.setBackend(setup.backend!);
    const rt = (setup.backend as t.Backend & { runtime: GpuRuntime }).runtime;
    const limit = Math.min(rt.limits.maxStorageBufferBindingSize, rt.limits.maxBufferSize);
    const x = t.ones([1, 1]);
    const before = t.memory();
    const buffers = rt.bufferCount;

    let caught: unknown;
    try {
      t.zeros([1e6, 1e6]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(t.OutOfMemoryError);
    const oom = caught as t.OutOfMemoryError;
    expect(oom.requestedBytes).toBe(4e12);
    expect(oom.limitBytes).toBe(limit);
    expect(oom.message).toMatch(new RegExp(`^webgpu\\.fill: out of memory: asked for 4000000000000 bytes; limit ${limit} bytes`));

    // expand is a view (nothing allocated); making it dense asks strided for an output just over the limit.
    const side = Math.ceil(Math.sqrt(limit / 4)) + 1;
    const wide = x.expand([side, side]);
    expect(() => wide.contiguous()).toThrow(t.OutOfMemoryError);
    expect(() => wide.contiguous()).toThrow(/^webgpu\.strided: out of memory/);
    wide.dispose();

    expect(t.memory()).toEqual(before);
    expect(rt.bufferCount).toBe(buffers);
    expect(await x.add(1).toArray()).toEqual([[2]]);
  });
});
