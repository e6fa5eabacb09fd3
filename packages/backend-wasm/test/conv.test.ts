import type { Conv2dGeometry, DType } from '@tensile/core';
import { describe, expect, test } from 'vitest';
import { down, expectClose, geometry, randoms, setups, up, useBackends } from './helpers.js';

useBackends();

/** Direct convolution, and its two gradients by the chain rule over the same loops. */
function refConv(x: number[], wt: number[], dy: number[] | undefined, g: Conv2dGeometry, O: number, G: number) {
  const cg = g.c / G,
    og = O / G;
  const y = new Array<number>(g.n * O * g.outH * g.outW).fill(0);
  const dx = new Array<number>(x.length).fill(0);
  const dw = new Array<number>(wt.length).fill(0);
  for (let n = 0; n < g.n; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < g.outH; oh++)
        for (let ow = 0; ow < g.outW; ow++) {
          const yi = ((n * O + o) * g.outH + oh) * g.outW + ow;
          const gi = Math.floor(o / og);
          for (let ci = 0; ci < cg; ci++)
            for (let i = 0; i < g.kh; i++)
              for (let j = 0; j < g.kw; j++) {
                const ih = oh * g.strideH - g.padTop + i * g.dilationH;
                const iw = ow * g.strideW - g.padLeft + j * g.dilationW;
                if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
                const xi = ((n * g.c + gi * cg + ci) * g.h + ih) * g.w + iw;
                const wi = ((o * cg + ci) * g.kh + i) * g.kw + j;
                y[yi] += x[xi]! * wt[wi]!;
                if (dy) {
                  dx[xi] += dy[yi]! * wt[wi]!;
                  dw[wi] += dy[yi]! * x[xi]!;
                }
              }
        }
  return { y, dx, dw };
}

const CASES: [string, Conv2dGeometry, number, number][] = [
  ['3x3 pad 1', geometry(2, 3, 7, 6, 3, 1, 1, 1), 4, 1],
  ['5x5 valid (LeNet)', geometry(3, 1, 12, 12, 5, 1, 0, 1), 6, 1],
  ['stride 2, dilation 2', geometry(2, 2, 9, 9, 3, 2, 2, 2), 3, 1],
  ['groups 2', geometry(2, 4, 5, 5, 3, 1, 1, 1), 6, 2],
  ['pointwise 1x1', geometry(2, 5, 4, 4, 1, 1, 0, 1), 3, 1],
  ['large enough for threads', geometry(8, 6, 16, 16, 3, 1, 1, 1), 16, 1],
];

describe('conv2d', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const [name, g, O, G] of CASES) {
      test(`${name} ${dtype}: forward, backward input, backward filter`, () => {
        const x = randoms(g.n * g.c * g.h * g.w, 1);
        const wt = randoms(O * (g.c / G) * g.kh * g.kw, 2);
        const dy = randoms(g.n * O * g.outH * g.outW, 3);
        const ref = refConv(x, wt, dy, g, O, G);
        const tol = dtype === 'float32' ? 1e-5 : 1e-12;
        for (const { backend: b } of setups) {
          const y = down(b, b.conv2d!(up(b, x, dtype), up(b, wt, dtype), dtype, g, O, G), dtype, ref.y.length);
          expectClose(y, ref.y, tol, 1e-5);
          const dx = down(b, b.conv2dBackwardInput!(up(b, dy, dtype), up(b, wt, dtype), dtype, g, O, G), dtype, x.length);
          expectClose(dx, ref.dx, tol, 1e-5);
          const dw = down(b, b.conv2dBackwardFilter!(up(b, x, dtype), up(b, dy, dtype), dtype, g, O, G), dtype, wt.length);
          expectClose(dw, ref.dw, tol, 1e-4);
        }
      });
    }
  }

  test('im2col layout and col2im as its adjoint', () => {
    for (const { backend: b } of setups) {
      const g = geometry(2, 2, 5, 4, 3, 2, 1, 1);
      const x = randoms(2 * 2 * 5 * 4, 9);
      const rows = g.c * g.kh * g.kw,
        cols = g.outH * g.outW;
      const got = down(b, b.im2col(up(b, x, 'float32'), 'float32', g, -9), 'float32', g.n * rows * cols);
      for (let n = 0; n < g.n; n++)
        for (let ci = 0; ci < g.c; ci++)
          for (let i = 0; i < g.kh; i++)
            for (let j = 0; j < g.kw; j++)
              for (let oh = 0; oh < g.outH; oh++)
                for (let ow = 0; ow < g.outW; ow++) {
                  const ih = oh * 2 - 1 + i,
                    iw = ow * 2 - 1 + j;
                  const inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
                  const want = inside ? Math.fround(x[((n * g.c + ci) * g.h + ih) * g.w + iw]!) : -9;
                  expect(got[(n * rows + (ci * g.kh + i) * g.kw + j) * cols + oh * g.outW + ow]).toBe(want);
                }
      // <im2col(x), c> == <x, col2im(c)> with zero padding.
      const c = randoms(g.n * rows * cols, 10);
      const ix = down(b, b.im2col(up(b, x, 'float64'), 'float64', g, 0), 'float64', c.length);
      const ct = down(b, b.col2im(up(b, c, 'float64'), 'float64', g), 'float64', x.length);
      const lhs = ix.reduce((s, v, i) => s + v * c[i]!, 0);
      const rhs = ct.reduce((s, v, i) => s + v * x[i]!, 0);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12);
    }
  });
});
