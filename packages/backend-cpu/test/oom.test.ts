/**
 * A request the cpu backend cannot hold throws OutOfMemoryError (bytes asked
 * for and the limit) instead of a bare `RangeError: Invalid typed array
 * length`, and leaves the backend as it was: handle and byte counts, the live
 * tensor count, and later small ops.
 */
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../src/index.js';

let backend: t.Backend;
beforeAll(async () => {
  backend = await t.setBackend(cpu());
});

function expectOom(fn: () => unknown, where: RegExp, requestedBytes: number, limitBytes: number): void {
  const before = t.memory();
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(t.OutOfMemoryError);
  const oom = caught as t.OutOfMemoryError;
  expect(oom.message).toMatch(where);
  expect(oom.requestedBytes).toBe(requestedBytes);
  expect(oom.limitBytes).toBe(limitBytes);
  expect(oom.message).toContain(`asked for ${requestedBytes} bytes; limit ${limitBytes} bytes`);
  expect(t.memory()).toEqual(before);
}

describe('cpu backend: allocations it cannot satisfy', () => {
  it('zeros([1e6, 1e6]) is an OutOfMemoryError naming the bytes and the limit', async () => {
    expectOom(() => t.zeros([1e6, 1e6]), /^cpu backend: fill: out of memory/, 4e12, 2 ** 32 * 4);
    expectOom(() => t.ones([1e6, 1e6], { dtype: 'float64' }), /^cpu backend: fill/, 8e12, 2 ** 32 * 8);
    // The backend still works, and its counts are where they were.
    const y = t.tensor([1, 2, 3]).add(1);
    expect(await y.toArray()).toEqual([2, 3, 4]);
  });

  it('kernels whose output is too large refuse the same way (strided, matmul, im2col)', () => {
    const x = t.zeros([1, 1]);
    // expand is a view (nothing allocated); making it dense asks strided for the whole output.
    const wide = x.expand([1e5, 1e5]);
    expectOom(() => wide.contiguous(), /^cpu backend: strided: out of memory/, 4e10, 2 ** 32 * 4);
    wide.dispose();
    const a = t.zeros([70_000, 1]);
    const b = t.zeros([1, 70_000]);
    expectOom(() => a.matmul(b), /^cpu backend: matmul/, 70_000 * 70_000 * 4, 2 ** 32 * 4);
    // im2col's columns: 70000 rows × 65537 padded columns of one channel.
    const img = backend.fill(70_000, 1, 'float32');
    const g = {
      n: 1,
      c: 1,
      h: 70_000,
      w: 1,
      kh: 1,
      kw: 1,
      strideH: 1,
      strideW: 1,
      padTop: 0,
      padLeft: 32_768,
      dilationH: 1,
      dilationW: 1,
      outH: 70_000,
      outW: 65_537,
    };
    expectOom(() => backend.im2col(img, 'float32', g, 0), /^cpu backend: im2col/, 70_000 * 65_537 * 4, 2 ** 32 * 4);
    backend.free(img);
  });

  it('creation ops that fill on the host refuse before looping', () => {
    expectOom(() => t.arange(0, 2 ** 33), /^arange: out of memory/, 2 ** 33 * 4, 2 ** 32 * 4);
    expectOom(() => t.randn([2 ** 20, 2 ** 13]), /^randn: out of memory/, 2 ** 33 * 4, 2 ** 32 * 4);
  });

  it('backend kernels called directly report the same', () => {
    const before = backend.memory();
    expect(() => backend.fill(2 ** 33, 0, 'int32')).toThrow(t.OutOfMemoryError);
    expect(() => backend.fill(2 ** 33, 0, 'int32')).toThrow(
      /cpu backend: fill: out of memory: asked for 34359738368 bytes; limit 17179869184 bytes; a int32 array holds at most 2\^32 elements/,
    );
    expect(backend.memory()).toEqual(before);
    const h = backend.fill(3, 7, 'int32');
    expect(backend.readSync!(h, 'int32', 3)).toEqual(Int32Array.of(7, 7, 7));
    backend.free(h);
    expect(backend.memory()).toEqual(before);
  });
});
