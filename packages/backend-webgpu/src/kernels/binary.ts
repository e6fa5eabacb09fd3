import type { BinaryOp, BinaryOpOf, DType, Shape, StridedInput } from '@tensile/core';
import { WebGPUBackendError } from '../errors.js';
import type { GpuHandle } from '../runtime/handle.js';
import { paramStruct } from '../runtime/params.js';
import type { GpuRuntime } from '../runtime/runtime.js';
import { indexCode, iterationLayout, layoutFields, layoutValues } from './strided-index.js';
import { MATH_HELPERS } from './math.js';
import { FLOAT_HELPERS, declare, kernel1D, launch1D, sizeOf, wgslType } from './wgsl.js';

/** Every comparison's WGSL operator; a table op without one does not compile. */
const COMPARE: { [K in BinaryOpOf<'comparison'>]: string } = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

/** Arithmetic per WGSL type, logic on bools (u32 0/1); exhaustive over the table's ops of each kind. */
const F32_EXPR: { [K in BinaryOpOf<'arithmetic'>]: string } = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'pow_f(a, b)',
  maximum: 'max_f(a, b)',
  minimum: 'min_f(a, b)',
  mod: 'mod_f(a, b)',
  atan2: 'atan2(a, b)',
};
const I32_EXPR: { [K in BinaryOpOf<'arithmetic'>]: string } = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'div_i(a, b)',
  pow: 'pow_i(a, b)',
  maximum: 'max(a, b)',
  minimum: 'min(a, b)',
  mod: 'mod_i(a, b)',
  // Not reached: core casts int operands of atan2 to float32.
  atan2: 'i32(atan2(f32(a), f32(b)))',
};
const BOOL_EXPR: { [K in BinaryOpOf<'logical'>]: string } & Partial<Record<BinaryOp, string>> = {
  and: 'a & b',
  or: 'a | b',
  maximum: 'max(a, b)',
  minimum: 'min(a, b)',
};

const lookup = (table: Partial<Record<BinaryOp, string>>, op: BinaryOp) => table[op];

/** The expression of `op` on `a`, `b` and the result's WGSL type. */
function binaryExpr(op: BinaryOp, type: 'f32' | 'i32' | 'u32'): [string, string] | null {
  const cmp = lookup(COMPARE, op);
  if (cmp) {
    // Comparisons with NaN are false (true for ne), spelled out because WGSL
    // may assume NaN never occurs.
    if (type !== 'f32') return [`select(0u, 1u, a ${cmp} b)`, 'u32'];
    const nan = 'is_nan(a) || is_nan(b)';
    return op === 'ne' ? [`select(0u, 1u, ${nan} || a != b)`, 'u32'] : [`select(0u, 1u, !(${nan}) && a ${cmp} b)`, 'u32'];
  }
  const expr = lookup(type === 'f32' ? F32_EXPR : type === 'i32' ? I32_EXPR : BOOL_EXPR, op);
  return expr ? [expr, type] : null;
}

/** The GPU buffer behind a strided input. */
export type GpuInput = Omit<StridedInput, 'handle'> & { handle: GpuHandle };

/** out = a (op) b over core's iteration shape, each input read at its offset through its strides. */
export function binary(rt: GpuRuntime, op: BinaryOp, a: GpuInput, b: GpuInput, shape: Shape, dtype: DType): GpuHandle {
  const name = `binary(${op})`;
  const type = wgslType(dtype, name);
  const expr = binaryExpr(op, type);
  if (!expr) throw new WebGPUBackendError(`webgpu.binary: op '${op}' is not defined for dtype ${dtype}`);
  const size = sizeOf(shape);
  const out = rt.allocate(name, size);
  const c = iterationLayout(name, shape, [a.strides, b.strides]);
  const rank = c.shape.length;
  const struct = paramStruct({ count: 'u32', offset0: 'i32', offset1: 'i32', ...layoutFields(rank, 2) });
  const params = struct.write({ count: size, offset0: a.offset, offset1: b.offset, ...layoutValues(c) });
  const source = () => `
${declare(
  [
    { name: 'A', type },
    { name: 'B', type },
    { name: 'out', type: expr[1], write: true },
  ],
  struct,
)}
${FLOAT_HELPERS}
${MATH_HELPERS}
${kernel1D(`${indexCode(rank, 2, ['P.offset0', 'P.offset1'])}
  let a = A[idx0];
  let b = B[idx1];
  out[gi] = ${expr[0]};`)}`;
  launch1D(rt, name, `binary:${op}:${type}:r${rank}`, source, [a.handle.buffer, b.handle.buffer, out.buffer], params, size);
  return out;
}

/** out = cond ? a : b over core's iteration shape, each input read at its offset through its strides. */
export function where(rt: GpuRuntime, cond: GpuInput, a: GpuInput, b: GpuInput, shape: Shape, dtype: DType): GpuHandle {
  const type = wgslType(dtype, 'where');
  const size = sizeOf(shape);
  const out = rt.allocate('where', size);
  const c = iterationLayout('where', shape, [cond.strides, a.strides, b.strides]);
  const rank = c.shape.length;
  const struct = paramStruct({ count: 'u32', offset0: 'i32', offset1: 'i32', offset2: 'i32', ...layoutFields(rank, 3) });
  const params = struct.write({ count: size, offset0: cond.offset, offset1: a.offset, offset2: b.offset, ...layoutValues(c) });
  const source = () => `
${declare(
  [
    { name: 'C', type: 'u32' },
    { name: 'A', type },
    { name: 'B', type },
    { name: 'out', type, write: true },
  ],
  struct,
)}
${FLOAT_HELPERS}
${kernel1D(`${indexCode(rank, 3, ['P.offset0', 'P.offset1', 'P.offset2'])}
  out[gi] = select(B[idx2], A[idx1], C[idx0] != 0u);`)}`;
  launch1D(rt, 'where', `where:${type}:r${rank}`, source, [cond.handle.buffer, a.handle.buffer, b.handle.buffer, out.buffer], params, size);
  return out;
}
