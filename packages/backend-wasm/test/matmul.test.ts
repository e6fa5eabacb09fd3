import type { DType, MatmulParams } from '@tensile/core';
import { describe, expect, test } from 'vitest';
import { down, expectClose, randoms, setups, up, useBackends } from './helpers.js';

useBackends();

function refMatmul(a: number[], b: number[], p: MatmulParams, bias?: number[], relu = false): number[] {
  const out: number[] = [];
  for (let q = 0; q < p.batch; q++) {
    const ao = p.aBatched ? q * p.m * p.k : 0;
    const bo = p.bBatched ? q * p.k * p.n : 0;
    for (let i = 0; i < p.m; i++) {
      for (let j = 0; j < p.n; j++) {
        let s = 0;
        for (let r = 0; r < p.k; r++) {
          const av = p.transA ? a[ao + r * p.m + i]! : a[ao + i * p.k + r]!;
          const bv = p.transB ? b[bo + j * p.k + r]! : b[bo + r * p.n + j]!;
          s += av * bv;
        }
        if (bias) s += bias[j]!;
        out.push(relu ? Math.max(s, 0) : s);
      }
    }
  }
  return out;
}

const CASES: [number, number, number, number][] = [
  // batch, m, k, n: edges around the 4x8 tile and the 256-deep K blocks
  [1, 1, 1, 1],
  [1, 5, 3, 9],
  [1, 64, 64, 64],
  [2, 33, 300, 17],
  [3, 7, 513, 40],
  [1, 130, 70, 1],
  [1, 4, 0, 8],
];

describe('matmul', () => {
  for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
    test(`${dtype} with transposes and batch broadcasting`, () => {
      for (const { backend: b } of setups) {
        for (const [batch, m, k, n] of CASES) {
          for (const [transA, transB] of [
            [false, false],
            [true, false],
            [false, true],
            [true, true],
          ] as const) {
            for (const [aBatched, bBatched] of [
              [true, true],
              [false, true],
              [true, false],
            ] as const) {
              const p = { batch, m, k, n, transA, transB, aBatched, bBatched };
              const conv = (v: number) => (dtype === 'int32' ? Math.round(v * 4) : v);
              const a = randoms((aBatched ? batch : 1) * m * k, 3).map(conv);
              const bv = randoms((bBatched ? batch : 1) * k * n, 7).map(conv);
              const got = down(b, b.matmul(up(b, a, dtype), up(b, bv, dtype), dtype, p), dtype, batch * m * n);
              const ra = dtype === 'float32' ? a.map(Math.fround) : a;
              const rb = dtype === 'float32' ? bv.map(Math.fround) : bv;
              expectClose(got, refMatmul(ra, rb, p), dtype === 'float32' ? 1e-5 : 1e-13, 1e-5);
            }
          }
        }
      }
    });
  }

  test('matmulBias adds the bias per column and applies relu', () => {
    for (const { backend: b } of setups) {
      for (const dtype of ['float32', 'float64'] as DType[]) {
        const p = { batch: 1, m: 70, k: 50, n: 30, transA: false, transB: true, aBatched: true, bBatched: true };
        const a = randoms(70 * 50, 1);
        const w = randoms(30 * 50, 2);
        const bias = randoms(30, 3);
        for (const act of ['none', 'relu'] as const) {
          const got = down(b, b.matmulBias!(up(b, a, dtype), up(b, w, dtype), up(b, bias, dtype), dtype, p, act), dtype, 70 * 30);
          expectClose(got, refMatmul(a, w, p, bias, act === 'relu'), 1e-5, 1e-5);
        }
      }
    }
  });

  test('threads split rows and batches with the same results as one thread', () => {
    const p = { batch: 1, m: 257, k: 129, n: 63, transA: false, transB: false, aBatched: true, bBatched: true };
    const a = randoms(257 * 129, 5);
    const bv = randoms(129 * 63, 6);
    const outs = setups.map(({ backend: b }) =>
      down(b, b.matmul(up(b, a, 'float32'), up(b, bv, 'float32'), 'float32', p), 'float32', 257 * 63),
    );
    expect(outs[1]).toEqual(outs[0]);
    const pb = { ...p, batch: 5, m: 40, aBatched: true, bBatched: false };
    const ab = randoms(5 * 40 * 129, 8);
    const outsB = setups.map(({ backend: b }) =>
      down(b, b.matmul(up(b, ab, 'float32'), up(b, bv, 'float32'), 'float32', pb), 'float32', 5 * 40 * 63),
    );
    expect(outsB[1]).toEqual(outsB[0]);
  });

  test('NaN in an input propagates', () => {
    for (const { backend: b } of setups) {
      const p = { batch: 1, m: 2, k: 2, n: 2, transA: false, transB: false, aBatched: true, bBatched: true };
      const got = down(b, b.matmul(up(b, [NaN, 0, 1, 1], 'float32'), up(b, [1, 1, 1, 1], 'float32'), 'float32', p), 'float32', 4);
      expect(got).toEqual([NaN, NaN, 2, 2]);
    }
  });
});
