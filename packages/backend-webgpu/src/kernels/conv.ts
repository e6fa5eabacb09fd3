import type { Conv2dGeometry, DType } from '@tensile/core';
import type { GpuHandle } from '../runtime/handle.js';
import { paramStruct } from '../runtime/params.js';
import type { GpuRuntime } from '../runtime/runtime.js';
import { valueBits } from './elementwise.js';
import { matmulInto } from './matmul.js';
import { declare, kernel1D, launch1D, wgslType } from './wgsl.js';

/** The fields of core's Conv2dGeometry the kernels read, after the element count. */
const GEOMETRY_FIELDS = {
  count: 'u32',
  c: 'u32',
  h: 'u32',
  w: 'u32',
  kh: 'u32',
  kw: 'u32',
  strideH: 'u32',
  strideW: 'u32',
  padTop: 'u32',
  padLeft: 'u32',
  dilationH: 'u32',
  dilationW: 'u32',
  outH: 'u32',
  outW: 'u32',
} as const;
const COL2IM = paramStruct(GEOMETRY_FIELDS);
/** im2col adds the padding value's bits. */
const IM2COL = paramStruct({ ...GEOMETRY_FIELDS, value: 'u32' });

const GEOMETRY = `
  let C = P.c; let H = i32(P.h); let W = i32(P.w); let KH = P.kh; let KW = P.kw;
  let SH = i32(P.strideH); let SW = i32(P.strideW); let PT = i32(P.padTop); let PL = i32(P.padLeft);
  let DH = i32(P.dilationH); let DW = i32(P.dilationW); let OH = P.outH; let OW = P.outW;
  let L = OH * OW;
  let CKK = C * KH * KW;`;

export function im2col(rt: GpuRuntime, x: GpuHandle, dtype: DType, g: Conv2dGeometry, padValue: number): GpuHandle {
  wgslType(dtype, 'im2col');
  const count = g.n * g.c * g.kh * g.kw * g.outH * g.outW;
  const out = rt.allocate('im2col', count);
  const params = IM2COL.write({ ...g, count, value: valueBits(padValue, dtype).words[0]! });
  const source = () => `
${declare(
  [
    { name: 'X', type: 'u32' },
    { name: 'out', type: 'u32', write: true },
  ],
  IM2COL,
)}
${kernel1D(`${GEOMETRY}
  let l = gi % L;
  let r = (gi / L) % CKK;
  let ni = gi / (L * CKK);
  let ci = r / (KH * KW);
  let i = i32((r / KW) % KH);
  let j = i32(r % KW);
  let ih = i32(l / OW) * SH - PT + i * DH;
  let iw = i32(l % OW) * SW - PL + j * DW;
  if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
    out[gi] = X[((ni * C + ci) * u32(H) + u32(ih)) * u32(W) + u32(iw)];
  } else {
    out[gi] = P.value;
  }`)}`;
  launch1D(rt, 'im2col', 'im2col', source, [x.buffer, out.buffer], params, count);
  return out;
}

/** Gathers, for each input pixel, every column entry that read it (deterministic, no atomics). */
export function col2im(rt: GpuRuntime, cols: GpuHandle, dtype: DType, g: Conv2dGeometry): GpuHandle {
  const type = wgslType(dtype, 'col2im');
  const count = g.n * g.c * g.h * g.w;
  const out = rt.allocate('col2im', count);
  const source = () => `
${declare(
  [
    { name: 'COLS', type },
    { name: 'out', type, write: true },
  ],
  COL2IM,
)}
${kernel1D(`${GEOMETRY}
  let iw = i32(gi % u32(W));
  let ih = i32((gi / u32(W)) % u32(H));
  let ci = (gi / u32(W * H)) % C;
  let ni = gi / (u32(W * H) * C);
  var acc = ${type}(0);
  for (var i = 0u; i < KH; i = i + 1u) {
    let ohs = ih + PT - i32(i) * DH;
    if (ohs < 0 || ohs % SH != 0) { continue; }
    let oh = u32(ohs / SH);
    if (oh >= OH) { continue; }
    for (var j = 0u; j < KW; j = j + 1u) {
      let ows = iw + PL - i32(j) * DW;
      if (ows < 0 || ows % SW != 0) { continue; }
      let ow = u32(ows / SW);
      if (ow >= OW) { continue; }
      acc = acc + COLS[(ni * CKK + (ci * KH + i) * KW + j) * L + oh * OW + ow];
    }
  }
  out[gi] = acc;`)}`;
  launch1D(rt, 'col2im', `col2im:${type}`, source, [cols.buffer, out.buffer], COL2IM.write({ ...g, count }), count);
  return out;
}

/**
 * conv2d as im2col + one matmul per group: out[n, group rows] = W_g · cols[n, group rows].
 * The matmul writes straight into the NCHW output (rows of a group are one block of channels).
 */
export function conv2d(
  rt: GpuRuntime,
  x: GpuHandle,
  w: GpuHandle,
  dtype: DType,
  g: Conv2dGeometry,
  outChannels: number,
  groups: number,
): GpuHandle {
  const cols = im2col(rt, x, dtype, g, 0);
  const L = g.outH * g.outW;
  const og = outChannels / groups;
  const K = (g.c / groups) * g.kh * g.kw;
  const out = rt.allocate('conv2d', g.n * outChannels * L);
  const spec = { transA: false, transB: false, bias: false, relu: false };
  for (let group = 0; group < groups; group++) {
    matmulInto(
      rt,
      'conv2d',
      dtype,
      spec,
      {
        m: og,
        k: K,
        n: L,
        batch: g.n,
        batchInner: 1,
        aBase: group * og * K,
        aBatchStride: 0,
        bBase: group * K * L,
        bBatchStride: g.c * g.kh * g.kw * L,
        cBase: group * og * L,
        cBatchStride: outChannels * L,
      },
      w.buffer,
      cols.buffer,
      null,
      out.buffer,
    );
  }
  rt.free(cols);
  return out;
}

/** dx = col2im(W_gᵀ · dy_g) per group. */
export function conv2dBackwardInput(
  rt: GpuRuntime,
  dy: GpuHandle,
  w: GpuHandle,
  dtype: DType,
  g: Conv2dGeometry,
  outChannels: number,
  groups: number,
): GpuHandle {
  const L = g.outH * g.outW;
  const og = outChannels / groups;
  const K = (g.c / groups) * g.kh * g.kw;
  const cols = rt.allocate('conv2dBackwardInput', g.n * g.c * g.kh * g.kw * L);
  const spec = { transA: true, transB: false, bias: false, relu: false };
  for (let group = 0; group < groups; group++) {
    matmulInto(
      rt,
      'conv2dBackwardInput',
      dtype,
      spec,
      {
        m: K,
        k: og,
        n: L,
        batch: g.n,
        batchInner: 1,
        aBase: group * og * K,
        aBatchStride: 0,
        bBase: group * og * L,
        bBatchStride: outChannels * L,
        cBase: group * K * L,
        cBatchStride: g.c * g.kh * g.kw * L,
      },
      w.buffer,
      dy.buffer,
      null,
      cols.buffer,
    );
  }
  const dx = col2im(rt, cols, dtype, g);
  rt.free(cols);
  return dx;
}

/** dW_g = Σ_n dy_g[n] · cols_g[n]ᵀ, the sum over images done inside the matmul kernel. */
export function conv2dBackwardFilter(
  rt: GpuRuntime,
  x: GpuHandle,
  dy: GpuHandle,
  dtype: DType,
  g: Conv2dGeometry,
  outChannels: number,
  groups: number,
): GpuHandle {
  const cols = im2col(rt, x, dtype, g, 0);
  const L = g.outH * g.outW;
  const og = outChannels / groups;
  const K = (g.c / groups) * g.kh * g.kw;
  const dw = rt.allocate('conv2dBackwardFilter', outChannels * K);
  const spec = { transA: false, transB: true, bias: false, relu: false };
  for (let group = 0; group < groups; group++) {
    matmulInto(
      rt,
      'conv2dBackwardFilter',
      dtype,
      spec,
      {
        m: og,
        k: L,
        n: K,
        batch: 1,
        batchInner: g.n,
        aBase: group * og * L,
        aBatchStride: outChannels * L,
        bBase: group * K * L,
        bBatchStride: g.c * g.kh * g.kw * L,
        cBase: group * og * K,
        cBatchStride: 0,
      },
      dy.buffer,
      cols.buffer,
      null,
      dw.buffer,
    );
  }
  rt.free(cols);
  return dw;
}
