import type { DType, ScatterParams, ScatterReduceOp } from '@tensile/core';
import type { GpuHandle } from '../runtime/handle.js';
import { WebGPUBackendError } from '../errors.js';
import { paramStruct } from '../runtime/params.js';
import type { GpuRuntime } from '../runtime/runtime.js';
import { FLOAT_HELPERS, declare, kernel1D, launch1D, wgslType } from './wgsl.js';

/** One thread per (o, i) column of x viewed as [outer, n, inner]; src and index are [outer, m, inner]. */
const SCATTER = paramStruct({ count: 'u32', n: 'u32', m: 'u32', inner: 'u32' });

/** The fold of source v into acc, per op and type; NaN propagates through max and min. */
function fold(op: ScatterReduceOp, type: 'f32' | 'i32'): string {
  const nan = (e: string) => (type === 'f32' ? e : 'false');
  switch (op) {
    case 'set':
      return 'v';
    case 'sum':
      return 'acc + v';
    case 'prod':
      return 'acc * v';
    case 'max':
      return `select(acc, v, (v > acc || ${nan('is_nan(v)')}) && !${nan('is_nan(acc)')})`;
    case 'min':
      return `select(acc, v, (v < acc || ${nan('is_nan(v)')}) && !${nan('is_nan(acc)')})`;
  }
}

/** The fold's starting value where x takes no part. */
function identity(op: ScatterReduceOp, type: 'f32' | 'i32'): string {
  if (op === 'sum' || op === 'set') return `${type}(0)`;
  if (op === 'prod') return `${type}(1)`;
  if (type === 'i32') return op === 'max' ? 'bitcast<i32>(0x80000000u)' : '2147483647i';
  return op === 'max' ? '-inf_f32()' : 'inf_f32()';
}

/**
 * scatterReduce (see the contract): deterministic, each thread folds one
 * column's sources in increasing k, so sums match the other backends' bits.
 * Work is O(n + m) per column, with outer·inner columns in parallel.
 */
export function scatterReduce(
  rt: GpuRuntime,
  op: ScatterReduceOp,
  x: GpuHandle,
  src: GpuHandle,
  index: GpuHandle,
  dtype: DType,
  p: ScatterParams,
): GpuHandle {
  const type = wgslType(dtype, 'scatterReduce');
  if (type === 'u32') throw new WebGPUBackendError('webgpu.scatterReduce: dtype bool is not taken (core casts it to int32 first)');
  const out = rt.allocate('scatterReduce', p.outer * p.n * p.inner);
  const count = p.outer * p.inner;
  const reset = !p.includeSelf && op !== 'set';
  const source = () => `
${declare(
  [
    { name: 'X', type },
    { name: 'SRC', type },
    { name: 'IDX', type: 'i32' },
    { name: 'out', type, write: true },
  ],
  SCATTER,
)}
${FLOAT_HELPERS}
${kernel1D(`  let inner = P.inner;
  let o = gi / inner;
  let base = o * P.n * inner + gi % inner;
  let first = o * P.m * inner + gi % inner;
  for (var j = 0u; j < P.n; j++) { out[base + j * inner] = X[base + j * inner]; }
  ${
    reset
      ? `for (var k = 0u; k < P.m; k++) {
    let j = IDX[first + k * inner];
    if (j >= 0 && u32(j) < P.n) { out[base + u32(j) * inner] = ${identity(op, type)}; }
  }`
      : ''
  }
  for (var k = 0u; k < P.m; k++) {
    let j = IDX[first + k * inner];
    if (j >= 0 && u32(j) < P.n) {
      let at = base + u32(j) * inner;
      let acc = out[at];
      let v = SRC[first + k * inner];
      out[at] = ${fold(op, type)};
    }
  }`)}`;
  const params = SCATTER.write({ count, n: p.n, m: p.m, inner: p.inner });
  launch1D(
    rt,
    'scatterReduce',
    `scatterReduce:${op}:${type}:${reset}`,
    source,
    [x.buffer, src.buffer, index.buffer, out.buffer],
    params,
    count,
  );
  return out;
}
