import * as t from '@tensile/core';
import { awayFromZero, randomRef, type Ref } from '../reference.js';
import { batchNormGradCases } from './batch-norm.js';
import { convPoolGradCases } from './conv-pool.js';
import { indexingGradCases } from './indexing.js';
import { composedGradCases } from './composed.js';
import { reductionGradCases } from './reductions.js';
import { movementGradCases } from './movement.js';

export interface GradCase {
  name: string;
  fn: (...xs: t.Tensor[]) => t.Tensor;
  inputs: Ref[];
}

const pos = (shape: number[], seed: number, lo = 0.5, hi = 2): Ref => randomRef(shape, seed, lo, hi);
const away = (shape: number[], seed: number) => awayFromZero(shape, seed);
const distinct = (shape: number[]): Ref => {
  // A shuffled ramp: no ties, so max/min/argmax have one clear winner.
  const r = randomRef(shape, 77);
  const order = Array.from(r.data.keys()).sort((a, b) => r.data[a] - r.data[b]);
  const data = new Float64Array(r.data.length);
  order.forEach((k, rank) => (data[k] = rank * 0.37 - 1));
  return { shape, data };
};

/** Every differentiable op of core, with inputs kept away from its kinks. */
export const gradCases: GradCase[] = [
  // Every differentiable op of core's unary table: inputs in its domain, away from 0 where it has a kink there.
  ...t.UNARY_OP_NAMES.flatMap((op): GradCase[] => {
    const decl: t.UnaryDecl = t.UNARY_OPS[op];
    if (typeof decl.grad !== 'function') return [];
    const fn = t.unaryFunctions[t.unaryMethodName(op)] as (x: t.Tensor) => t.Tensor;
    // Positive-domain ops draw from [0.5, 2] cut to their domain (asin's stops at 0.9, acosh's starts at 1.2).
    const [lo, hi] = decl.domain;
    const inputs = [
      decl.kink ? away([2, 3], 3) : lo > -1 ? pos([2, 3], 2, Math.max(lo, 0.5), Math.min(hi, 2)) : randomRef([2, 3], 1, -1.5, 1.5),
    ];
    return [{ name: op, fn, inputs }];
  }),
  {
    name: 'clamp',
    fn: (x) => x.clamp(-0.5, 0.6),
    // Every entry at least 0.2 from a bound, so float32 finite differences (step 1e-2) never straddle a kink.
    inputs: [{ shape: [3, 3], data: Float64Array.of(-1.1, -0.8, -0.3, -0.1, 0.2, 0.4, 0.8, 1.0, 1.3) }],
  },
  // Every differentiable op of core's binary table, a broadcasting against b, inputs in its domain.
  ...t.BINARY_OP_NAMES.flatMap((op): GradCase[] => {
    const decl: t.BinaryDecl = t.BINARY_OPS[op];
    if (decl.grad === null) return [];
    const [[alo, ahi], [blo, bhi]] = decl.domain;
    const fn = t.binaryFunctions[t.binaryMethodName(op)] as (a: t.Tensor, b: t.Tensor) => t.Tensor;
    return [{ name: `${op} (broadcast)`, fn, inputs: [randomRef([2, 3], 5, alo, ahi), randomRef([3], 6, blo, bhi)] }];
  }),
  { name: 'where', fn: (a, b) => t.where(a.gt(0), a, b), inputs: [away([2, 3], 13), randomRef([3], 14)] },
  { name: 'sum (axes, keepdims)', fn: (x) => x.sum([0, 2], true), inputs: [randomRef([2, 3, 2], 15)] },
  { name: 'mean', fn: (x) => x.mean(1), inputs: [randomRef([2, 3], 16)] },
  { name: 'max (axis)', fn: (x) => x.amax(1), inputs: [distinct([3, 4])] },
  { name: 'min (all)', fn: (x) => x.min(), inputs: [distinct([3, 4])] },
  { name: 'prod', fn: (x) => x.prod(1), inputs: [pos([2, 3], 17)] },
  { name: 'var', fn: (x) => x.var(1), inputs: [randomRef([2, 4], 18)] },
  { name: 'std', fn: (x) => x.std(0, { unbiased: false }), inputs: [distinct([4, 2])] },
  { name: 'logsumexp', fn: (x) => x.logsumexp(1), inputs: [randomRef([2, 4], 19)] },
  { name: 'add alpha', fn: (a, b) => a.add(b, { alpha: -1.5 }), inputs: [randomRef([2, 3], 40), randomRef([2, 3], 41)] },
  { name: 'sub alpha (broadcast)', fn: (a, b) => a.sub(b, { alpha: 0.75 }), inputs: [randomRef([2, 3], 42), randomRef([3], 43)] },
  { name: 'softmax', fn: (x) => x.softmax(1), inputs: [randomRef([2, 4], 20)] },
  { name: 'logSoftmax (axis 0)', fn: (x) => x.logSoftmax(0), inputs: [randomRef([3, 2], 21)] },
  { name: 'matmul', fn: (a, b) => a.matmul(b), inputs: [randomRef([2, 3], 22), randomRef([3, 4], 23)] },
  {
    name: 'matmul transA transB',
    fn: (a, b) => a.matmul(b, { transA: true, transB: true }),
    inputs: [randomRef([3, 2], 24), randomRef([4, 3], 25)],
  },
  { name: 'matmul batched broadcast', fn: (a, b) => a.matmul(b), inputs: [randomRef([2, 1, 2, 3], 26), randomRef([3, 3, 2], 27)] },
  { name: 'matmul shared weight', fn: (a, b) => a.matmul(b, { transB: true }), inputs: [randomRef([2, 2, 3], 28), randomRef([4, 3], 29)] },
  { name: 'matmul vector', fn: (a, b) => a.matmul(b), inputs: [randomRef([3], 30), randomRef([3, 2], 31)] },
  { name: 'linear', fn: (x, w, b) => t.linear(x, w, b), inputs: [randomRef([4, 3], 32), randomRef([2, 3], 33), randomRef([2], 34)] },
  { name: 'reshape', fn: (x) => x.reshape([3, -1]).mul(x.reshape([3, 2])), inputs: [randomRef([2, 3], 35)] },
  { name: 'permute', fn: (x) => x.permute([2, 0, 1]), inputs: [randomRef([2, 3, 2], 36)] },
  { name: 'expand', fn: (x) => x.expand([2, 3, 4]), inputs: [randomRef([3, 1], 37)] },
  {
    name: 'slice (steps, negative)',
    fn: (x) =>
      x.slice([
        [0, 2],
        [null, null, -2],
      ]),
    inputs: [randomRef([3, 5], 38)],
  },
  { name: 'narrow', fn: (x) => x.narrow(1, 1, 2), inputs: [randomRef([2, 4], 39)] },
  { name: 'flip', fn: (x) => x.flip([0, 1]), inputs: [randomRef([2, 3], 40)] },
  {
    name: 'pad',
    fn: (x) =>
      x.pad(
        [
          [1, 0],
          [2, 1],
        ],
        3,
      ),
    inputs: [randomRef([2, 3], 41)],
  },
  { name: 'concat', fn: (a, b) => t.concat([a, b], 1), inputs: [randomRef([2, 2], 42), randomRef([2, 3], 43)] },
  { name: 'stack', fn: (a, b) => t.stack([a, b], 1), inputs: [randomRef([2, 3], 44), randomRef([2, 3], 45)] },
  { name: 'split', fn: (x) => x.split([1, 2], 1)[1], inputs: [randomRef([2, 3], 46)] },
  // Every example of core's indexing table (gather, scatter*, index*, masked*) with differentiable tensors.
  ...indexingGradCases,
  { name: 'clone/transpose', fn: (x) => x.T.clone(), inputs: [randomRef([2, 3], 50)] },
  {
    name: 'conv2d (stride 2, pad 1)',
    fn: (x, w, b) => t.conv2d(x, w, b, { stride: 2, padding: 1 }),
    inputs: [randomRef([2, 2, 5, 5], 51), randomRef([3, 2, 3, 3], 52), randomRef([3], 53)],
  },
  {
    name: 'conv2d (same, dilation 2, groups 2)',
    fn: (x, w) => t.conv2d(x, w, null, { padding: 'same', dilation: 2, groups: 2 }),
    inputs: [randomRef([1, 4, 5, 4], 54), randomRef([2, 2, 3, 2], 55)],
  },
  { name: 'unfold', fn: (x) => t.unfold(x, 2, { stride: 1, padding: 1 }), inputs: [randomRef([1, 2, 3, 3], 56)] },
  { name: 'maxPool2d', fn: (x) => t.maxPool2d(x, { kernelSize: 2, stride: 2 }), inputs: [distinct([1, 2, 4, 4])] },
  {
    name: 'maxPool2d (overlap, pad)',
    fn: (x) => t.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }),
    inputs: [distinct([1, 1, 5, 5])],
  },
  {
    name: 'avgPool2d (pad, exclude pad)',
    fn: (x) => t.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }),
    inputs: [randomRef([1, 2, 5, 4], 57)],
  },
  // Edges PyTorch defines: prod through zeros (multilinear, so central differences are exact there),
  // maximum/minimum at ties (half each), negative pads (crop), unbatched [C, H, W] conv and pooling.
  {
    name: 'prod (rows with one and two zeros)',
    fn: (x) => x.prod(1),
    inputs: [{ shape: [3, 3], data: Float64Array.of(1.5, 0, 2, 0, 0.5, 0, 1.25, -0.5, 0.75) }],
  },
  {
    name: 'maximum and minimum at ties',
    fn: (a, b) => a.maximum(b).add(a.minimum(b).mul(3)),
    inputs: [
      { shape: [4], data: Float64Array.of(1, -0.5, 2, 0.25) },
      { shape: [4], data: Float64Array.of(1, -0.5, -1, 0.75) },
    ],
  },
  {
    name: 'pad (negative: crop and pad)',
    fn: (x) =>
      x.pad(
        [
          [1, -2],
          [-1, 2],
        ],
        0.5,
      ),
    inputs: [randomRef([2, 3, 4], 60)],
  },
  {
    name: 'conv2d (unbatched)',
    fn: (x, w, b) => t.conv2d(x, w, b, { padding: 1 }),
    inputs: [randomRef([2, 4, 4], 61), randomRef([3, 2, 3, 3], 62), randomRef([3], 63)],
  },
  { name: 'maxPool2d (unbatched)', fn: (x) => t.maxPool2d(x, { kernelSize: 2 }), inputs: [distinct([2, 4, 4])] },
  { name: 'avgPool2d (unbatched)', fn: (x) => t.avgPool2d(x, { kernelSize: 2, stride: 1 }), inputs: [randomRef([2, 3, 3], 64)] },
  {
    name: 'chain through add and mul (shared input)',
    fn: (a, b) => a.mul(b).add(a.square()).sum(1),
    inputs: [randomRef([2, 3], 58), randomRef([2, 3], 59)],
  },
  // conv1d/3d, transposed conv, fold, pad modes, pooling options, unpooling, interpolate, pixel shuffle.
  ...convPoolGradCases,
  ...batchNormGradCases,
  // Core's composed ops outside the op tables (math, diagonals, rearranging, einsum).
  ...composedGradCases,
  ...reductionGradCases,
  ...movementGradCases,
];
