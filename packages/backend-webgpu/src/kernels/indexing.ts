import type { DType } from '@tensile/core';
import type { GpuHandle } from '../runtime/handle.js';
import { paramStruct } from '../runtime/params.js';
import type { GpuRuntime } from '../runtime/runtime.js';
import { fill } from './elementwise.js';
import { declare, kernel1D, launch1D, wgslType } from './wgsl.js';

/** x viewed as [outer, n, inner], indices of length m; count = the kernel's elements. */
const INDEXING = paramStruct({ count: 'u32', n: 'u32', m: 'u32', inner: 'u32' });

export function gather(
  rt: GpuRuntime,
  x: GpuHandle,
  dtype: DType,
  outer: number,
  n: number,
  inner: number,
  indices: GpuHandle,
  m: number,
): GpuHandle {
  wgslType(dtype, 'gather');
  const count = outer * m * inner;
  const out = rt.allocate('gather', count);
  const source = () => `
${declare(
  [
    { name: 'X', type: 'u32' },
    { name: 'IDX', type: 'i32' },
    { name: 'out', type: 'u32', write: true },
  ],
  INDEXING,
)}
${kernel1D(`  let inner = P.inner;
  let i = gi % inner;
  let t = gi / inner;
  let j = t % P.m;
  let o = t / P.m;
  out[gi] = X[(o * P.n + u32(IDX[j])) * inner + i];`)}`;
  const params = INDEXING.write({ count, n, m, inner });
  launch1D(rt, 'gather', 'gather', source, [x.buffer, indices.buffer, out.buffer], params, count);
  return out;
}

/**
 * Adds each source row into its indexed output row with atomics. WGSL has
 * atomic add for integers only, so floats use a compare-exchange loop on
 * the bits. Additions into one element happen in no fixed order: float
 * results may differ from a sequential sum by rounding.
 */
export function scatterAdd(
  rt: GpuRuntime,
  src: GpuHandle,
  dtype: DType,
  outer: number,
  m: number,
  inner: number,
  indices: GpuHandle,
  n: number,
): GpuHandle {
  const type = wgslType(dtype, 'scatterAdd');
  const out = fill(rt, outer * n * inner, 0, dtype);
  const count = outer * m * inner;
  const add =
    type === 'f32'
      ? `var old = atomicLoad(&out[dst]);
  loop {
    let r = atomicCompareExchangeWeak(&out[dst], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }`
      : `atomicAdd(&out[dst], v);`;
  const atomicType = type === 'f32' ? 'u32' : type;
  const source = () => `
${declare(
  [
    { name: 'SRC', type },
    { name: 'IDX', type: 'i32' },
    { name: 'out', type: `atomic<${atomicType}>`, write: true },
  ],
  INDEXING,
)}
${kernel1D(`  let inner = P.inner;
  let i = gi % inner;
  let t = gi / inner;
  let j = t % P.m;
  let o = t / P.m;
  let dst = (o * P.n + u32(IDX[j])) * inner + i;
  let v = SRC[gi];
  ${add}`)}`;
  const params = INDEXING.write({ count, n, m, inner });
  launch1D(rt, 'scatterAdd', `scatterAdd:${type}`, source, [src.buffer, indices.buffer, out.buffer], params, count);
  return out;
}
