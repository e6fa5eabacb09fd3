import type { MatmulParams, ReduceOp } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { close, createTestBackend, down, f32, randoms, up } from './gpu.js';

const setup = await createTestBackend();
const b = setup.backend!;

function reduceRef(op: ReduceOp, x: number[], outer: number, size: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' || op === 'argmax' ? -Infinity : Infinity;
      let arg = 0;
      for (let j = 0; j < size; j++) {
        const v = x[(o * size + j) * inner + i];
        if (op === 'sum') acc += v;
        else if (op === 'prod') acc *= v;
        else if (Number.isNaN(acc)) continue;
        else if (Number.isNaN(v)) [acc, arg] = [v, j];
        else if (op === 'max' || op === 'argmax' ? v > acc : v < acc) [acc, arg] = [v, j];
        else if (j === 0) arg = 0;
      }
      out.push(op === 'argmax' || op === 'argmin' ? arg : acc);
    }
  }
  return out;
}

// Float sums: the GPU adds in a different order than the reference loop (a
// tree across the workgroup), so each result may differ by about size·ULP of
// the sum of magnitudes; with |x| <= 1 the absolute error stays below size·2^-23.
describe.skipIf(!setup.backend)('webgpu reduce', () => {
  const shapes: [number, number, number][] = [
    [3, 700, 1], // one workgroup per row, strided partials
    [2, 5, 7], // one thread per output
    [1, 1, 1],
    [4, 0, 1], // empty reductions
    [2, 0, 3],
  ];
  for (const op of ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'] as ReduceOp[]) {
    for (const [outer, size, inner] of shapes) {
      it(`${op} over [${outer}, ${size}, ${inner}]`, async () => {
        const lo = op === 'prod' ? 0.9 : -1;
        const hi = op === 'prod' ? 1.1 : 1;
        const x = randoms(outer * size * inner, outer * 100 + size + inner, lo, hi);
        const dtype = op === 'argmax' || op === 'argmin' ? 'int32' : 'float32';
        if ((op === 'argmax' || op === 'argmin') && size === 0) return; // undefined for an empty axis
        const got = await down(b, b.reduce(op, up(b, x), 'float32', outer, size, inner), dtype, outer * inner);
        close(got, reduceRef(op, x, outer, size, inner), 0, size * 2 ** -23 * 4, `${op}`);
      });
    }
  }

  it('max/min propagate NaN; argmax/argmin return the NaN index and break ties low', async () => {
    const x = [1, NaN, 3, NaN, /* row 2 */ 5, 5, 2, 5, /* row 3 */ -1, -3, -3, 0];
    const run = async (op: ReduceOp) => down(b, b.reduce(op, up(b, x), 'float32', 3, 4, 1), op.startsWith('arg') ? 'int32' : 'float32', 3);
    expect(await run('max')).toEqual([NaN, 5, 0]);
    expect(await run('min')).toEqual([NaN, 2, -3]);
    expect(await run('argmax')).toEqual([1, 0, 3]);
    expect(await run('argmin')).toEqual([1, 2, 1]);
    // the same with a reduced middle axis (thread-per-output path)
    const y = [1, 7, NaN, 7, 3, 2]; // [1, 3, 2]
    expect(await down(b, b.reduce('argmax', up(b, y), 'float32', 1, 3, 2), 'int32', 2)).toEqual([1, 0]);
    expect(await down(b, b.reduce('max', up(b, y), 'float32', 1, 3, 2), 'float32', 2)).toEqual([NaN, 7]);
  });

  it('int32 sum and prod stay int32 and wrap', async () => {
    const x = [2147483647, 1, 3, 4];
    expect(await down(b, b.reduce('sum', up(b, x, 'int32'), 'int32', 1, 4, 1), 'int32', 1)).toEqual([(2147483647 + 8) | 0]);
    expect(await down(b, b.reduce('prod', up(b, [3, -4, 5], 'int32'), 'int32', 1, 3, 1), 'int32', 1)).toEqual([-60]);
    expect(await down(b, b.reduce('max', up(b, [3, -4, 5, 9], 'int32'), 'int32', 2, 2, 1), 'int32', 2)).toEqual([3, 9]);
  });
});

function matmulRef(a: number[], bm: number[], p: MatmulParams, bias?: number[], relu = false): number[] {
  const out: number[] = [];
  for (let t = 0; t < p.batch; t++) {
    const ao = p.aBatched ? t * p.m * p.k : 0;
    const bo = p.bBatched ? t * p.k * p.n : 0;
    for (let i = 0; i < p.m; i++) {
      for (let j = 0; j < p.n; j++) {
        let s = 0;
        for (let k = 0; k < p.k; k++) {
          const av = a[ao + (p.transA ? k * p.m + i : i * p.k + k)];
          const bv = bm[bo + (p.transB ? j * p.k + k : k * p.n + j)];
          s += av * bv;
        }
        if (bias) s += bias[j];
        out.push(relu && s < 0 ? 0 : s);
      }
    }
  }
  return out;
}

// Matmul tolerance: float32 accumulation of k products of magnitude <= 1
// (error <= k·ULP per output, bounded loosely; the reference is float64).
const mmTol = (k: number) => (k + 1) * 2 ** -23 * 2;

describe.skipIf(!setup.backend)('webgpu matmul', () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`transA=${transA} transB=${transB}, sizes not multiples of the tile`, async () => {
        const p: MatmulParams = { batch: 2, m: 67, k: 35, n: 70, transA, transB, aBatched: true, bBatched: true };
        const a = randoms(p.batch * p.m * p.k, 1);
        const bm = randoms(p.batch * p.k * p.n, 2);
        const got = await down(b, b.matmul(up(b, a), up(b, bm), 'float32', p), 'float32', p.batch * p.m * p.n);
        close(got, matmulRef(a, bm, p), 0, mmTol(p.k), 'matmul');
      });
    }
  }

  it('shares an unbatched operand across the batch', async () => {
    for (const [aBatched, bBatched] of [
      [false, true],
      [true, false],
    ]) {
      const p: MatmulParams = { batch: 3, m: 5, k: 4, n: 6, transA: false, transB: true, aBatched, bBatched };
      const a = randoms((aBatched ? 3 : 1) * 20, 3);
      const bm = randoms((bBatched ? 3 : 1) * 24, 4);
      const got = await down(b, b.matmul(up(b, a), up(b, bm), 'float32', p), 'float32', 90);
      close(got, matmulRef(a, bm, p), 0, mmTol(4), 'matmul shared operand');
    }
  });

  it('int32 products are exact; k = 0 gives zeros', async () => {
    const p: MatmulParams = { batch: 1, m: 2, k: 3, n: 2, transA: false, transB: false, aBatched: true, bBatched: true };
    const got = await down(b, b.matmul(up(b, [1, 2, 3, 4, 5, 6], 'int32'), up(b, [7, 8, 9, 10, 11, 12], 'int32'), 'int32', p), 'int32', 4);
    expect(got).toEqual([58, 64, 139, 154]);
    const z: MatmulParams = { ...p, k: 0 };
    expect(await down(b, b.matmul(up(b, []), up(b, []), 'float32', z), 'float32', 4)).toEqual([0, 0, 0, 0]);
  });

  it('matmulBias with and without the relu epilogue equals its composition', async () => {
    const p: MatmulParams = { batch: 1, m: 9, k: 13, n: 11, transA: false, transB: true, aBatched: true, bBatched: true };
    const a = randoms(9 * 13, 5);
    const w = randoms(11 * 13, 6);
    const bias = randoms(11, 7);
    for (const act of ['none', 'relu'] as const) {
      const got = await down(b, b.matmulBias!(up(b, a), up(b, w), up(b, bias), 'float32', p, act), 'float32', 99);
      close(got, matmulRef(a, w, p, bias, act === 'relu'), 0, mmTol(13), `matmulBias ${act}`);
    }
  });

  it('a 1×k · k×1 product and a tall-skinny one', async () => {
    const p: MatmulParams = { batch: 1, m: 1, k: 300, n: 1, transA: false, transB: false, aBatched: true, bBatched: true };
    const a = randoms(300, 8);
    const c = randoms(300, 9);
    close(await down(b, b.matmul(up(b, a), up(b, c), 'float32', p), 'float32', 1), matmulRef(a, c, p), 0, mmTol(300), 'dot');
    const q: MatmulParams = { batch: 1, m: 200, k: 3, n: 2, transA: true, transB: false, aBatched: true, bBatched: true };
    const x = randoms(600, 10);
    const y = randoms(6, 11);
    close(await down(b, b.matmul(up(b, x), up(b, y), 'float32', q), 'float32', 400), matmulRef(x, y, q), 0, mmTol(3), 'tall');
  });
});
