import type { Conv2dGeometry } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { backend, down, expectClose, makeRng, randomArray, up } from './helpers.js';

function geometry(
  n: number,
  c: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  stride: number,
  pad: number,
  dilation: number,
): Conv2dGeometry {
  const outH = Math.floor((h + 2 * pad - dilation * (kh - 1) - 1) / stride) + 1;
  const outW = Math.floor((w + 2 * pad - dilation * (kw - 1) - 1) / stride) + 1;
  return {
    n,
    c,
    h,
    w,
    kh,
    kw,
    strideH: stride,
    strideW: stride,
    padTop: pad,
    padLeft: pad,
    dilationH: dilation,
    dilationW: dilation,
    outH,
    outW,
  };
}

/**
 * Direct convolution in float64, visiting every (output, tap) pair once and
 * calling visit(xIndex | -1, wIndex, outIndex).
 */
function forEachTap(g: Conv2dGeometry, o: number, groups: number, visit: (xi: number, wi: number, yi: number) => void): void {
  const cg = g.c / groups;
  const og = o / groups;
  for (let b = 0; b < g.n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const grp = Math.floor(oc / og);
      for (let oh = 0; oh < g.outH; oh++) {
        for (let ow = 0; ow < g.outW; ow++) {
          const yi = ((b * o + oc) * g.outH + oh) * g.outW + ow;
          for (let cl = 0; cl < cg; cl++) {
            const ci = grp * cg + cl;
            for (let i = 0; i < g.kh; i++) {
              for (let j = 0; j < g.kw; j++) {
                const ih = oh * g.strideH - g.padTop + i * g.dilationH;
                const iw = ow * g.strideW - g.padLeft + j * g.dilationW;
                const inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
                const xi = inside ? ((b * g.c + ci) * g.h + ih) * g.w + iw : -1;
                visit(xi, ((oc * cg + cl) * g.kh + i) * g.kw + j, yi);
              }
            }
          }
        }
      }
    }
  }
}

const CASES: [string, Conv2dGeometry, number, number][] = [
  ['3x3 same padding', geometry(2, 3, 7, 6, 3, 3, 1, 1, 1), 4, 1],
  ['stride 2, no padding', geometry(1, 2, 9, 9, 3, 3, 2, 0, 1), 5, 1],
  ['dilation 2, padding 2', geometry(2, 2, 8, 7, 3, 2, 1, 2, 2), 3, 1],
  ['groups 2', geometry(2, 4, 5, 5, 3, 3, 1, 1, 1), 6, 2],
  ['depthwise', geometry(1, 3, 6, 6, 3, 3, 2, 1, 1), 3, 3],
  ['1x1', geometry(3, 5, 4, 4, 1, 1, 1, 0, 1), 2, 1],
  ['kernel larger than input with padding', geometry(1, 1, 2, 2, 5, 5, 1, 2, 1), 2, 1],
  ['empty batch', geometry(0, 2, 4, 4, 3, 3, 1, 1, 1), 2, 1],
];

describe('conv2d and its gradients', () => {
  const rng = makeRng(53);
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [name, g, o, groups] of CASES) {
      it(`${name} (${dtype})`, () => {
        const xSize = g.n * g.c * g.h * g.w;
        const wSize = o * (g.c / groups) * g.kh * g.kw;
        const ySize = g.n * o * g.outH * g.outW;
        const x = randomArray(rng, dtype, xSize);
        const w = randomArray(rng, dtype, wSize);
        const dy = randomArray(rng, dtype, ySize);
        const y = new Float64Array(ySize);
        const dx = new Float64Array(xSize);
        const dw = new Float64Array(wSize);
        forEachTap(g, o, groups, (xi, wi, yi) => {
          if (xi < 0) return;
          y[yi] += x[xi] * w[wi];
          dx[xi] += dy[yi] * w[wi];
          dw[wi] += dy[yi] * x[xi];
        });
        const tol = dtype === 'float32' ? 1e-5 : 1e-12;
        expectClose(down(backend.conv2d!(up(x, dtype), up(w, dtype), dtype, g, o, groups), dtype, ySize), y, tol, tol);
        expectClose(down(backend.conv2dBackwardInput!(up(dy, dtype), up(w, dtype), dtype, g, o, groups), dtype, xSize), dx, tol, tol);
        expectClose(down(backend.conv2dBackwardFilter!(up(x, dtype), up(dy, dtype), dtype, g, o, groups), dtype, wSize), dw, tol, tol);
      });
    }
  }
});

describe('im2col and col2im', () => {
  const rng = makeRng(59);
  for (const [name, g] of CASES) {
    it(`${name}: im2col matches the direct reads; col2im is its adjoint`, () => {
      const xSize = g.n * g.c * g.h * g.w;
      const rows = g.c * g.kh * g.kw;
      const plane = g.outH * g.outW;
      const x = randomArray(rng, 'float64', xSize);
      const cols = down(backend.im2col(up(x, 'float64'), 'float64', g, -7), 'float64', g.n * rows * plane);
      // The column layout [n, (ci*kh + i)*kw + j, oh*outW + ow], pad reads give the pad value.
      forEachTap({ ...g }, g.c, g.c, (xi, wi, yi) => {
        const b = Math.floor(yi / (g.c * plane));
        const ci = Math.floor(yi / plane) % g.c;
        const col = (b * rows + ci * g.kh * g.kw + (wi % (g.kh * g.kw))) * plane + (yi % plane);
        expect(cols[col]).toBe(xi < 0 ? -7 : x[xi]);
      });
      const zeroPad = down(backend.im2col(up(x, 'float64'), 'float64', g, 0), 'float64', g.n * rows * plane);
      const c = randomArray(rng, 'float64', g.n * rows * plane);
      const back = down(backend.col2im(up(c, 'float64'), 'float64', g), 'float64', xSize);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < c.length; i++) lhs += zeroPad[i] * c[i];
      for (let i = 0; i < xSize; i++) rhs += x[i] * back[i];
      expect(lhs).toBeCloseTo(rhs, 10);
    });
  }
});
