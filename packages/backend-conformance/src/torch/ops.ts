/**
 * How each fixture op name maps onto a call of Tensile's public API. One
 * entry per op: the fixture's inputs (as tensors) and args in, the output out.
 */
import type * as Core from '@tensile/core';
import type { Tensor } from '@tensile/core';
import { BATCH_NORM_OPS } from './ops-batch-norm.js';
import { CONV_POOL_OPS } from './ops-conv-pool.js';
import { SCAN_SORT_OPS } from './ops-scan-sort.js';
import { SCATTER_OPS } from './ops-scatter.js';

export type CoreApi = typeof Core;
type Args = Record<string, any>;
type OpCall = (t: CoreApi, xs: Tensor[], args: Args) => Tensor;

const unary =
  (f: (t: CoreApi, x: Tensor) => Tensor): OpCall =>
  (t, [x]) =>
    f(t, x);

/** Binary ops take a second tensor, or a JS number given as args.other. */
const binary =
  (f: (t: CoreApi, a: Tensor, b: Tensor | number) => Tensor): OpCall =>
  (t, xs, args) =>
    f(t, xs[0], typeof args.other === 'number' ? args.other : xs[1]);

const reduction =
  (f: (t: CoreApi, x: Tensor, axis: any, keepdims: boolean) => Tensor): OpCall =>
  (t, [x], args) =>
    f(t, x, args.axis ?? null, args.keepdims ?? false);

export const TORCH_OPS: Record<string, OpCall> = {
  neg: unary((t, x) => t.neg(x)),
  abs: unary((t, x) => t.abs(x)),
  sign: unary((t, x) => t.sign(x)),
  square: unary((t, x) => t.square(x)),
  exp: unary((t, x) => t.exp(x)),
  log: unary((t, x) => t.log(x)),
  log1p: unary((t, x) => t.log1p(x)),
  expm1: unary((t, x) => t.expm1(x)),
  sqrt: unary((t, x) => t.sqrt(x)),
  rsqrt: unary((t, x) => t.rsqrt(x)),
  reciprocal: unary((t, x) => t.reciprocal(x)),
  sin: unary((t, x) => t.sin(x)),
  cos: unary((t, x) => t.cos(x)),
  tanh: unary((t, x) => t.tanh(x)),
  sigmoid: unary((t, x) => t.sigmoid(x)),
  erf: unary((t, x) => t.erf(x)),
  relu: unary((t, x) => t.relu(x)),
  floor: unary((t, x) => t.floor(x)),
  ceil: unary((t, x) => t.ceil(x)),
  round: unary((t, x) => t.round(x)),
  logicalNot: unary((t, x) => t.logicalNot(x)),
  clamp: (t, [x], args) => t.clamp(x, args.min ?? null, args.max ?? null),
  // Core's composed math (ops/unary-table.ts composites, ops/math.ts).
  ...Object.fromEntries(
    (['tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'log2', 'log10', 'exp2', 'trunc', 'frac'] as const).map(
      (op): [string, OpCall] => [op, unary((t, x) => t[op](x))],
    ),
  ),
  ...Object.fromEntries(
    (['mish', 'hardswish', 'hardsigmoid', 'relu6', 'selu', 'logsigmoid', 'isFinite', 'isPosInf', 'isNegInf'] as const).map(
      (op): [string, OpCall] => [op, unary((t, x) => t[op](x))],
    ),
  ),
  elu: (t, [x], args) => t.elu(x, { alpha: args.alpha }),
  celu: (t, [x], args) => t.celu(x, { alpha: args.alpha }),
  leakyRelu: (t, [x], args) => t.leakyRelu(x, { negativeSlope: args.negativeSlope }),
  gelu: (t, [x], args) => t.gelu(x, { approximate: args.approximate }),
  fmod: binary((t, a, b) => t.fmod(a, b)),
  hypot: binary((t, a, b) => t.hypot(a, b)),
  lerp: (t, [a, b, w], args) => t.lerp(a, b, typeof args.weight === 'number' ? args.weight : w),
  addcmul: (t, [a, b, c], args) => t.addcmul(a, b, c, { value: args.value }),
  addcdiv: (t, [a, b, c], args) => t.addcdiv(a, b, c, { value: args.value }),
  nanToNum: (t, [x], args) => t.nanToNum(x, { nan: args.nan, posinf: args.posinf, neginf: args.neginf }),

  add: binary((t, a, b) => t.add(a, b)),
  sub: binary((t, a, b) => t.sub(a, b)),
  mul: binary((t, a, b) => t.mul(a, b)),
  div: binary((t, a, b) => t.div(a, b)),
  floorDivide: binary((t, a, b) => t.floorDivide(a, b)),
  pow: binary((t, a, b) => t.pow(a, b)),
  maximum: binary((t, a, b) => t.maximum(a, b)),
  minimum: binary((t, a, b) => t.minimum(a, b)),
  mod: binary((t, a, b) => t.mod(a, b)),
  eq: binary((t, a, b) => t.eq(a, b)),
  ne: binary((t, a, b) => t.ne(a, b)),
  lt: binary((t, a, b) => t.lt(a, b)),
  le: binary((t, a, b) => t.le(a, b)),
  gt: binary((t, a, b) => t.gt(a, b)),
  ge: binary((t, a, b) => t.ge(a, b)),
  logicalAnd: (t, [a, b]) => t.logicalAnd(a, b),
  logicalOr: (t, [a, b]) => t.logicalOr(a, b),
  logicalXor: (t, [a, b]) => t.logicalXor(a, b),
  where: (t, [cond, a, b]) => t.where(cond, a, b),

  sum: reduction((t, x, axis, keepdims) => t.sum(x, axis, keepdims)),
  mean: reduction((t, x, axis, keepdims) => t.mean(x, axis, keepdims)),
  max: reduction((t, x, axis, keepdims) => t.amax(x, axis, keepdims)),
  min: reduction((t, x, axis, keepdims) => t.amin(x, axis, keepdims)),
  prod: reduction((t, x, axis, keepdims) => t.prod(x, axis, keepdims)),
  argmax: reduction((t, x, axis, keepdims) => t.argmax(x, axis, keepdims)),
  argmin: reduction((t, x, axis, keepdims) => t.argmin(x, axis, keepdims)),
  logsumexp: reduction((t, x, axis, keepdims) => t.logsumexp(x, axis, keepdims)),
  var: (t, [x], args) => t.var(x, args.axis ?? null, { unbiased: args.unbiased, correction: args.correction, keepdims: args.keepdims }),
  std: (t, [x], args) => t.std(x, args.axis ?? null, { unbiased: args.unbiased, correction: args.correction, keepdims: args.keepdims }),
  softmax: (t, [x], args) => t.softmax(x, args.axis),
  logSoftmax: (t, [x], args) => t.logSoftmax(x, args.axis),

  matmul: (t, [a, b], args) => t.matmul(a, b, { transA: args.transA, transB: args.transB }),

  reshape: (t, [x], args) => t.reshape(x, args.shape),
  flatten: (t, [x], args) => t.flatten(x, args.start, args.end),
  transpose: (t, [x], args) => t.transpose(x, args.a, args.b),
  permute: (t, [x], args) => t.permute(x, args.perm),
  expand: (t, [x], args) => t.expand(x, args.shape),
  squeeze: (t, [x], args) => t.squeeze(x, args.axis ?? undefined),
  unsqueeze: (t, [x], args) => t.unsqueeze(x, args.axis),
  slice: (t, [x], args) => t.slice(x, args.ranges),
  narrow: (t, [x], args) => t.narrow(x, args.axis, args.start, args.length),
  flip: (t, [x], args) => t.flip(x, args.axes),
  pad: (t, [x], args) => t.pad(x, args.pads, args.value),
  concat: (t, xs, args) => t.concat(xs, args.axis),
  stack: (t, xs, args) => t.stack(xs, args.axis),
  split: (t, [x], args) => {
    const parts = t.split(x, args.sizes, args.axis);
    if (!(args.index in parts)) throw new Error(`split: fixture asks for piece ${args.index} of ${parts.length}`);
    return parts[args.index];
  },
  cast: (t, [x], args) => t.cast(x, args.dtype),

  indexSelect: (t, [x, idx], args) => t.indexSelect(x, args.axis, idx),
  gather: (t, [x, idx], args) => t.gather(x, args.axis, idx),

  // Core's composed indexing and shape ops (ops/diagonals.ts, ops/rearrange.ts, ops/einsum.ts).
  tril: (t, [x], args) => t.tril(x, args.diagonal),
  triu: (t, [x], args) => t.triu(x, args.diagonal),
  diag: (t, [x], args) => t.diag(x, args.diagonal),
  diagonal: (t, [x], args) => t.diagonal(x, args.offset, args.dim1, args.dim2),
  repeat: (t, [x], args) => t.repeat(x, args.sizes),
  tile: (t, [x], args) => t.tile(x, args.dims),
  roll: (t, [x], args) => t.roll(x, args.shifts, args.dims),
  unflatten: (t, [x], args) => t.unflatten(x, args.dim, args.sizes),
  movedim: (t, [x], args) => t.movedim(x, args.source, args.destination),
  meshgrid: (t, xs, args) => t.meshgrid(xs, { indexing: args.indexing })[args.index],
  einsum: (t, xs, args) => t.einsum(args.equation, ...xs),
  oneHot: (t, [x], args) => t.oneHot(x, args.numClasses),

  linear: (t, [x, w, bias]) => t.linear(x, w, bias ?? null),
  conv2d: (t, [x, w, bias], args) =>
    t.conv2d(x, w, bias ?? null, { stride: args.stride, padding: args.padding, dilation: args.dilation, groups: args.groups }),
  maxPool2d: (t, [x], args) => t.maxPool2d(x, { ...(args as { kernelSize: number }), returnIndices: false }),
  avgPool2d: (t, [x], args) => t.avgPool2d(x, args as { kernelSize: number }),
  ...CONV_POOL_OPS,
  ...SCAN_SORT_OPS,
  ...SCATTER_OPS,
  ...BATCH_NORM_OPS,
};
