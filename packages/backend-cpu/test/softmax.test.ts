import { describe, expect, it } from 'vitest';
import { backend, down, expectClose, makeRng, randomArray, up } from './helpers.js';

function reference(x: ArrayLike<number>, rows: number, cols: number, log: boolean): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: cols }, (_, j) => x[r * cols + j]);
    const m = row.some(Number.isNaN) ? NaN : Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    out.push(...row.map((v) => (log ? v - lse : Math.exp(v - lse))));
  }
  return out;
}

describe('softmax and logSoftmax', () => {
  const rng = makeRng(61);
  for (const dtype of ['float32', 'float64'] as const) {
    it(`match the float64 reference (${dtype})`, () => {
      for (const [rows, cols] of [
        [1, 1],
        [4, 10],
        [3, 257],
        [0, 5],
        [2, 0],
      ]) {
        const x = randomArray(rng, dtype, rows * cols).map((v) => v * 20);
        const tol = dtype === 'float32' ? 1e-5 : 1e-12;
        expectClose(down(backend.softmax!(up(x, dtype), dtype, rows, cols), dtype, rows * cols), reference(x, rows, cols, false), tol, tol);
        expectClose(
          down(backend.logSoftmax!(up(x, dtype), dtype, rows, cols), dtype, rows * cols),
          reference(x, rows, cols, true),
          tol,
          tol,
        );
      }
    });
  }

  it('stays finite for large inputs and spreads NaN over its row', () => {
    const x = Float32Array.from([1000, 1000, 0, NaN, 1, 2, -Infinity, 0, 0]);
    const sm = down(backend.softmax!(up(x, 'float32'), 'float32', 3, 3), 'float32', 9);
    expectClose(sm, [0.5, 0.5, 0, NaN, NaN, NaN, 0, 0.5, 0.5]);
    const lsm = down(backend.logSoftmax!(up(x, 'float32'), 'float32', 3, 3), 'float32', 9);
    expectClose(lsm, [-Math.LN2, -Math.LN2, -1000 - Math.LN2, NaN, NaN, NaN, -Infinity, -Math.LN2, -Math.LN2]);
    expect(lsm[6]).toBe(-Infinity);
  });
});
