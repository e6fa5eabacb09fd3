import type { DType } from '@tensile/core';
import { describe, expect, test } from 'vitest';
import { down, randoms, setups, up, useBackends } from './helpers.js';

useBackends();

function refStrided(x: number[], outShape: number[], strides: number[], offset: number): number[] {
  const size = outShape.reduce((s, d) => s * d, 1);
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    let r = i;
    let idx = offset;
    for (let d = outShape.length - 1; d >= 0; d--) {
      idx += (r % outShape[d]!) * strides[d]!;
      r = Math.floor(r / outShape[d]!);
    }
    out.push(x[idx]!);
  }
  return out;
}

const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];
const values = (n: number, dtype: DType) =>
  Array.from({ length: n }, (_, i) => (dtype === 'bool' ? (i % 3 === 0 ? 1 : 0) : i * 1.5 - 3)).map((v) =>
    dtype === 'int32' ? Math.trunc(v) : v,
  );

describe('movement', () => {
  for (const dtype of DTYPES) {
    test(`strided views ${dtype}: permute, expand, slice with steps, flip`, () => {
      for (const { backend: b } of setups) {
        const x = values(24, dtype);
        const cases: [number[], number[], number][] = [
          [[4, 3, 2], [1, 2, 12], 0], // permute of [2,3,4]
          [[2, 5, 4], [12, 0, 1], 0], // expand a middle axis
          [[2, 2], [12, 2], 5], // slice with step 2
          [[2, 3, 4], [-12, -4, -1], 23], // flip all axes
          [[3], [0], 7], // broadcast a scalar
          [[], [], 9], // a scalar
          [[0, 3], [3, 1], 0], // empty
        ];
        for (const [shape, strides, offset] of cases) {
          const size = shape.reduce((s, d) => s * d, 1);
          const got = down(b, b.strided(up(b, x, dtype), dtype, shape, strides, offset), dtype, size);
          expect(got).toEqual(refStrided(x, shape, strides, offset));
        }
      }
    });

    test(`concat, pad, gather ${dtype}`, () => {
      for (const { backend: b } of setups) {
        const x = values(6, dtype); // [2, 3]
        const y = values(4, dtype).reverse(); // [2, 2]
        const cat = down(b, b.concat([up(b, x, dtype), up(b, y, dtype)], dtype, 2, [3, 2]), dtype, 10);
        expect(cat).toEqual([...x.slice(0, 3), ...y.slice(0, 2), ...x.slice(3), ...y.slice(2)]);

        const padV = dtype === 'bool' ? 1 : 7;
        const padded = down(b, b.pad(up(b, x, dtype), dtype, [2, 3], [1, 0], [0, 2], padV), dtype, 15);
        const p = padV;
        expect(padded).toEqual([p, p, p, p, p, x[0], x[1], x[2], p, p, x[3], x[4], x[5], p, p]);

        const idx = up(b, [2, 0, 2], 'int32');
        const g = down(b, b.gather(up(b, x, dtype), dtype, 2, 3, 1, idx, 3), dtype, 6);
        expect(g).toEqual([x[2], x[0], x[2], x[5], x[3], x[5]]);
      }
    });
  }

  test('scatterAdd accumulates repeated indices', () => {
    for (const { backend: b } of setups) {
      for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
        // src [outer=2, m=3, inner=2] into [2, n=4, 2] at rows [1, 3, 1]
        const src = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        const got = down(b, b.scatterAdd(up(b, src, dtype), dtype, 2, 3, 2, up(b, [1, 3, 1], 'int32'), 4), dtype, 16);
        expect(got).toEqual([0, 0, 6, 8, 0, 0, 3, 4, 0, 0, 18, 20, 0, 0, 9, 10]);
      }
    }
  });

  test('pad of a large 4-D tensor matches a reference', () => {
    for (const { backend: b } of setups) {
      const shape = [2, 3, 5, 4];
      const x = randoms(120, 4);
      const got = down(b, b.pad(up(b, x, 'float64'), 'float64', shape, [0, 1, 2, 0], [1, 0, 1, 3], -1), 'float64', 3 * 4 * 8 * 7);
      let k = 0;
      for (let i = 0; i < 3; i++)
        for (let c = 0; c < 4; c++)
          for (let h = 0; h < 8; h++)
            for (let w = 0; w < 7; w++) {
              const inside = i < 2 && c >= 1 && h >= 2 && h < 7 && w < 4;
              expect(got[k++]).toBe(inside ? x[((i * 3 + c - 1) * 5 + h - 2) * 4 + w] : -1);
            }
    }
  });

  test('fill and upload/read round-trip every dtype', async () => {
    for (const { backend: b } of setups) {
      expect(down(b, b.fill(3, 2.5, 'float32'), 'float32', 3)).toEqual([2.5, 2.5, 2.5]);
      expect(down(b, b.fill(2, 1, 'bool'), 'bool', 2)).toEqual([1, 1]);
      const h = up(b, [1, -2, 3], 'int32');
      const r = await b.read(h, 'int32', 3);
      expect(r).toBeInstanceOf(Int32Array);
      expect(Array.from(r)).toEqual([1, -2, 3]);
      b.free(h);
    }
  });
});
