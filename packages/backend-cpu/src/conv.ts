import type { Conv2dGeometry, DataArray } from '@tensile/core';
import { allocLike, type FloatArray } from './arrays.js';
import { gemm, gemmInt32 } from './gemm.js';

/*
 * Convolution as im2col + GEMM, one image at a time (the column buffer of
 * one image stays small and warm in cache). Columns are
 * [c*kh*kw, outH*outW] with row (ci*kh + i)*kw + j, so the rows of one
 * channel group are contiguous and each group is one GEMM on a sub-block.
 */

/**
 * The output positions [lo, hi) along one axis whose input coordinate
 * o*stride - pad + tap lies inside [0, size).
 */
function validRange(size: number, out: number, stride: number, pad: number, tap: number): [number, number] {
  // o*stride >= pad - tap  and  o*stride <= size - 1 + pad - tap
  const lo = Math.max(0, Math.ceil((pad - tap) / stride));
  const hi = Math.min(out, Math.floor((size - 1 + pad - tap) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/** Columns of image `img` of x written into cols at colsOff. */
function im2colImage(x: DataArray, xOff: number, cols: DataArray, colsOff: number, g: Conv2dGeometry, padValue: number): void {
  const { c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = g;
  const plane = outH * outW;
  let row = colsOff;
  for (let ci = 0; ci < c; ci++) {
    const chan = xOff + ci * h * w;
    for (let i = 0; i < kh; i++) {
      const [ohLo, ohHi] = validRange(h, outH, strideH, padTop, i * dilationH);
      for (let j = 0; j < kw; j++, row += plane) {
        const [owLo, owHi] = validRange(w, outW, strideW, padLeft, j * dilationW);
        if (ohLo > 0 || ohHi < outH || owLo > 0 || owHi < outW) cols.fill(padValue, row, row + plane);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const src = chan + (oh * strideH - padTop + i * dilationH) * w - padLeft + j * dilationW;
          const dst = row + oh * outW;
          for (let ow = owLo; ow < owHi; ow++) cols[dst + ow] = x[src + ow * strideW];
        }
      }
    }
  }
}

/** The adjoint of im2colImage: columns summed back into image `img` of dx. */
function col2imImage(cols: DataArray, colsOff: number, dx: DataArray, dxOff: number, g: Conv2dGeometry): void {
  const { c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = g;
  const plane = outH * outW;
  let row = colsOff;
  for (let ci = 0; ci < c; ci++) {
    const chan = dxOff + ci * h * w;
    for (let i = 0; i < kh; i++) {
      const [ohLo, ohHi] = validRange(h, outH, strideH, padTop, i * dilationH);
      for (let j = 0; j < kw; j++, row += plane) {
        const [owLo, owHi] = validRange(w, outW, strideW, padLeft, j * dilationW);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const dst = chan + (oh * strideH - padTop + i * dilationH) * w - padLeft + j * dilationW;
          const src = row + oh * outW;
          for (let ow = owLo; ow < owHi; ow++) dx[dst + ow * strideW] += cols[src + ow];
        }
      }
    }
  }
}

/** x NCHW -> columns [n, c*kh*kw, outH*outW]; reads outside the input give padValue. */
export function im2col(x: DataArray, g: Conv2dGeometry, padValue: number): DataArray {
  const imgCols = g.c * g.kh * g.kw * g.outH * g.outW;
  const cols = allocLike(x, g.n * imgCols);
  for (let b = 0; b < g.n; b++) im2colImage(x, b * g.c * g.h * g.w, cols, b * imgCols, g, padValue);
  return cols;
}

/** Columns [n, c*kh*kw, outH*outW] summed back into NCHW [n, c, h, w]. */
export function col2im(cols: DataArray, g: Conv2dGeometry): DataArray {
  const imgCols = g.c * g.kh * g.kw * g.outH * g.outW;
  const dx = allocLike(cols, g.n * g.c * g.h * g.w);
  for (let b = 0; b < g.n; b++) col2imImage(cols, b * imgCols, dx, b * g.c * g.h * g.w, g);
  return dx;
}

/** C += op(A)·op(B) on whichever storage the dtype uses. */
function gemmAny(
  a: DataArray,
  aOff: number,
  b: DataArray,
  bOff: number,
  c: DataArray,
  cOff: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  if (c instanceof Int32Array) {
    gemmInt32(a as Int32Array, aOff, b as Int32Array, bOff, c, cOff, m, k, n, transA, transB);
  } else {
    gemm(a as FloatArray, aOff, b as FloatArray, bOff, c as FloatArray, cOff, m, k, n, transA, transB);
  }
}

/** Sizes shared by the three conv kernels, per group. */
function groupSizes(g: Conv2dGeometry, outChannels: number, groups: number) {
  const cg = g.c / groups; // input channels per group
  const og = outChannels / groups; // output channels per group
  const kg = cg * g.kh * g.kw; // column rows per group = filter length
  const plane = g.outH * g.outW;
  return { og, kg, plane, imgIn: g.c * g.h * g.w, imgOut: outChannels * plane, imgCols: g.c * g.kh * g.kw * plane };
}

/** conv2d NCHW: x [n,c,h,w], w [o, c/groups, kh, kw] -> [n, o, outH, outW]. */
export function conv2d(x: DataArray, w: DataArray, g: Conv2dGeometry, outChannels: number, groups: number): DataArray {
  const { og, kg, plane, imgIn, imgOut, imgCols } = groupSizes(g, outChannels, groups);
  const out = allocLike(x, g.n * imgOut);
  const cols = allocLike(x, imgCols);
  for (let b = 0; b < g.n; b++) {
    im2colImage(x, b * imgIn, cols, 0, g, 0);
    // out[b, group] [og, plane] = w[group] [og, kg] · cols[group] [kg, plane]
    for (let gi = 0; gi < groups; gi++) {
      gemmAny(w, gi * og * kg, cols, gi * kg * plane, out, b * imgOut + gi * og * plane, og, kg, plane, false, false);
    }
  }
  return out;
}

/** dx of conv2d: per group, columns = w[group]ᵀ · dy[group], then col2im. */
export function conv2dBackwardInput(dy: DataArray, w: DataArray, g: Conv2dGeometry, outChannels: number, groups: number): DataArray {
  const { og, kg, plane, imgIn, imgOut, imgCols } = groupSizes(g, outChannels, groups);
  const dx = allocLike(dy, g.n * imgIn);
  const cols = allocLike(dy, imgCols);
  for (let b = 0; b < g.n; b++) {
    cols.fill(0);
    for (let gi = 0; gi < groups; gi++) {
      // cols[group] [kg, plane] = w[group]ᵀ (stored [og, kg]) · dy[b, group] [og, plane]
      gemmAny(w, gi * og * kg, dy, b * imgOut + gi * og * plane, cols, gi * kg * plane, kg, og, plane, true, false);
    }
    col2imImage(cols, 0, dx, b * imgIn, g);
  }
  return dx;
}

/** dw of conv2d: per group, Σ over images of dy[group] · columns[group]ᵀ. */
export function conv2dBackwardFilter(x: DataArray, dy: DataArray, g: Conv2dGeometry, outChannels: number, groups: number): DataArray {
  const { og, kg, plane, imgIn, imgOut, imgCols } = groupSizes(g, outChannels, groups);
  const dw = allocLike(x, outChannels * kg);
  const cols = allocLike(x, imgCols);
  for (let b = 0; b < g.n; b++) {
    im2colImage(x, b * imgIn, cols, 0, g, 0);
    for (let gi = 0; gi < groups; gi++) {
      // dw[group] [og, kg] += dy[b, group] [og, plane] · cols[group]ᵀ (stored [kg, plane])
      gemmAny(dy, b * imgOut + gi * og * plane, cols, gi * kg * plane, dw, gi * og * kg, og, plane, kg, false, true);
    }
  }
  return dw;
}
