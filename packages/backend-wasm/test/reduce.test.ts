import type { DType, ReduceOp } from '@tensile/core';
import { describe, expect, test } from 'vitest';
import { down, expectClose, randoms, setups, up, useBackends } from './helpers.js';

useBackends();

function refReduce(op: ReduceOp, x: number[], outer: number, size: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const vals = Array.from({ length: size }, (_, s) => x[(o * size + s) * inner + j]!);
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
          out.push(nanAt >= 0 ? nanAt : Math.max(0, vals.indexOf(Math.max(...vals))));
          break;
        case 'argmin':
          out.push(nanAt >= 0 ? nanAt : Math.max(0, vals.indexOf(Math.min(...vals))));
          break;
      }
    }
  }
  return out;
}

const OPS: ReduceOp[] = ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'];
const LAYOUTS: [number, number, number][] = [
  [3, 37, 1],
  [2, 5, 7],
  [1, 1, 4],
  [4, 0, 3],
  [1, 200, 1],
  [0, 3, 2],
];

describe('reduce', () => {
  for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
    for (const op of OPS) {
      test(`${op} ${dtype}`, () => {
        for (const { backend: b } of setups) {
          for (const [outer, size, inner] of LAYOUTS) {
            const n = outer * size * inner;
            const x = randoms(n, 11).map((v) =>
              dtype === 'int32' ? Math.round(v * 3) : dtype === 'float32' ? Math.fround(v * 1.5) : v * 1.5,
            );
            // int32 values in -3..3 give ties, which argmax/argmin break by the first index.
            const outDtype = op === 'argmax' || op === 'argmin' ? 'int32' : dtype;
            const got = down(b, b.reduce(op, up(b, x, dtype), dtype, outer, size, inner), outDtype, outer * inner);
            const want = refReduce(op, x, outer, size, inner).map((v) => (dtype === 'int32' && op === 'prod' ? v | 0 : v));
            expectClose(got, want, dtype === 'float32' ? 2e-5 : 1e-12, 1e-6);
          }
        }
      });
    }
  }

  test('NaN propagates through max/min and argmax points at it; ties pick the first index', () => {
    for (const { backend: b } of setups) {
      const x = up(b, [1, 3, NaN, 3, 0], 'float32');
      expect(down(b, b.reduce('max', x, 'float32', 1, 5, 1), 'float32', 1)).toEqual([NaN]);
      expect(down(b, b.reduce('argmax', x, 'float32', 1, 5, 1), 'int32', 1)).toEqual([2]);
      expect(down(b, b.reduce('argmin', x, 'float32', 1, 5, 1), 'int32', 1)).toEqual([2]);
      const t = up(b, [1, 3, 0, 3, 0], 'float32');
      expect(down(b, b.reduce('argmax', t, 'float32', 1, 5, 1), 'int32', 1)).toEqual([1]);
      expect(down(b, b.reduce('argmin', t, 'float32', 1, 5, 1), 'int32', 1)).toEqual([2]);
    }
  });

  test('empty reductions: sum 0, prod 1, max -Inf, min +Inf', () => {
    for (const { backend: b } of setups) {
      const x = up(b, [], 'float32');
      const r = (op: ReduceOp) => down(b, b.reduce(op, x, 'float32', 2, 0, 1), 'float32', 2);
      expect(r('sum')).toEqual([0, 0]);
      expect(r('prod')).toEqual([1, 1]);
      expect(r('max')).toEqual([-Infinity, -Infinity]);
      expect(r('min')).toEqual([Infinity, Infinity]);
    }
  });
});

describe('softmax / logSoftmax', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    test(dtype, () => {
      for (const { backend: b } of setups) {
        for (const [rows, cols] of [
          [3, 10],
          [5, 1],
          [600, 301],
          [2, 7],
        ]) {
          const x = randoms(rows * cols, 13).map((v) => v * 30);
          x[3] = -Infinity;
          const sm: number[] = [];
          const lsm: number[] = [];
          for (let r = 0; r < rows; r++) {
            const row = x.slice(r * cols, (r + 1) * cols).map((v) => (dtype === 'float32' ? Math.fround(v) : v));
            const m = Math.max(...row);
            const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
            for (const v of row) {
              sm.push(Math.exp(v - m) / s);
              lsm.push(v - m - Math.log(s));
            }
          }
          const tol = dtype === 'float32' ? 2e-6 : 1e-13;
          expectClose(down(b, b.softmax!(up(b, x, dtype), dtype, rows, cols), dtype, rows * cols), sm, tol, 1e-7);
          expectClose(down(b, b.logSoftmax!(up(b, x, dtype), dtype, rows, cols), dtype, rows * cols), lsm, tol, 1e-5);
        }
      }
    });
  }
});
