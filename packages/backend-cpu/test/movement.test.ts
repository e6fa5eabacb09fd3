import { describe, expect, it } from 'vitest';
import { backend, down, makeRng, randomArray, sizeOf, stridesOf, unravel, up } from './helpers.js';

/** Reference for strided: out[idx] = x[offset + Σ idx·strides]. */
function stridedRef(x: ArrayLike<number>, outShape: number[], strides: number[], offset: number): number[] {
  return Array.from({ length: sizeOf(outShape) }, (_, i) => {
    const idx = unravel(i, outShape);
    return x[offset + idx.reduce((acc, v, d) => acc + v * strides[d], 0)];
  });
}

describe('strided', () => {
  const rng = makeRng(31);
  const x = randomArray(rng, 'float32', 2 * 3 * 40);
  const st = stridesOf([2, 3, 40]); // [120, 40, 1]
  const cases: [string, number[], number[], number][] = [
    ['identity', [2, 3, 40], st, 0],
    ['permute 2,0,1', [40, 2, 3], [1, 120, 40], 0],
    ['2-D transpose', [40, 6], [1, 40], 0],
    ['expand a row', [5, 40], [0, 1], 40],
    ['slice with step 3', [2, 2, 13], [120, 40, 3], 1],
    ['flip last axis', [2, 3, 40], [120, 40, -1], 39],
    ['flip all', [240], [-1], 239],
    ['size-0 axis', [2, 0, 4], [120, 40, 1], 0],
    ['scalar', [], [], 17],
    ['size-1 axes', [1, 3, 1], [0, 40, 0], 5],
  ];
  for (const [name, shape, strides, offset] of cases) {
    it(name, () => {
      const out = down(backend.strided(up(x, 'float32'), 'float32', shape, strides, offset), 'float32', sizeOf(shape));
      expect(Array.from(out)).toEqual(stridedRef(x, shape, strides, offset));
    });
  }

  it('keeps int32 and bool storage', () => {
    const xi = Int32Array.from([1, 2, 3, 4, 5, 6]);
    const out = down(backend.strided(up(xi, 'int32'), 'int32', [3, 2], [1, 3], 0), 'int32', 6);
    expect(out).toBeInstanceOf(Int32Array);
    expect(Array.from(out)).toEqual([1, 4, 2, 5, 3, 6]);
    const xb = Uint8Array.from([1, 0, 0]);
    expect(down(backend.strided(up(xb, 'bool'), 'bool', [3], [-1], 2), 'bool', 3)).toEqual(Uint8Array.from([0, 0, 1]));
  });
});

describe('concat', () => {
  it('joins [outer, width] blocks, narrow and wide, empty included', () => {
    const rng = makeRng(41);
    const outer = 3;
    const widths = [2, 0, 20, 1];
    const parts = widths.map((w) => randomArray(rng, 'float64', outer * w));
    const out = down(
      backend.concat(
        parts.map((p) => up(p, 'float64')),
        'float64',
        outer,
        widths,
      ),
      'float64',
      outer * 23,
    );
    const expected: number[] = [];
    for (let o = 0; o < outer; o++) parts.forEach((p, i) => expected.push(...Array.from(p.subarray(o * widths[i], (o + 1) * widths[i]))));
    expect(Array.from(out)).toEqual(expected);
  });
});

describe('pad', () => {
  it('pads every axis with a constant', () => {
    const x = Int32Array.from([1, 2, 3, 4, 5, 6]);
    const out = down(backend.pad(up(x, 'int32'), 'int32', [2, 3], [1, 0], [0, 2], -1), 'int32', 3 * 5);
    expect(Array.from(out)).toEqual([-1, -1, -1, -1, -1, 1, 2, 3, -1, -1, 4, 5, 6, -1, -1]);
  });

  it('handles long rows, rank 3 and empty input', () => {
    const rng = makeRng(43);
    const shape = [2, 2, 20];
    const x = randomArray(rng, 'float32', sizeOf(shape));
    const out = down(backend.pad(up(x, 'float32'), 'float32', shape, [0, 1, 2], [1, 0, 3], 0), 'float32', 3 * 3 * 25);
    for (let i = 0; i < out.length; i++) {
      const [a, b, c] = unravel(i, [3, 3, 25]);
      const inside = a < 2 && b >= 1 && c >= 2 && c < 22;
      expect(out[i]).toBe(inside ? x[a * 40 + (b - 1) * 20 + (c - 2)] : 0);
    }
    const empty = down(backend.pad(up(new Float32Array(0), 'float32'), 'float32', [0, 2], [1, 0], [1, 1], 7), 'float32', 6);
    expect(Array.from(empty)).toEqual(new Array(6).fill(7));
  });
});

describe('gather and scatterAdd', () => {
  it('gather picks along the middle axis, scatterAdd is its adjoint (repeats accumulate)', () => {
    const rng = makeRng(47);
    for (const [outer, n, inner] of [
      [2, 5, 1],
      [3, 4, 20],
      [1, 3, 3],
    ]) {
      const x = randomArray(rng, 'float64', outer * n * inner);
      const idx = Int32Array.from([n - 1, 0, n - 1, 1]);
      const m = idx.length;
      const out = down(backend.gather(up(x, 'float64'), 'float64', outer, n, inner, up(idx, 'int32'), m), 'float64', outer * m * inner);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < m; j++) {
          for (let t = 0; t < inner; t++) expect(out[(o * m + j) * inner + t]).toBe(x[(o * n + idx[j]) * inner + t]);
        }
      }
      const src = randomArray(rng, 'float64', outer * m * inner);
      const sc = down(
        backend.scatterAdd(up(src, 'float64'), 'float64', outer, m, inner, up(idx, 'int32'), n),
        'float64',
        outer * n * inner,
      );
      const expected = new Float64Array(outer * n * inner);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < m; j++) {
          for (let t = 0; t < inner; t++) expected[(o * n + idx[j]) * inner + t] += src[(o * m + j) * inner + t];
        }
      }
      expect(Array.from(sc)).toEqual(Array.from(expected));
    }
  });
});
