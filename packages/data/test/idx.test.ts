import { describe, expect, it } from 'vitest';
import { IdxError, readIdx, writeIdx } from '@tensile/data';

describe('readIdx', () => {
  it('reads a hand-made uint8 file as a view', () => {
    // magic 0x00000803 (uint8, 3 dims), dims 2x1x2, four pixels
    const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 250]);
    const idx = readIdx(bytes, 'tiny');
    expect(idx.magic).toBe(2051);
    expect(idx.dtype).toBe('uint8');
    expect(idx.shape).toEqual([2, 1, 2]);
    expect(Array.from(idx.data)).toEqual([1, 2, 3, 250]);
    expect(idx.data.buffer).toBe(bytes.buffer); // no copy
  });

  it('decodes big-endian wider types', () => {
    // int32 [2]: 1 and -2, float32 [1]: 1.5
    const ints = readIdx(new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe]));
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.data)).toEqual([1, -2]);
    const floats = readIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]));
    expect(Array.from(floats.data)).toEqual([1.5]);
  });

  it('round-trips through writeIdx for every dtype', () => {
    const cases = [
      { dtype: 'uint8', data: Uint8Array.from([0, 7, 255]) },
      { dtype: 'int8', data: Int8Array.from([-128, 0, 127]) },
      { dtype: 'int16', data: Int16Array.from([-300, 1, 300]) },
      { dtype: 'int32', data: Int32Array.from([-70000, 1, 70000]) },
      { dtype: 'float32', data: Float32Array.from([-0.5, 0.25, 3]) },
      { dtype: 'float64', data: Float64Array.from([Math.PI, -1e300, 0]) },
    ] as const;
    for (const c of cases) {
      const back = readIdx(writeIdx({ dtype: c.dtype, shape: [3], data: c.data }));
      expect(back.dtype).toBe(c.dtype);
      expect(Array.from(back.data)).toEqual(Array.from(c.data));
    }
  });

  it('refuses a truncated file, naming it and the sizes', () => {
    const good = writeIdx({ dtype: 'uint8', shape: [2, 3], data: new Uint8Array(6) });
    expect(() => readIdx(good.subarray(0, good.length - 1), 'train-images')).toThrow(IdxError);
    expect(() => readIdx(good.subarray(0, good.length - 1), 'train-images')).toThrow(
      /train-images: 17 bytes, but uint8 \[2,3\] needs 18 \(truncated\)/,
    );
    expect(() => readIdx(good.subarray(0, 6), 'f')).toThrow(/too short for the header/);
    expect(() => readIdx(new Uint8Array([0, 0]), 'f')).toThrow(/too short for the 4-byte magic/);
    const long = new Uint8Array(good.length + 2);
    long.set(good);
    expect(() => readIdx(long, 'f')).toThrow(/trailing bytes/);
  });

  it('refuses a bad magic number and unknown type codes', () => {
    expect(() => readIdx(new Uint8Array([1, 2, 8, 1, 0, 0, 0, 0]), 'x.idx')).toThrow(/x\.idx: bad magic number 0x01020801/);
    expect(() => readIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), 'x.gz')).toThrow(/gzip-compressed/);
    expect(() => readIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]), 'x')).toThrow(/unknown element type code 0xa/);
  });
});
