import type { DType, ScanOp, SortResult } from '@tensile/core';
import { WebGPUBackendError } from '../errors.js';
import type { GpuHandle } from '../runtime/handle.js';
import { paramStruct } from '../runtime/params.js';
import type { GpuRuntime } from '../runtime/runtime.js';
import { FLOAT_HELPERS, declare, kernel1D, launch1D, wgslType } from './wgsl.js';

/*
 * Scans and sorts along the middle axis of x viewed as [outer, size, inner]:
 * row (o, j) is x[(o * size + i) * inner + j] for i < size.
 */

/** One thread per row (count = outer * inner rows). */
const SCAN = paramStruct({ count: 'u32', size: 'u32', inner: 'u32' });

/** acc' from acc and the next value v. */
function combine(op: ScanOp, type: 'f32' | 'i32'): string {
  switch (op) {
    case 'sum':
      return 'acc + v';
    case 'prod':
      return 'acc * v';
    case 'logsumexp':
      if (type !== 'f32') throw new WebGPUBackendError('webgpu.scan: logsumexp takes float32 only');
      return 'log_add_exp(acc, v)';
  }
}

function scanSource(op: ScanOp, type: 'f32' | 'i32'): string {
  return `
${declare(
  [
    { name: 'X', type },
    { name: 'out', type, write: true },
  ],
  SCAN,
)}
${FLOAT_HELPERS}
// log(exp(a) + exp(b)) without overflow: -Inf is the identity, +Inf absorbs, NaN propagates.
fn log_add_exp(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  if (is_inf(a) && a < 0.0) { return b; }
  if (is_inf(b) && b < 0.0) { return a; }
  if (is_inf(a) || is_inf(b)) { return inf_f32(); }
  let hi = max(a, b);
  return hi + log(1.0 + exp(-abs(a - b)));
}
${kernel1D(`  let size = P.size;
  let inner = P.inner;
  var at = (gi / inner) * size * inner + gi % inner;
  if (size == 0u) { return; }
  var acc = X[at];
  out[at] = acc;
  for (var i = 1u; i < size; i = i + 1u) {
    at = at + inner;
    let v = X[at];
    acc = ${combine(op, type)};
    out[at] = acc;
  }`)}`;
}

/** An inclusive scan of every row, one thread per row, in order down the row (int32 wraps, as WGSL's i32 does). */
export function scan(rt: GpuRuntime, op: ScanOp, x: GpuHandle, dtype: DType, outer: number, size: number, inner: number): GpuHandle {
  const name = `scan(${op})`;
  const type = wgslType(dtype, name);
  if (type === 'u32') throw new WebGPUBackendError(`webgpu.scan: op '${op}' is not defined for dtype bool (cast first)`);
  const out = rt.allocate(name, outer * size * inner);
  const count = outer * inner;
  const params = SCAN.write({ count, size, inner });
  launch1D(rt, name, `scan:${op}:${type}`, () => scanSource(op, type), [x.buffer, out.buffer], params, size === 0 ? 0 : count);
  return out;
}

/** One thread per element (count = outer * size * inner). */
const SORT = paramStruct({ count: 'u32', size: 'u32', inner: 'u32', descending: 'u32' });

/**
 * A rank sort: each element counts the elements of its row that sort before
 * it (strictly before, or equal and earlier in the row) and writes itself at
 * that rank. Stable by construction and exact; O(size²) work per row, done
 * by size threads in parallel, which suits the row lengths of sort, topk and
 * median in models (up to a few thousand).
 */
function sortSource(type: 'f32' | 'i32'): string {
  const nan = (v: string) => (type === 'f32' ? `is_nan(${v})` : 'false');
  return `
${declare(
  [
    { name: 'X', type },
    { name: 'values', type, write: true },
    { name: 'indices', type: 'i32', write: true },
  ],
  SORT,
)}
${FLOAT_HELPERS}
// a strictly before b in ascending order, NaN above +Inf.
fn ascending(a: ${type}, b: ${type}) -> bool {
  if (${nan('b')}) { return !${nan('a')}; }
  if (${nan('a')}) { return false; }
  return a < b;
}
${kernel1D(`  let size = P.size;
  let inner = P.inner;
  let i = (gi / inner) % size;
  let base = (gi / (size * inner)) * size * inner + gi % inner;
  let v = X[gi];
  var rank = 0u;
  for (var k = 0u; k < size; k = k + 1u) {
    let w = X[base + k * inner];
    var before: bool;
    if (P.descending != 0u) { before = ascending(v, w); } else { before = ascending(w, v); }
    // Equal values: the earlier one first, in both directions.
    let tie = !ascending(v, w) && !ascending(w, v);
    if (before || (tie && k < i)) { rank = rank + 1u; }
  }
  values[base + rank * inner] = v;
  indices[base + rank * inner] = i32(i);`)}`;
}

/** A stable sort of every row: values and int32 positions. */
export function sort(
  rt: GpuRuntime,
  x: GpuHandle,
  dtype: DType,
  outer: number,
  size: number,
  inner: number,
  descending: boolean,
): SortResult {
  const type = wgslType(dtype, 'sort');
  if (type === 'u32') throw new WebGPUBackendError('webgpu.sort: dtype bool is not sorted (cast first)');
  const count = outer * size * inner;
  const values = rt.allocate('sort', count);
  const indices = rt.allocate('sort', count);
  const params = SORT.write({ count, size, inner, descending: descending ? 1 : 0 });
  launch1D(rt, 'sort', `sort:${type}`, () => sortSource(type), [x.buffer, values.buffer, indices.buffer], params, count);
  return { values, indices };
}
