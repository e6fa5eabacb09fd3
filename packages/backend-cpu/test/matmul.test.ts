import type { DType } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { backend, down, expectClose, makeRng, randomArray, up } from './helpers.js';

/** float64 reference: out[b] = op(a[b]) · op(b[b]). */
function reference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  batch: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  aBatched: boolean,
  bBatched: boolean,
): Float64Array {
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = aBatched ? t * m * k : 0;
    const bo = bBatched ? t * k * n : 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s += a[ao + (transA ? p * m + i : i * k + p)] * b[bo + (transB ? j * k + p : p * n + j)];
        }
        out[t * m * n + i * n + j] = s;
      }
    }
  }
  return out;
}

describe('matmul', () => {
  const rng = makeRng(7);
  const dims = [0, 1, 3, 4, 5, 17, 70];
  const pick = () => dims[Math.floor(rng() * dims.length)];

  for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
    it(`matches the float64 reference over random shapes and every transpose/batch flag (${dtype})`, () => {
      for (let trial = 0; trial < 48; trial++) {
        const [m, k, n] = [pick(), pick(), pick()];
        const transA = (trial & 1) === 1;
        const transB = (trial & 2) === 2;
        const aBatched = trial % 3 !== 0;
        const bBatched = trial % 5 !== 0 || !aBatched;
        const batch = 1 + (trial % 3);
        const a = randomArray(rng, dtype, (aBatched ? batch : 1) * m * k);
        const b = randomArray(rng, dtype, (bBatched ? batch : 1) * k * n);
        const p = { batch, m, k, n, transA, transB, aBatched, bBatched };
        const ha = up(a, dtype);
        const hb = up(b, dtype);
        const out = down(backend.matmul(ha, hb, dtype, p), dtype, batch * m * n);
        backend.free(ha);
        backend.free(hb);
        expectClose(out, reference(a, b, batch, m, k, n, transA, transB, aBatched, bBatched), 1e-5, 1e-4);
      }
    });
  }

  it('spans several packed blocks (k > 256, m > 64, n not a multiple of 4)', () => {
    const [m, k, n] = [131, 600, 37];
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const a = randomArray(rng, 'float64', m * k);
      const b = randomArray(rng, 'float64', k * n);
      const p = { batch: 1, m, k, n, transA, transB, aBatched: true, bBatched: true };
      const out = down(backend.matmul(up(a, 'float64'), up(b, 'float64'), 'float64', p), 'float64', m * n);
      expectClose(out, reference(a, b, 1, m, k, n, transA, transB, true, true), 1e-12, 1e-12);
    }
  });

  it('propagates NaN and Inf', () => {
    // [[NaN, 1], [Inf, 1]] · [[1, 0], [1, 1]]: NaN spreads along its row; Inf·0 is NaN.
    const a = Float32Array.from([NaN, 1, Infinity, 1]);
    const b = Float32Array.from([1, 0, 1, 1]);
    const p = { batch: 1, m: 2, k: 2, n: 2, transA: false, transB: false, aBatched: true, bBatched: true };
    const out = down(backend.matmul(up(a, 'float32'), up(b, 'float32'), 'float32', p), 'float32', 4);
    expect(Array.from(out)).toEqual([NaN, NaN, Infinity, NaN]);
  });

  it('int32 wraps like C', () => {
    const a = Int32Array.from([0x40000000]);
    const b = Int32Array.from([4]);
    const p = { batch: 1, m: 1, k: 1, n: 1, transA: false, transB: false, aBatched: true, bBatched: true };
    expect(Array.from(down(backend.matmul(up(a, 'int32'), up(b, 'int32'), 'int32', p), 'int32', 1))).toEqual([0]);
  });

  it('matmulBias adds the bias to every row, then applies relu', () => {
    const [m, k, n] = [9, 13, 6];
    const a = randomArray(rng, 'float32', 2 * m * k);
    const b = randomArray(rng, 'float32', n * k);
    const bias = randomArray(rng, 'float32', n);
    const p = { batch: 2, m, k, n, transA: false, transB: true, aBatched: true, bBatched: false };
    const ref = reference(a, b, 2, m, k, n, false, true, true, false);
    for (const act of ['none', 'relu'] as const) {
      const out = down(
        backend.matmulBias!(up(a, 'float32'), up(b, 'float32'), up(bias, 'float32'), 'float32', p, act),
        'float32',
        ref.length,
      );
      const expected = ref.map((v, i) => {
        const y = v + bias[i % n];
        return act === 'relu' ? Math.max(0, y) : y;
      });
      expectClose(out, expected, 1e-5, 1e-5);
    }
  });

  it('refuses bool', () => {
    const p = { batch: 1, m: 1, k: 1, n: 1, transA: false, transB: false, aBatched: true, bBatched: true };
    const h = up(Uint8Array.from([1]), 'bool');
    expect(() => backend.matmul(h, h, 'bool', p)).toThrow(/matmul.*bool/);
  });
});
