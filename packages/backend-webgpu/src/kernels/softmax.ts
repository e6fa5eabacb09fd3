import type { DType } from '@tensile/core';
import { WebGPUBackendError } from '../errors.js';
import type { GpuHandle } from '../runtime/handle.js';
import { paramStruct } from '../runtime/params.js';
import { WORKGROUP, type GpuRuntime } from '../runtime/runtime.js';
import { MATH_HELPERS } from './math.js';
import { FLOAT_HELPERS, declare } from './wgsl.js';

/**
 * Softmax and log-softmax over the rows of [rows, cols], one workgroup per
 * row: a max (NaN-propagating) and a sum of exp(x - max) reduced in shared
 * memory, then one pass writing the result. Subtracting the max keeps exp
 * from overflowing, as the composition in core does.
 */
const SOFTMAX = paramStruct({ rows: 'u32', cols: 'u32' });

function source(log: boolean): string {
  const write = log ? 'X[base + j] - mx - logSum' : 'exp_f(X[base + j] - mx) / total';
  return `
${declare(
  [
    { name: 'X', type: 'f32' },
    { name: 'out', type: 'f32', write: true },
  ],
  SOFTMAX,
)}
${FLOAT_HELPERS}
${MATH_HELPERS}
var<workgroup> red: array<f32, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let live = row < P.rows;
  let cols = P.cols;
  let base = row * cols;
  var m = -inf_f32();
  if (live) {
    for (var j = lid; j < cols; j = j + ${WORKGROUP}u) { m = max_f(m, X[base + j]); }
  }
  red[lid] = m;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = max_f(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let mx = red[0];
  workgroupBarrier();
  var sum = 0.0;
  if (live) {
    for (var j = lid; j < cols; j = j + ${WORKGROUP}u) { sum = sum + exp_f(X[base + j] - mx); }
  }
  red[lid] = sum;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  let logSum = log_f(total);
  if (live) {
    for (var j = lid; j < cols; j = j + ${WORKGROUP}u) { out[base + j] = ${write}; }
  }
}`;
}

export function softmax(rt: GpuRuntime, x: GpuHandle, dtype: DType, rows: number, cols: number, log: boolean): GpuHandle {
  const op = log ? 'logSoftmax' : 'softmax';
  if (dtype !== 'float32') throw new WebGPUBackendError(`webgpu.${op}: dtype ${dtype} is not supported (float32 only)`);
  const out = rt.allocate(op, rows * cols);
  if (cols > 0) {
    const pipeline = rt.pipeline(op, () => source(log));
    rt.dispatch(pipeline, [x.buffer, out.buffer], SOFTMAX.write({ rows, cols }), rt.grid(op, rows));
  }
  return out;
}
