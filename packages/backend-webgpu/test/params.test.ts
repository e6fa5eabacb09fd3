/**
 * Kernel parameters are WGSL structs built from one field list: the struct
 * the shader reads and the words the runtime uploads come from the same
 * declaration, in the same order.
 */
import { BackendError } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { paramStruct } from '../src/runtime/params.js';

describe('paramStruct', () => {
  const s = paramStruct({ count: 'u32', offset: 'i32', lo: 'f32', shape: ['u32', 2], strides0: ['i32', 2] });

  it('declares the WGSL struct with named fields in order', () => {
    expect(s.wgsl).toBe(
      'struct Params {\n  count: u32,\n  offset: i32,\n  lo: f32,\n  shape: array<u32, 2>,\n  strides0: array<i32, 2>,\n}',
    );
  });

  it('writes the values in the declared order, whatever the order they are given in', () => {
    const p = s.write({ strides0: [-1, 1], shape: [3, 4], lo: 1.5, offset: -2, count: 12 });
    const f32 = new Float32Array(1);
    f32[0] = 1.5;
    const bits = new Uint32Array(f32.buffer)[0];
    expect(p.words).toEqual([12, 0xfffffffe, bits, 3, 4, 0xffffffff, 1]);
  });

  it('refuses an array field of the wrong length with a BackendError', () => {
    expect(() => s.write({ count: 1, offset: 0, lo: 0, shape: [1], strides0: [1, 1] })).toThrow(BackendError);
    expect(() => s.write({ count: 1, offset: 0, lo: 0, shape: [1], strides0: [1, 1] })).toThrow(/'shape' needs 2 values, got 1/);
  });
});
