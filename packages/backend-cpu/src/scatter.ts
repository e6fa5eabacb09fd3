import type { DataArray, ScatterParams, ScatterReduceOp } from '@tensile/core';

type Fold = (acc: number, v: number) => number;

const FLOAT_FOLDS: Record<Exclude<ScatterReduceOp, 'set'>, Fold> = {
  sum: (a, v) => a + v,
  prod: (a, v) => a * v,
  // NaN propagates: once folded in, it stays (a comparison with NaN is false).
  max: (a, v) => (v > a || v !== v ? v : a),
  min: (a, v) => (v < a || v !== v ? v : a),
};
const INT_FOLDS: Record<Exclude<ScatterReduceOp, 'set'>, Fold> = { ...FLOAT_FOLDS, prod: Math.imul };
const IDENTITY = { sum: 0, prod: 1, max: -Infinity, min: Infinity };
const INT_IDENTITY = { sum: 0, prod: 1, max: -(2 ** 31), min: 2 ** 31 - 1 };

/**
 * x [outer, n, inner] with src [outer, m, inner] scattered at index along the
 * middle axis (see the contract's scatterReduce): each (o, i) column is
 * folded in increasing k, so the result is the same on every backend.
 */
export function scatterReduce(op: ScatterReduceOp, x: DataArray, src: DataArray, index: Int32Array, p: ScatterParams): DataArray {
  const { outer, n, m, inner, includeSelf } = p;
  const out = x.slice();
  const isInt = x instanceof Int32Array;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const dst = o * n * inner + i;
      const from = o * m * inner + i;
      if (op === 'set') {
        for (let k = 0; k < m; k++) {
          const j = index[from + k * inner];
          if (j >= 0 && j < n) out[dst + j * inner] = src[from + k * inner];
        }
        continue;
      }
      if (!includeSelf) {
        const start = (isInt ? INT_IDENTITY : IDENTITY)[op];
        for (let k = 0; k < m; k++) {
          const j = index[from + k * inner];
          if (j >= 0 && j < n) out[dst + j * inner] = start;
        }
      }
      const fold = (isInt ? INT_FOLDS : FLOAT_FOLDS)[op];
      for (let k = 0; k < m; k++) {
        const j = index[from + k * inner];
        if (j >= 0 && j < n) out[dst + j * inner] = fold(out[dst + j * inner], src[from + k * inner]);
      }
    }
  }
  return out;
}
