import { describe, expect, it } from 'vitest';
import { cpu } from '@tensile/backend-cpu';

describe('cpu()', () => {
  it('names itself and its dtypes', () => {
    const b = cpu();
    expect(b.name).toBe('cpu');
    expect([...b.dtypes]).toEqual(['float32', 'float64', 'int32', 'bool']);
  });

  it('counts live handles and bytes, and returns copies on read', async () => {
    const b = cpu();
    const x = b.upload(Float32Array.from([1, 2, 3]), 'float32');
    const y = b.fill(4, 2.5, 'float64');
    expect(b.memory()).toEqual({ liveHandles: 2, liveBytes: 12 + 32 });
    const read = (await b.read(x, 'float32', 3)) as Float32Array;
    read[0] = 99;
    expect(Array.from(b.readSync!(x, 'float32', 3))).toEqual([1, 2, 3]);
    expect(Array.from(b.readSync!(y, 'float64', 4))).toEqual([2.5, 2.5, 2.5, 2.5]);
    b.free(x);
    b.free(y);
    expect(b.memory()).toEqual({ liveHandles: 0, liveBytes: 0 });
  });

  it("uploads convert to the dtype's storage, bool as 0/1", () => {
    const b = cpu();
    const h = b.upload(Float32Array.from([0, 2, -1]), 'bool');
    expect(b.readSync!(h, 'bool', 3)).toEqual(Uint8Array.from([0, 1, 1]));
    const i = b.upload(Float64Array.from([1.9, -1.9]), 'int32');
    expect(b.readSync!(i, 'int32', 2)).toEqual(Int32Array.from([1, -1]));
  });

  it('refuses a freed handle and a foreign one, naming the kernel', () => {
    const b = cpu();
    const x = b.upload(Float32Array.from([1]), 'float32');
    b.free(x);
    expect(() => b.free(x)).toThrow(/free: the handle was already freed/);
    expect(() => b.unary('exp', x, 'float32', 1)).toThrow(/unary 'exp'.*freed/);
    expect(() => b.unary('exp', {}, 'float32', 1)).toThrow(/not made by a cpu backend/);
  });
});
