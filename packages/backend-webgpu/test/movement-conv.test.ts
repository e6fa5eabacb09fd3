import type { Conv2dGeometry } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { close, createTestBackend, down, f32, randoms, up } from './gpu.js';

const setup = await createTestBackend();
const b = setup.backend!;
const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe.skipIf(!setup.backend)('webgpu movement and indexing', () => {
  it('strided: permute, broadcast (stride 0), flip (negative stride), stepped slice', async () => {
    const x = iota(24); // [2, 3, 4]
    // transpose to [4, 3, 2]
    const t = await down(b, b.strided(up(b, x), 'float32', [4, 3, 2], [1, 4, 12], 0), 'float32', 24);
    const want: number[] = [];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) want.push(i * 12 + j * 4 + k);
    expect(t).toEqual(want);
    // expand a row [4] to [3, 4]
    expect(await down(b, b.strided(up(b, [1, 2, 3, 4]), 'float32', [3, 4], [0, 1], 0), 'float32', 12)).toEqual([
      1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4,
    ]);
    // flip the last axis of [2, 3, 4] and take every second row of the middle one: x[:, ::2, ::-1]
    const f = await down(b, b.strided(up(b, x, 'int32'), 'int32', [2, 2, 4], [12, 8, -1], 3), 'int32', 16);
    expect(f).toEqual([3, 2, 1, 0, 11, 10, 9, 8, 15, 14, 13, 12, 23, 22, 21, 20]);
    // bool and an empty result
    expect(await down(b, b.strided(up(b, [1, 0, 1], 'bool'), 'bool', [3], [-1], 2), 'bool', 3)).toEqual([1, 0, 1]);
    expect(await down(b, b.strided(up(b, x), 'float32', [0, 4], [4, 1], 0), 'float32', 0)).toEqual([]);
  });

  it('concat along the inner axis of [outer, width] views', async () => {
    const got = await down(b, b.concat([up(b, [1, 2, 3, 4]), up(b, [9, 8]), up(b, [])], 'float32', 2, [2, 1, 0]), 'float32', 6);
    expect(got).toEqual([1, 2, 9, 3, 4, 8]);
  });

  it('pad with a constant on several axes', async () => {
    // [2, 3] padded by before [1, 0], after [0, 2] with -1 -> [3, 5]
    const got = await down(b, b.pad(up(b, iota(6)), 'float32', [2, 3], [1, 0], [0, 2], -1), 'float32', 15);
    expect(got).toEqual([-1, -1, -1, -1, -1, 0, 1, 2, -1, -1, 3, 4, 5, -1, -1]);
    // rank 3, middle axis unpadded (merged with the first), int32
    const x = iota(2 * 2 * 2);
    const p = await down(b, b.pad(up(b, x, 'int32'), 'int32', [2, 2, 2], [0, 0, 1], [1, 0, 0], 7), 'int32', 3 * 2 * 3);
    expect(p).toEqual([7, 0, 1, 7, 2, 3, 7, 4, 5, 7, 6, 7, 7, 7, 7, 7, 7, 7]);
  });

  it('gather rows by index, repeated indices allowed', async () => {
    // x [2, 3, 2] gathered on the middle axis with [2, 0, 2]
    const x = iota(12);
    const got = await down(b, b.gather(up(b, x), 'float32', 2, 3, 2, up(b, [2, 0, 2], 'int32'), 3), 'float32', 12);
    expect(got).toEqual([4, 5, 0, 1, 4, 5, 10, 11, 6, 7, 10, 11]);
  });

  it('scatterAdd sums repeated indices (float32 and int32)', async () => {
    // src [1, 4, 2] into n = 3 rows at [1, 0, 1, 1]
    const src = [1, 2, 3, 4, 5, 6, 7, 8].map((v) => f32(v / 10));
    const idx = [1, 0, 1, 1];
    const got = await down(b, b.scatterAdd(up(b, src), 'float32', 1, 4, 2, up(b, idx, 'int32'), 3), 'float32', 6);
    // order of additions into one element is not fixed: allow a few ULP of the sum
    close(got, [0.3, 0.4, 0.1 + 0.5 + 0.7, 0.2 + 0.6 + 0.8, 0, 0].map(f32), 4 * 2 ** -23, 0, 'scatterAdd');
    const gi = await down(b, b.scatterAdd(up(b, [1, 2, 3, 4], 'int32'), 'int32', 2, 2, 1, up(b, [0, 0], 'int32'), 2), 'int32', 4);
    expect(gi).toEqual([3, 0, 7, 0]);
  });
});

function geometry(n: number, c: number, h: number, w: number, k: number, stride: number, pad: number, dil: number): Conv2dGeometry {
  const outH = Math.floor((h + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
  const outW = Math.floor((w + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
  return {
    n,
    c,
    h,
    w,
    kh: k,
    kw: k,
    strideH: stride,
    strideW: stride,
    padTop: pad,
    padLeft: pad,
    dilationH: dil,
    dilationW: dil,
    outH,
    outW,
  };
}

function im2colRef(x: number[], g: Conv2dGeometry, padValue: number): number[] {
  const L = g.outH * g.outW;
  const rows = g.c * g.kh * g.kw;
  const out = new Array<number>(g.n * rows * L);
  for (let n = 0; n < g.n; n++)
    for (let c = 0; c < g.c; c++)
      for (let i = 0; i < g.kh; i++)
        for (let j = 0; j < g.kw; j++)
          for (let oh = 0; oh < g.outH; oh++)
            for (let ow = 0; ow < g.outW; ow++) {
              const ih = oh * g.strideH - g.padTop + i * g.dilationH;
              const iw = ow * g.strideW - g.padLeft + j * g.dilationW;
              const inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
              out[(n * rows + (c * g.kh + i) * g.kw + j) * L + oh * g.outW + ow] = inside
                ? x[((n * g.c + c) * g.h + ih) * g.w + iw]
                : padValue;
            }
  return out;
}

function col2imRef(cols: number[], g: Conv2dGeometry): number[] {
  const out = new Array<number>(g.n * g.c * g.h * g.w).fill(0);
  const L = g.outH * g.outW;
  const rows = g.c * g.kh * g.kw;
  for (let n = 0; n < g.n; n++)
    for (let c = 0; c < g.c; c++)
      for (let i = 0; i < g.kh; i++)
        for (let j = 0; j < g.kw; j++)
          for (let oh = 0; oh < g.outH; oh++)
            for (let ow = 0; ow < g.outW; ow++) {
              const ih = oh * g.strideH - g.padTop + i * g.dilationH;
              const iw = ow * g.strideW - g.padLeft + j * g.dilationW;
              if (ih >= 0 && ih < g.h && iw >= 0 && iw < g.w) {
                out[((n * g.c + c) * g.h + ih) * g.w + iw] += cols[(n * rows + (c * g.kh + i) * g.kw + j) * L + oh * g.outW + ow];
              }
            }
  return out;
}

/** Direct conv2d and its gradients in float64 (the definitions, no im2col). */
function convRef(x: number[], w: number[], g: Conv2dGeometry, o: number, groups: number) {
  const cg = g.c / groups;
  const og = o / groups;
  const y = new Array<number>(g.n * o * g.outH * g.outW).fill(0);
  const forEachTap = (fn: (xi: number, wi: number, yi: number) => void) => {
    for (let n = 0; n < g.n; n++)
      for (let oc = 0; oc < o; oc++) {
        const grp = Math.floor(oc / og);
        for (let ci = 0; ci < cg; ci++)
          for (let i = 0; i < g.kh; i++)
            for (let j = 0; j < g.kw; j++)
              for (let oh = 0; oh < g.outH; oh++)
                for (let ow = 0; ow < g.outW; ow++) {
                  const ih = oh * g.strideH - g.padTop + i * g.dilationH;
                  const iw = ow * g.strideW - g.padLeft + j * g.dilationW;
                  if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
                  const xi = ((n * g.c + grp * cg + ci) * g.h + ih) * g.w + iw;
                  const wi = ((oc * cg + ci) * g.kh + i) * g.kw + j;
                  fn(xi, wi, ((n * o + oc) * g.outH + oh) * g.outW + ow);
                }
      }
  };
  forEachTap((xi, wi, yi) => (y[yi] += x[xi] * w[wi]));
  return { y, forEachTap };
}

describe.skipIf(!setup.backend)('webgpu conv', () => {
  const cases: [string, Conv2dGeometry][] = [
    ['3×3 pad 1', geometry(2, 3, 5, 6, 3, 1, 1, 1)],
    ['stride 2, dilation 2', geometry(1, 2, 9, 8, 3, 2, 0, 2)],
    ['1×1', geometry(2, 4, 3, 3, 1, 1, 0, 1)],
  ];
  for (const [name, g] of cases) {
    it(`im2col / col2im (${name})`, async () => {
      const x = randoms(g.n * g.c * g.h * g.w, 1);
      const cols = await down(b, b.im2col(up(b, x), 'float32', g, -9), 'float32', g.n * g.c * g.kh * g.kw * g.outH * g.outW);
      expect(cols).toEqual(im2colRef(x, g, -9));
      const c = randoms(cols.length, 2);
      const back = await down(b, b.col2im(up(b, c), 'float32', g), 'float32', x.length);
      close(back, col2imRef(c, g), 0, g.kh * g.kw * 2 ** -22, 'col2im');
    });
  }

  for (const [name, g, o, groups] of [
    ['3×3 pad 1', cases[0][1], 4, 1],
    ['stride 2, dilation 2', cases[1][1], 3, 1],
    ['groups 2', geometry(2, 4, 5, 5, 3, 1, 1, 1), 6, 2],
  ] as [string, Conv2dGeometry, number, number][]) {
    it(`fused conv2d and both gradients equal the definition (${name})`, async () => {
      const x = randoms(g.n * g.c * g.h * g.w, 3);
      const w = randoms(o * (g.c / groups) * g.kh * g.kw, 4);
      const dy = randoms(g.n * o * g.outH * g.outW, 5);
      const { y, forEachTap } = convRef(x, w, g, o, groups);
      const dx = new Array<number>(x.length).fill(0);
      const dw = new Array<number>(w.length).fill(0);
      forEachTap((xi, wi, yi) => {
        dx[xi] += w[wi] * dy[yi];
        dw[wi] += x[xi] * dy[yi];
      });
      // float32 sums of up to (c·kh·kw) or (n·outH·outW) products of values in [-1, 1]
      const tol = (terms: number) => terms * 2 ** -22;
      const gy = await down(b, b.conv2d!(up(b, x), up(b, w), 'float32', g, o, groups), 'float32', y.length);
      close(gy, y, 0, tol(g.c * g.kh * g.kw), 'conv2d');
      const gdx = await down(b, b.conv2dBackwardInput!(up(b, dy), up(b, w), 'float32', g, o, groups), 'float32', x.length);
      close(gdx, dx, 0, tol(o * g.kh * g.kw), 'conv2dBackwardInput');
      const gdw = await down(b, b.conv2dBackwardFilter!(up(b, x), up(b, dy), 'float32', g, o, groups), 'float32', w.length);
      close(gdw, dw, 0, tol(g.n * g.outH * g.outW), 'conv2dBackwardFilter');
    });
  }
});

describe.skipIf(!setup.backend)('webgpu softmax', () => {
  it('softmax and logSoftmax over rows, stable for large inputs', async () => {
    const rows = 3;
    const cols = 300;
    const x = randoms(rows * cols, 6, -5, 5);
    x[0] = 80; // exp(80) overflows float32 without the max subtraction
    const ref = (log: boolean) => {
      const out: number[] = [];
      for (let r = 0; r < rows; r++) {
        const row = x.slice(r * cols, (r + 1) * cols);
        const m = Math.max(...row);
        const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
        for (const v of row) out.push(log ? v - m - Math.log(s) : Math.exp(v - m) / s);
      }
      return out;
    };
    // exp on the GPU: (3 + 2|x|) ULP with |x - max| <= 85 here; sums add cols·ULP
    const sm = await down(b, b.softmax!(up(b, x), 'float32', rows, cols), 'float32', rows * cols);
    close(sm, ref(false), 2e-5, 1e-9, 'softmax');
    const ls = await down(b, b.logSoftmax!(up(b, x), 'float32', rows, cols), 'float32', rows * cols);
    close(ls, ref(true), 1e-6, 2e-6, 'logSoftmax');
  });

  it('a NaN in a row makes that row NaN only', async () => {
    const got = await down(b, b.softmax!(up(b, [1, NaN, 2, 0, 0, 0]), 'float32', 2, 3), 'float32', 6);
    expect(got.slice(0, 3).every(Number.isNaN)).toBe(true);
    close(got.slice(3), [1 / 3, 1 / 3, 1 / 3], 4 * 2 ** -23, 0, 'softmax uniform row');
  });
});
