import type { DType, MatmulParams } from '@tensile/core';
import { WebGPUBackendError } from '../errors.js';
import type { GpuHandle } from '../runtime/handle.js';
import { paramStruct } from '../runtime/params.js';
import type { GpuRuntime } from '../runtime/runtime.js';
import { declare, wgslType } from './wgsl.js';

/**
 * Tiled matrix product. A 16×16 workgroup computes a 64×64 output tile,
 * each thread a 4×4 block held in registers; 64×16 slices of A and 16×64
 * slices of B are staged in workgroup memory so every global element is
 * loaded once per tile instead of once per output. Transpose flags only
 * change how a tile is loaded (each load walks the contiguous axis of the
 * stored matrix), never the inner loop.
 *
 * The kernel also serves conv2d: operands and output are addressed with a
 * base offset and a batch stride, and `batchInner` matrix products can be
 * summed into one output (conv2d's filter gradient sums over the images).
 */
const TILE = 64;
const BK = 16;

export interface MatmulSpec {
  transA: boolean;
  transB: boolean;
  bias: boolean;
  relu: boolean;
}

/** Where the operands of one matmul dispatch live, in elements. */
export interface MatmulLayout {
  m: number;
  k: number;
  n: number;
  /** Number of outputs (the z grid). */
  batch: number;
  /** Products summed into each output. */
  batchInner: number;
  aBase: number;
  aBatchStride: number;
  bBase: number;
  bBatchStride: number;
  cBase: number;
  cBatchStride: number;
}

/** A MatmulLayout's fields, and which tile of the grid a dispatch starts at (dispatches are chunked to the grid limits). */
const MATMUL = paramStruct({
  m: 'u32',
  k: 'u32',
  n: 'u32',
  aBase: 'u32',
  aBatchStride: 'u32',
  bBase: 'u32',
  bBatchStride: 'u32',
  cBase: 'u32',
  cBatchStride: 'u32',
  batchInner: 'u32',
  zOffset: 'u32',
  yOffset: 'u32',
});

function source(type: string, spec: MatmulSpec): string {
  const loadA = spec.transA
    ? `{ let kk = e / ${TILE}u; let r = e % ${TILE}u; let gr = row0 + r; let gk = k0 + kk;
        As[kk * ${TILE}u + r] = select(${type}(0), A[aOff + gk * M + gr], gr < M && gk < K); }`
    : `{ let r = e / ${BK}u; let kk = e % ${BK}u; let gr = row0 + r; let gk = k0 + kk;
        As[kk * ${TILE}u + r] = select(${type}(0), A[aOff + gr * K + gk], gr < M && gk < K); }`;
  const loadB = spec.transB
    ? `{ let c = e / ${BK}u; let kk = e % ${BK}u; let gc = col0 + c; let gk = k0 + kk;
        Bs[kk * ${TILE}u + c] = select(${type}(0), B[bOff + gc * K + gk], gc < N && gk < K); }`
    : `{ let kk = e / ${TILE}u; let c = e % ${TILE}u; let gc = col0 + c; let gk = k0 + kk;
        Bs[kk * ${TILE}u + c] = select(${type}(0), B[bOff + gk * N + gc], gc < N && gk < K); }`;
  const bindings = [
    { name: 'A', type },
    { name: 'B', type },
  ];
  if (spec.bias) bindings.push({ name: 'BIAS', type });
  let epilogue = 'var v = acc[i][j];';
  if (spec.bias) epilogue += ' v = v + BIAS[col];';
  if (spec.relu) epilogue += ` v = select(v, ${type}(0), v < ${type}(0));`;
  return `
${declare([...bindings, { name: 'C', type, write: true }], MATMUL)}
var<workgroup> As: array<${type}, ${TILE * BK}>;
var<workgroup> Bs: array<${type}, ${TILE * BK}>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let M = P.m;
  let K = P.k;
  let N = P.n;
  let z = wid.z + P.zOffset;
  let row0 = (wid.y + P.yOffset) * ${TILE}u;
  let col0 = wid.x * ${TILE}u;
  let tx = lid3.x;
  let ty = lid3.y;
  var acc: array<array<${type}, 4>, 4>;
  for (var bi = 0u; bi < P.batchInner; bi = bi + 1u) {
    let product = z * P.batchInner + bi;
    let aOff = P.aBase + product * P.aBatchStride;
    let bOff = P.bBase + product * P.bBatchStride;
    for (var k0 = 0u; k0 < K; k0 = k0 + ${BK}u) {
      for (var t = 0u; t < ${(TILE * BK) / 256}u; t = t + 1u) {
        let e = lid + t * 256u;
        ${loadA}
        ${loadB}
      }
      workgroupBarrier();
      for (var kk = 0u; kk < ${BK}u; kk = kk + 1u) {
        var ar: array<${type}, 4>;
        var br: array<${type}, 4>;
        for (var i = 0u; i < 4u; i = i + 1u) { ar[i] = As[kk * ${TILE}u + ty * 4u + i]; }
        for (var j = 0u; j < 4u; j = j + 1u) { br[j] = Bs[kk * ${TILE}u + tx * 4u + j]; }
        for (var i = 0u; i < 4u; i = i + 1u) {
          for (var j = 0u; j < 4u; j = j + 1u) { acc[i][j] = acc[i][j] + ar[i] * br[j]; }
        }
      }
      workgroupBarrier();
    }
  }
  let cOff = P.cBase + z * P.cBatchStride;
  for (var i = 0u; i < 4u; i = i + 1u) {
    let row = row0 + ty * 4u + i;
    if (row >= M) { break; }
    for (var j = 0u; j < 4u; j = j + 1u) {
      let col = col0 + tx * 4u + j;
      if (col < N) {
        ${epilogue}
        C[cOff + row * N + col] = v;
      }
    }
  }
}`;
}

/** Records the dispatches of one layout into `out` (chunked to respect the grid limits). */
export function matmulInto(
  rt: GpuRuntime,
  op: string,
  dtype: DType,
  spec: MatmulSpec,
  layout: MatmulLayout,
  a: GPUBuffer,
  b: GPUBuffer,
  bias: GPUBuffer | null,
  out: GPUBuffer,
): void {
  const type = wgslType(dtype, op);
  if (type === 'u32') throw new WebGPUBackendError(`webgpu.${op}: dtype bool is not supported`);
  const key = `matmul:${type}:${spec.transA ? 't' : 'n'}${spec.transB ? 't' : 'n'}:${spec.bias ? 'b' : ''}${spec.relu ? 'r' : ''}`;
  const pipeline = rt.pipeline(key, () => source(type, spec));
  const max = rt.maxWorkgroups;
  const colTiles = Math.ceil(layout.n / TILE);
  const rowTiles = Math.ceil(layout.m / TILE);
  if (colTiles > max) {
    throw new WebGPUBackendError(`webgpu.${op}: ${layout.n} output columns exceed ${max * TILE} (maxComputeWorkgroupsPerDimension)`);
  }
  const buffers = bias ? [a, b, bias, out] : [a, b, out];
  for (let z = 0; z < layout.batch; z += max) {
    for (let y = 0; y < rowTiles; y += max) {
      const params = MATMUL.write({ ...layout, zOffset: z, yOffset: y });
      rt.dispatch(pipeline, buffers, params, [colTiles, Math.min(max, rowTiles - y), Math.min(max, layout.batch - z)]);
    }
  }
}

function denseLayout(p: MatmulParams): MatmulLayout {
  return {
    m: p.m,
    k: p.k,
    n: p.n,
    batch: p.batch,
    batchInner: 1,
    aBase: 0,
    aBatchStride: p.aBatched ? p.m * p.k : 0,
    bBase: 0,
    bBatchStride: p.bBatched ? p.k * p.n : 0,
    cBase: 0,
    cBatchStride: p.m * p.n,
  };
}

export function matmul(
  rt: GpuRuntime,
  a: GpuHandle,
  b: GpuHandle,
  dtype: DType,
  p: MatmulParams,
  bias: GpuHandle | null = null,
  activation: 'none' | 'relu' = 'none',
): GpuHandle {
  const op = bias ? 'matmulBias' : 'matmul';
  const out = rt.allocate(op, p.batch * p.m * p.n);
  const spec = { transA: p.transA, transB: p.transB, bias: bias !== null, relu: activation === 'relu' };
  matmulInto(rt, op, dtype, spec, denseLayout(p), a.buffer, b.buffer, bias?.buffer ?? null, out.buffer);
  return out;
}
