import type { DType, ReduceOp } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { backend, down, expectClose, makeRng, randomArray, up } from './helpers.js';

/** float64 reference over [outer, size, inner]. */
function reference(op: ReduceOp, x: ArrayLike<number>, outer: number, size: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const vals = Array.from({ length: size }, (_, s) => x[(o * size + s) * inner + j]);
      const nanAt = vals.findIndex(Number.isNaN);
      switch (op) {
        case 'sum':
          out.push(vals.reduce((a, b) => a + b, 0));
          break;
        case 'prod':
          out.push(vals.reduce((a, b) => a * b, 1));
          break;
        case 'max':
          out.push(nanAt >= 0 ? NaN : Math.max(-Infinity, ...vals));
          break;
        case 'min':
          out.push(nanAt >= 0 ? NaN : Math.min(Infinity, ...vals));
          break;
        case 'argmax':
          out.push(nanAt >= 0 ? nanAt : size === 0 ? 0 : vals.indexOf(Math.max(...vals)));
          break;
        case 'argmin':
          out.push(nanAt >= 0 ? nanAt : size === 0 ? 0 : vals.indexOf(Math.min(...vals)));
          break;
      }
    }
  }
  return out;
}

const OPS: ReduceOp[] = ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'];
const GEOMETRIES: [number, number, number][] = [
  [1, 7, 1],
  [4, 5, 1],
  [3, 4, 6],
  [1, 9, 5],
  [2, 1, 3],
  [5, 0, 1],
  [2, 0, 3],
  [0, 4, 2],
  [3, 200, 1],
  [2, 30, 17],
];

describe('reduce', () => {
  const rng = makeRng(21);
  for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
    for (const op of OPS) {
      it(`${op} (${dtype}) over [outer, size, inner], empty axes included`, () => {
        for (const [outer, size, inner] of GEOMETRIES) {
          if (dtype === 'int32' && size === 0 && (op === 'max' || op === 'min')) continue; // no int32 ±Inf: tested below
          const x = randomArray(rng, dtype, outer * size * inner);
          if (dtype === 'int32') for (let i = 0; i < x.length; i++) x[i] = (x[i] % 3) + (op === 'prod' ? 1 : 0); // ties, small products
          const outDType = op.startsWith('arg') ? 'int32' : dtype;
          const out = down(backend.reduce(op, up(x, dtype), dtype, outer, size, inner), outDType, outer * inner);
          const expected = reference(op, x, outer, size, inner);
          expectClose(out, dtype === 'float32' && outDType === 'float32' ? Float32Array.from(expected) : expected, 1e-5, 1e-5);
        }
      });
    }
  }

  it('max/min/argmax/argmin see NaN first, on both loop shapes', () => {
    const x = Float32Array.from([1, NaN, 3, 2, 5, NaN, 4, 0]);
    for (const [outer, size, inner] of [
      [2, 4, 1],
      [1, 4, 2],
    ] as const) {
      for (const op of OPS.slice(2)) {
        const outDType = op.startsWith('arg') ? 'int32' : 'float32';
        const out = down(backend.reduce(op, up(x, 'float32'), 'float32', outer, size, inner), outDType, outer * inner);
        expectClose(out, reference(op, x, outer, size, inner));
      }
    }
  });

  it('argmax picks the first index on ties', () => {
    const x = Float32Array.from([2, 5, 5, 1, 5]);
    expect(Array.from(down(backend.reduce('argmax', up(x, 'float32'), 'float32', 1, 5, 1), 'int32', 1))).toEqual([1]);
    expect(Array.from(down(backend.reduce('argmin', up(x, 'float32'), 'float32', 1, 5, 1), 'int32', 1))).toEqual([3]);
  });

  it('empty reductions give 0, 1, -Inf, +Inf', () => {
    const x = new Float32Array(0);
    const run = (op: ReduceOp) => Array.from(down(backend.reduce(op, up(x, 'float32'), 'float32', 2, 0, 1), 'float32', 2));
    expect(run('sum')).toEqual([0, 0]);
    expect(run('prod')).toEqual([1, 1]);
    expect(run('max')).toEqual([-Infinity, -Infinity]);
    expect(run('min')).toEqual([Infinity, Infinity]);
    expect(() => backend.reduce('max', up(new Int32Array(0), 'int32'), 'int32', 1, 0, 1)).toThrow(/max.*empty.*int32/);
  });

  it('int32 sums wrap', () => {
    const x = Int32Array.from([2147483647, 1]);
    expect(Array.from(down(backend.reduce('sum', up(x, 'int32'), 'int32', 1, 2, 1), 'int32', 1))).toEqual([-2147483648]);
    const rows = Int32Array.from([2147483647, 5, 1, 6]);
    expect(Array.from(down(backend.reduce('sum', up(rows, 'int32'), 'int32', 1, 2, 2), 'int32', 2))).toEqual([-2147483648, 11]);
  });
});
