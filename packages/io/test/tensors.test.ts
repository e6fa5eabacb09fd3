import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, loadSafetensors, saveSafetensors, SafetensorsError } from '@tensile/io';
import { useCpu } from './backend.js';
import { fixture, fixtureJson } from './helpers.js';

beforeAll(useCpu);

describe('saveSafetensors / loadSafetensors', () => {
  it('round-trips every Tensile dtype with shapes and values', async () => {
    const tensors = {
      'layer.weight': t.tensor([
        [1.5, -2],
        [3, 4.25],
      ]),
      'layer.double': t.tensor(new Float64Array([Math.PI, Math.E]), { shape: [2] }),
      idx: t.tensor(new Int32Array([-3, 0, 7]), { shape: [3] }),
      mask: t.tensor(new Uint8Array([1, 0, 1, 1]), { shape: [2, 2], dtype: 'bool' }),
      scalar: t.tensor(5),
    };
    const bytes = await saveSafetensors(tensors, { metadata: { note: 'hi' } });
    expect(decodeSafetensors(bytes).metadata).toEqual({ note: 'hi' });
    const loaded = loadSafetensors(bytes);
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, x] of Object.entries(tensors)) {
      expect(loaded[name].dtype, name).toBe(x.dtype);
      expect(loaded[name].shape, name).toEqual(x.shape);
      expect(await loaded[name].data(), name).toEqual(await x.data());
    }
  });

  it('writes int32 as I64 when asked, and reads it back as int32', async () => {
    const bytes = await saveSafetensors(
      { a: t.tensor(new Int32Array([1, -2]), { shape: [2] }), b: t.tensor(new Int32Array([3]), { shape: [1] }) },
      { int64: ['a'] },
    );
    const file = decodeSafetensors(bytes);
    expect(file.tensors.a.dtype).toBe('I64');
    expect(file.tensors.b.dtype).toBe('I32');
    expect(await loadSafetensors(bytes).a.data()).toEqual(new Int32Array([1, -2]));
  });

  it('loads the PyTorch state_dict fixture into tensors with PyTorch values', async () => {
    const loaded = loadSafetensors(fixture('torch-dtypes.safetensors'), { fileName: 'torch-dtypes.safetensors' });
    const expected = fixtureJson<Record<string, { shape: number[]; values: (number | string)[] }>>('torch-dtypes.json');
    expect(loaded.f16.dtype).toBe('float32');
    expect(loaded.f64.dtype).toBe('float64');
    expect(loaded.i64.dtype).toBe('int32');
    expect(loaded.mask.dtype).toBe('bool');
    expect(Array.from(await loaded.i64.data())).toEqual(expected.i64.values);
    expect(Array.from(await loaded.f32.data())).toEqual(expected.f32.values);
    expect(loaded.scalar.shape).toEqual([]);
    expect(loaded.empty.shape).toEqual([0, 4]);
  });

  it('creates no tensor when a file is refused', async () => {
    const bytes = await saveSafetensors(
      {
        ok: t.tensor([1, 2]),
        big: t.tensor(new Int32Array([1]), { shape: [1] }),
      },
      { int64: true },
    );
    // Poke 2^40 into the I64 element: conversion must fail before any tensor exists.
    const file = decodeSafetensors(bytes);
    const at = file.tensors.big.data.byteOffset + 5;
    const corrupted = bytes.slice();
    corrupted[at] = 1;
    const before = t.memory().tensors;
    expect(() => loadSafetensors(corrupted, { fileName: 'bad.safetensors' })).toThrow(
      /safetensors: bad.safetensors: tensor "big": I64 element 0 is 1099511627777, outside the int32 range/,
    );
    expect(t.memory().tensors).toBe(before);
  });

  it('refuses things that are not tensors', async () => {
    await expect(saveSafetensors({ w: [1, 2] as unknown as t.Tensor })).rejects.toThrow(
      new SafetensorsError('cannot write: expected a Tensor, got object', { tensor: 'w' }).message,
    );
    const x = t.tensor([1]);
    x.dispose();
    await expect(saveSafetensors({ gone: x })).rejects.toThrow(/tensor "gone": cannot write: tensor was disposed/);
  });
});
