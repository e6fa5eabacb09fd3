import type { DType, FusedUnaryOp, RequiredUnaryOp, UnaryOp, UnaryOpOf } from '@tensile/core';
import { WebGPUBackendError } from '../errors.js';
import type { GpuHandle } from '../runtime/handle.js';
import { Params, paramStruct } from '../runtime/params.js';
import type { GpuRuntime } from '../runtime/runtime.js';
import { MATH_HELPERS } from './math.js';
import { FLOAT_HELPERS, declare, kernel1D, launch1D, wgslType } from './wgsl.js';

/** Bits of `value` as stored for `dtype` (f32 bits, i32 two's complement, bool 0/1). */
export function valueBits(value: number, dtype: DType): Params {
  const p = new Params();
  if (dtype === 'float32') return p.f32(value);
  if (dtype === 'int32') return p.i32(Number.isFinite(value) ? Math.trunc(value) : 0);
  return p.u32(value !== 0 ? 1 : 0); // NaN counts as true, as bool(nan) in PyTorch
}

/** Params of the kernels that only need their element count. */
export const COUNT = paramStruct({ count: 'u32' });
/** fill: the value's bits as stored for its dtype. */
const FILL = paramStruct({ count: 'u32', value: 'u32' });
/** clamp's bounds, in the tensor's own type. */
const CLAMP_F32 = paramStruct({ count: 'u32', lo: 'f32', hi: 'f32' });
const CLAMP_I32 = paramStruct({ count: 'u32', lo: 'i32', hi: 'i32' });

export function fill(rt: GpuRuntime, size: number, value: number, dtype: DType): GpuHandle {
  wgslType(dtype, 'fill');
  const out = rt.allocate('fill', size);
  const params = FILL.write({ count: size, value: valueBits(value, dtype).words[0]! });
  // One pipeline for every dtype: the value's bits are stored as they are.
  const source = () => `${declare([{ name: 'out', type: 'u32', write: true }], FILL)}\n${kernel1D('  out[gi] = P.value;')}`;
  launch1D(rt, 'fill', 'fill', source, [out.buffer], params, size);
  return out;
}

/** f32 expressions of every required float and numeric op (a table op without one does not compile), and of the fused composable ones. */
const F32_EXPR: { [K in UnaryOpOf<'float' | 'numeric'> & RequiredUnaryOp]: string } & { [K in FusedUnaryOp]?: string } = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'sign_f(x)',
  square: 'x * x',
  exp: 'exp_f(x)',
  log: 'log_f(x)',
  log1p: 'log1p_f(x)',
  expm1: 'expm1_f(x)',
  sqrt: 'sqrt_f(x)',
  rsqrt: '1.0 / sqrt_f(x)',
  reciprocal: '1.0 / x',
  sin: 'sin_cos_f(x, false)',
  cos: 'sin_cos_f(x, true)',
  tanh: 'tanh_f(x)',
  sigmoid: 'sigmoid_f(x)',
  erf: 'erf_f(x)',
  relu: 'select(x, 0.0, x < 0.0)',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  round: 'round(x)', // WGSL round() is round-half-to-even
};

/** f32 -> bool (u32) predicates. */
const F32_PREDICATE: { [K in UnaryOpOf<'predicate'>]: string } = {
  isnan: 'select(0u, 1u, is_nan(x))',
  isinf: 'select(0u, 1u, is_inf(x))',
};

/** i32 expressions of the numeric ops (int32 predicates are all false and never reach a kernel: core answers them). */
const I32_EXPR: { [K in UnaryOpOf<'numeric'> & RequiredUnaryOp]: string } & { [K in FusedUnaryOp]?: string } = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'sign(x)',
  square: 'x * x',
  relu: 'max(x, 0)',
  // An integer is already whole (the contract, and PyTorch: floor of int32 is a copy).
  floor: 'x',
  ceil: 'x',
  round: 'x',
};

const BOOL_EXPR: { [K in UnaryOpOf<'bool'>]: string } = { not: '1u - x' };

const lookup = (table: Partial<Record<UnaryOp, string>>, op: UnaryOp) => table[op];

/** The expression of a unary op on `x`, and the result's WGSL type. */
function unaryExpr(op: UnaryOp, type: 'f32' | 'i32' | 'u32'): [string, string] | null {
  if (type === 'f32') {
    const f = lookup(F32_EXPR, op);
    if (f) return [f, 'f32'];
    const p = lookup(F32_PREDICATE, op);
    return p ? [p, 'u32'] : null;
  }
  const e = lookup(type === 'i32' ? I32_EXPR : BOOL_EXPR, op);
  return e ? [e, type] : null;
}

export function unary(rt: GpuRuntime, op: UnaryOp, x: GpuHandle, dtype: DType, size: number): GpuHandle {
  const type = wgslType(dtype, `unary(${op})`);
  const expr = unaryExpr(op, type);
  if (!expr) throw new WebGPUBackendError(`webgpu.unary: op '${op}' is not defined for dtype ${dtype}`);
  const out = rt.allocate(`unary(${op})`, size);
  const source = () => `
${declare(
  [
    { name: 'x_in', type },
    { name: 'out', type: expr[1], write: true },
  ],
  COUNT,
)}
${FLOAT_HELPERS}
${type === 'f32' ? MATH_HELPERS : ''}
${kernel1D(`  let x = x_in[gi];\n  out[gi] = ${expr[0]};`)}`;
  launch1D(rt, `unary(${op})`, `unary:${op}:${type}`, source, [x.buffer, out.buffer], COUNT.write({ count: size }), size);
  return out;
}

export function clamp(rt: GpuRuntime, x: GpuHandle, dtype: DType, size: number, lo: number, hi: number): GpuHandle {
  const type = wgslType(dtype, 'clamp');
  if (type === 'u32') throw new WebGPUBackendError('webgpu.clamp: dtype bool cannot be clamped');
  const out = rt.allocate('clamp', size);
  const struct = type === 'f32' ? CLAMP_F32 : CLAMP_I32;
  let params: Params;
  let expr: string;
  if (type === 'f32') {
    params = CLAMP_F32.write({ count: size, lo, hi });
    // min(max()) rather than clamp(): defined when lo > hi (gives hi, as PyTorch).
    expr = 'select(min(max(x, P.lo), P.hi), x, is_nan(x))';
  } else {
    params = CLAMP_I32.write({
      count: size,
      lo: Math.max(Math.ceil(lo), -2147483648),
      hi: Math.min(Math.floor(hi), 2147483647),
    });
    expr = 'min(max(x, P.lo), P.hi)';
  }
  const source = () => `
${declare(
  [
    { name: 'x_in', type },
    { name: 'out', type, write: true },
  ],
  struct,
)}
${FLOAT_HELPERS}
${kernel1D(`  let x = x_in[gi];\n  out[gi] = ${expr};`)}`;
  launch1D(rt, 'clamp', `clamp:${type}`, source, [x.buffer, out.buffer], params, size);
  return out;
}

/**
 * f32 -> i32: truncates toward zero and saturates to [-2^31, 2^31 - 1],
 * NaN -> 0, the rule every backend follows (wasm's i32.trunc_sat). WGSL's
 * i32() saturates too; the selects say so explicitly, so no driver's
 * out-of-range conversion can differ.
 */
const F32_TO_I32 = 'select(select(select(i32(x), 2147483647i, x >= 2147483648.0), i32(-2147483648), x <= -2147483648.0), 0i, is_nan(x))';

export function cast(rt: GpuRuntime, x: GpuHandle, from: DType, to: DType, size: number): GpuHandle {
  const src = wgslType(from, 'cast');
  const dst = wgslType(to, 'cast');
  let expr = 'f32(x)';
  if (src === dst) expr = 'x';
  else if (dst === 'u32') expr = src === 'f32' ? 'select(0u, 1u, x != 0.0 || is_nan(x))' : 'select(0u, 1u, x != 0)';
  else if (dst === 'i32' && src === 'f32') expr = F32_TO_I32;
  else if (dst === 'i32') expr = 'i32(x)';
  const out = rt.allocate('cast', size);
  const source = () => `
${declare(
  [
    { name: 'x_in', type: src },
    { name: 'out', type: dst, write: true },
  ],
  COUNT,
)}
${FLOAT_HELPERS}
${kernel1D(`  let x = x_in[gi];\n  out[gi] = ${expr};`)}`;
  launch1D(rt, 'cast', `cast:${src}:${dst}`, source, [x.buffer, out.buffer], COUNT.write({ count: size }), size);
  return out;
}
