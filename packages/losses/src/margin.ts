import * as t from '@tensile/core';
import { checkFloat, checkNumber, checkSameShape, checkTensor, fmtShape, like } from './checks.js';
import { checkReduction, reduce } from './reduction.js';
import type { ReductionOptions } from './regression.js';

export interface MarginOptions extends ReductionOptions {
  /** The margin (MarginRanking and CosineEmbedding default 0, HingeEmbedding 1). */
  margin?: number;
}

function prepare(name: string, options: ReductionOptions & { margin?: number }, margin: number): void {
  checkReduction(name, options.reduction ?? 'mean');
  checkNumber(name, 'margin', margin, () => true, 'a finite number');
}

/** The (input1, input2, target) losses' common checks: float inputs of one shape, a tensor target. */
function checkPair(name: string, input1: t.Tensor, input2: t.Tensor, target: t.Tensor): void {
  checkTensor(name, input2, 'input2');
  checkTensor(name, target, 'target');
  checkFloat(name, input1, 'input1');
  checkFloat(name, input2, 'input2');
  checkSameShape(name, input1, input2, 'input2', 'input1');
}

/**
 * max(0, -y·(x1 - x2) + margin), y = 1 when x1 should rank higher, -1 when
 * x2 should (PyTorch's MarginRankingLoss). All three tensors have one shape.
 *
 * @example
 * marginRankingLoss(scoreA, scoreB, t.tensor([1, -1, 1]), { margin: 0.1 })
 */
export function marginRankingLoss(input1: t.Tensor, input2: t.Tensor, target: t.Tensor, options: MarginOptions = {}): t.Tensor {
  const name = 'MarginRankingLoss';
  const margin = options.margin ?? 0;
  prepare(name, options, margin);
  checkPair(name, input1, input2, target);
  checkSameShape(name, input1, target, 'target', 'input1');
  return t.tidy(() => {
    const loss = like(target, input1).neg().mul(input1.sub(input2)).add(margin).clamp(0);
    return reduce(name, loss, options.reduction ?? 'mean');
  });
}

/**
 * x where y = 1, max(0, margin - x) where y = -1, for x a distance
 * (PyTorch's HingeEmbeddingLoss; as there, any other y adds both terms).
 */
export function hingeEmbeddingLoss(input: t.Tensor, target: t.Tensor, options: MarginOptions = {}): t.Tensor {
  const name = 'HingeEmbeddingLoss';
  const margin = options.margin ?? 1;
  prepare(name, options, margin);
  checkFloat(name, input, 'input');
  checkSameShape(name, input, target);
  return t.tidy(() => {
    const y = like(target, input);
    const marginTerm = t.where(y.ne(1), input.neg().add(margin).clamp(0), 0);
    return reduce(name, marginTerm.add(t.where(y.ne(-1), input, 0)), options.reduction ?? 'mean');
  });
}

/** log(1 + exp(-y·x)) for labels y = ±1 (PyTorch's SoftMarginLoss), computed without overflow. */
export function softMarginLoss(input: t.Tensor, target: t.Tensor, options: ReductionOptions = {}): t.Tensor {
  const name = 'SoftMarginLoss';
  checkReduction(name, options.reduction ?? 'mean');
  checkFloat(name, input, 'input');
  checkSameShape(name, input, target);
  return t.tidy(() => {
    const z = like(target, input).neg().mul(input);
    // softplus(z) = max(z, 0) + log1p(exp(-|z|)); maximum splits the tie at 0, giving sigmoid(0) = ½ as PyTorch.
    return reduce(name, z.maximum(0).add(z.abs().neg().exp().log1p()), options.reduction ?? 'mean');
  });
}

/**
 * 1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1, the
 * cosine over the last axis of [N, D] (target [N]) or [D] (target scalar);
 * 1e-12 is added to each squared norm as PyTorch (PyTorch's CosineEmbeddingLoss).
 */
export function cosineEmbeddingLoss(input1: t.Tensor, input2: t.Tensor, target: t.Tensor, options: MarginOptions = {}): t.Tensor {
  const name = 'CosineEmbeddingLoss';
  const margin = options.margin ?? 0;
  prepare(name, options, margin);
  checkPair(name, input1, input2, target);
  const rank = input1.rank;
  if (rank !== 1 && rank !== 2) throw new t.ShapeError(`${name}: inputs must be [N, D] or [D], got ${fmtShape(input1.shape)}`);
  if (target.rank !== rank - 1 || (rank === 2 && target.shape[0] !== input1.shape[0])) {
    const want = rank === 2 ? `[${input1.shape[0]}]` : 'a scalar';
    throw new t.ShapeError(`${name}: target ${fmtShape(target.shape)} must be ${want} for inputs ${fmtShape(input1.shape)}`);
  }
  return t.tidy(() => {
    const axis = rank - 1;
    const dot = input1.mul(input2).sum(axis);
    const norms = input1.square().sum(axis).add(1e-12).mul(input2.square().sum(axis).add(1e-12)).sqrt();
    const cos = dot.div(norms);
    const y = like(target, input1);
    const loss = t.where(y.eq(1), cos.neg().add(1), 0).add(t.where(y.eq(-1), cos.sub(margin).clamp(0), 0));
    return reduce(name, loss, options.reduction ?? 'mean');
  });
}

export interface TripletMarginOptions extends ReductionOptions {
  /** Required gap between the positive and negative distances (default 1). */
  margin?: number;
  /** The norm of the pairwise distance (default 2). */
  p?: number;
  /** Added to each difference before the norm, as PyTorch's pairwise_distance (default 1e-6). */
  eps?: number;
  /** Use the smaller of d(a, n) and d(p, n) as the negative distance (default false). */
  swap?: boolean;
}

/** ‖x1 - x2 + eps‖_p over the last axis (torch.pairwise_distance). */
function pairwiseDistance(x1: t.Tensor, x2: t.Tensor, p: number, eps: number): t.Tensor {
  const d = x1.sub(x2).add(eps);
  if (p === 2) return d.square().sum(-1).sqrt();
  if (p === 1) return d.abs().sum(-1);
  return d
    .abs()
    .pow(p)
    .sum(-1)
    .pow(1 / p);
}

/**
 * max(0, d(a, p) - d(a, n) + margin) with d the p-norm distance over the last
 * axis of [N, D] or [D] (PyTorch's TripletMarginLoss).
 *
 * @example
 * tripletMarginLoss(anchor, positive, negative, { margin: 0.5, swap: true })
 */
export function tripletMarginLoss(anchor: t.Tensor, positive: t.Tensor, negative: t.Tensor, options: TripletMarginOptions = {}): t.Tensor {
  const name = 'TripletMarginLoss';
  const margin = options.margin ?? 1;
  const p = options.p ?? 2;
  const eps = options.eps ?? 1e-6;
  prepare(name, options, margin);
  checkNumber(name, 'p', p, (v) => v > 0, 'a finite number > 0');
  checkNumber(name, 'eps', eps, (v) => v >= 0, '≥ 0');
  checkTensor(name, positive, 'positive');
  checkTensor(name, negative, 'negative');
  checkFloat(name, anchor, 'anchor');
  checkFloat(name, positive, 'positive');
  checkFloat(name, negative, 'negative');
  if (anchor.rank !== 1 && anchor.rank !== 2)
    throw new t.ShapeError(`${name}: anchor must be [N, D] or [D], got ${fmtShape(anchor.shape)}`);
  checkSameShape(name, anchor, positive, 'positive', 'anchor');
  checkSameShape(name, anchor, negative, 'negative', 'anchor');
  return t.tidy(() => {
    const dPos = pairwiseDistance(anchor, like(positive, anchor), p, eps);
    let dNeg = pairwiseDistance(anchor, like(negative, anchor), p, eps);
    if (options.swap) dNeg = dNeg.minimum(pairwiseDistance(like(positive, anchor), like(negative, anchor), p, eps));
    return reduce(name, dPos.sub(dNeg).add(margin).clamp(0), options.reduction ?? 'mean');
  });
}
