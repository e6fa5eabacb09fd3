import type { DType, ReduceOp } from '@tensile/core';
import { WebGPUBackendError } from '../errors.js';
import type { GpuHandle } from '../runtime/handle.js';
import { paramStruct, type ParamFields, type ParamStruct } from '../runtime/params.js';
import { WORKGROUP, type GpuRuntime } from '../runtime/runtime.js';
import { FLOAT_HELPERS, declare, kernel1D, launch1D, wgslType } from './wgsl.js';

/**
 * Reductions over the middle axis of [outer, size, inner].
 *
 * Every op is written as an associative, commutative `merge` of (value,
 * index) pairs, so the same code serves a sequential loop and a tree in
 * workgroup memory. NaN wins (max/min propagate it, argmax/argmin return its
 * index) and ties go to the lower index, so the result does not depend on
 * the order in which the GPU combines partial results.
 */
function mergeCode(op: ReduceOp, type: 'f32' | 'i32'): { init: string; merge: string } {
  const lowest = type === 'f32' ? '-inf_f32()' : 'i32(-2147483647 - 1)';
  const highest = type === 'f32' ? 'inf_f32()' : '2147483647';
  const nan = (v: string) => (type === 'f32' ? `is_nan(${v})` : 'false');
  switch (op) {
    case 'sum':
      return { init: `${type}(0)`, merge: 'return Acc(a.v + b.v, 0u);' };
    case 'prod':
      return { init: `${type}(1)`, merge: 'return Acc(a.v * b.v, 0u);' };
    case 'max':
    case 'min': {
      const fn = op === 'max' ? 'max' : 'min';
      return {
        init: op === 'max' ? lowest : highest,
        merge: `if (${nan('a.v')}) { return a; }\n  if (${nan('b.v')}) { return b; }\n  return Acc(${fn}(a.v, b.v), 0u);`,
      };
    }
    case 'argmax':
    case 'argmin': {
      const better = op === 'argmax' ? '>' : '<';
      return {
        init: op === 'argmax' ? lowest : highest,
        merge: `if (a.i == EMPTY) { return b; }
  if (b.i == EMPTY) { return a; }
  let an = ${nan('a.v')};
  let bn = ${nan('b.v')};
  if (an && bn) { return lower(a, b); }
  if (an) { return a; }
  if (bn) { return b; }
  if (a.v ${better} b.v) { return a; }
  if (b.v ${better} a.v) { return b; }
  return lower(a, b);`,
      };
    }
  }
}

/** The row kernel: one workgroup for each of `rows` rows of `size`. */
const ROWS = paramStruct({ rows: 'u32', size: 'u32' });
/** The column kernel: one thread for each of `count` outputs, x viewed as [outer, size, inner]. */
const COLUMNS = paramStruct({ count: 'u32', size: 'u32', inner: 'u32' });

function preamble(op: ReduceOp, type: 'f32' | 'i32', params: ParamStruct<ParamFields>): string {
  const outType = op === 'argmax' || op === 'argmin' ? 'i32' : type;
  const { init, merge } = mergeCode(op, type);
  const result = op.startsWith('arg') ? 'i32(acc.i)' : 'acc.v';
  return `
${declare(
  [
    { name: 'X', type },
    { name: 'out', type: outType, write: true },
  ],
  params,
)}
${FLOAT_HELPERS}
const EMPTY = 0xffffffffu;
struct Acc { v: ${type}, i: u32 }
fn merge(a: Acc, b: Acc) -> Acc {
  ${merge}
}
// The pair with the lower index (WGSL's select does not take structs).
fn lower(a: Acc, b: Acc) -> Acc {
  if (a.i < b.i) { return a; }
  return b;
}
fn initial() -> Acc { return Acc(${init}, EMPTY); }
fn result(acc: Acc) -> ${outType} {
  if (acc.i == EMPTY && ${op.startsWith('arg')}) { return ${outType}(0); }
  return ${result};
}`;
}

/** One workgroup per output row (inner = 1): strided partial results, then a tree in shared memory. */
function rowSource(op: ReduceOp, type: 'f32' | 'i32'): string {
  return `${preamble(op, type, ROWS)}
var<workgroup> partial: array<Acc, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let rows = P.rows;
  let size = P.size;
  var acc = initial();
  if (row < rows) {
    for (var j = lid; j < size; j = j + ${WORKGROUP}u) {
      acc = merge(acc, Acc(X[row * size + j], j));
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { partial[lid] = merge(partial[lid], partial[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u && row < rows) { out[row] = result(partial[0]); }
}`;
}

/** One thread per output (inner > 1): a loop down the reduced axis, coalesced across inner. */
function columnSource(op: ReduceOp, type: 'f32' | 'i32'): string {
  return `${preamble(op, type, COLUMNS)}
${kernel1D(`  let size = P.size;
  let inner = P.inner;
  let base = (gi / inner) * size * inner + gi % inner;
  var acc = initial();
  for (var j = 0u; j < size; j = j + 1u) {
    acc = merge(acc, Acc(X[base + j * inner], j));
  }
  out[gi] = result(acc);`)}`;
}

const ROW_KERNEL_MIN = 64;

export function reduce(rt: GpuRuntime, op: ReduceOp, x: GpuHandle, dtype: DType, outer: number, size: number, inner: number): GpuHandle {
  const name = `reduce(${op})`;
  const type = wgslType(dtype, name);
  if (type === 'u32') throw new WebGPUBackendError(`webgpu.reduce: op '${op}' is not defined for dtype bool (cast first)`);
  const count = outer * inner;
  const out = rt.allocate(name, count);
  // A workgroup per row pays off only for long rows; short rows use one thread each.
  if (inner === 1 && size >= ROW_KERNEL_MIN) {
    const pipeline = rt.pipeline(`reduce-row:${op}:${type}`, () => rowSource(op, type));
    rt.dispatch(pipeline, [x.buffer, out.buffer], ROWS.write({ rows: outer, size }), rt.grid(name, outer));
  } else {
    const params = COLUMNS.write({ count, size, inner });
    launch1D(rt, name, `reduce-col:${op}:${type}`, () => columnSource(op, type), [x.buffer, out.buffer], params, count);
  }
  return out;
}
