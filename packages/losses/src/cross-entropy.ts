import * as t from '@tensile/core';
import { checkClassTargets, checkClassWeight, classRows, targetMask } from './classes.js';
import { fmtShape, like } from './checks.js';
import { checkReduction, type Reduction } from './reduction.js';

export interface NLLOptions {
  /** 'mean' (default; weighted by the targets' class weights), 'sum' or 'none'. */
  reduction?: Reduction;
  /** A rescaling weight per class, [C]. */
  weight?: t.Tensor | null;
  /** A target value that contributes neither loss nor gradient (default -100). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLOptions {
  /** Mixes the targets with the uniform distribution: ε in [0, 1] (default 0). */
  labelSmoothing?: number;
}

/**
 * Negative log-likelihood of class-index targets, given log-probabilities
 * [N, C] (or [C], or [N, C, d1, ...] with targets [N, d1, ...]). With class
 * weights the mean divides by the sum of the targets' weights, as PyTorch.
 *
 * @example
 * nllLoss(t.tensor([[-0.1, -2.3]]).logSoftmax(), t.tensor([0], { dtype: 'int32' }))
 */
export function nllLoss(input: t.Tensor, target: t.Tensor, options: NLLOptions = {}): t.Tensor {
  return classLoss('NLLLoss', input, target, { ...options, labelSmoothing: 0 }, false);
}

/**
 * logSoftmax + negative log-likelihood in one call (PyTorch's CrossEntropyLoss).
 * The input holds logits [N, C] (or [C], or [N, C, d1, ...]); the target is
 * either int32 class indices [N] ([N, d1, ...]) or float class probabilities
 * with the input's shape. Label smoothing, class weights and ignoreIndex
 * follow PyTorch's semantics, including its weighted mean.
 *
 * Out-of-range class indices throw before any work is queued on backends
 * that read synchronously (cpu, wasm); on webgpu that check is skipped.
 *
 * @example
 * const loss = crossEntropy(logits, t.tensor([3, 0, 9], { dtype: 'int32' })); // logits [3, 10]
 */
export function crossEntropy(input: t.Tensor, target: t.Tensor, options: CrossEntropyOptions = {}): t.Tensor {
  return classLoss('CrossEntropyLoss', input, target, options, true);
}

function classLoss(name: string, input: t.Tensor, target: t.Tensor, options: CrossEntropyOptions, fromLogits: boolean): t.Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction(name, reduction);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new t.ArgumentError(`${name}: labelSmoothing must be in [0, 1], got ${smoothing}`);
  const ignoreIndex = options.ignoreIndex ?? -100;
  const { classes, targetShape } = shapeOf(name, input);
  if (options.weight) checkClassWeight(name, options.weight, classes);
  const probabilities = target.dtype === 'float32' || target.dtype === 'float64';
  if (probabilities && !fromLogits) throw new t.DTypeError(`${name}: target must be int32 class indices, got ${target.dtype}`);
  // Validate before queueing any work.
  const host = probabilities ? null : checkClassTargets(name, target, targetShape, classes, ignoreIndex);
  if (probabilities && (target.rank !== input.rank || target.shape.some((d, i) => d !== input.shape[i]))) {
    throw new t.ShapeError(`${name}: probability target ${fmtShape(target.shape)} must have the input's shape ${fmtShape(input.shape)}`);
  }
  return t.tidy(() => {
    const { rows } = classRows(name, input);
    const logp = fromLogits ? rows.logSoftmax(-1) : rows;
    const weight = options.weight ? like(options.weight, input) : null;
    if (probabilities) return probabilityLoss(logp, classRows(name, like(target, input)).rows, weight, smoothing, reduction, targetShape);
    return indexLoss(logp, target, host, weight, smoothing, ignoreIndex, reduction, targetShape);
  });
}

function shapeOf(name: string, input: t.Tensor): { classes: number; targetShape: number[] } {
  if (input.rank === 0) throw new t.ShapeError(`${name}: input must be [N, C], [C] or [N, C, d1, ...], got a scalar`);
  if (input.rank === 1) return { classes: input.shape[0], targetShape: [] };
  return { classes: input.shape[1], targetShape: [input.shape[0], ...input.shape.slice(2)] };
}

/**
 * Index targets. Per row n with target y (ignored rows give 0):
 *   nll_n    = -w[y]·logp[n, y]
 *   smooth_n = -Σ_c w[c]·logp[n, c]
 *   loss_n   = (1-ε)·nll_n + ε/C·smooth_n
 * and 'mean' divides the sums by Σ_n w[y_n] over kept rows (the count when unweighted).
 */
function indexLoss(
  logp: t.Tensor,
  target: t.Tensor,
  host: Int32Array | null,
  weight: t.Tensor | null,
  smoothing: number,
  ignoreIndex: number,
  reduction: Reduction,
  targetShape: number[],
): t.Tensor {
  const classes = logp.shape[1];
  if (host && !weight && smoothing === 0 && reduction !== 'none') {
    // The training case: the labels are on the host already, so the mask
    // carries -1/count and the loss is one multiply and one sum.
    let kept = 0;
    for (let i = 0; i < host.length; i++) if (host[i] !== ignoreIndex) kept++;
    // With every row ignored, 'mean' is 0/0 = NaN with a zero gradient, as PyTorch.
    if (kept === 0 && reduction === 'mean') return emptyMean(logp);
    const scale = reduction === 'sum' ? -1 : -1 / kept;
    return logp.mul(targetMask(target, host, classes, ignoreIndex, logp.dtype, scale)).sum();
  }
  const mask = targetMask(target, host, classes, ignoreIndex, logp.dtype);
  const picked = weight ? mask.mul(weight) : mask;
  if (reduction === 'none') {
    let loss = logp.mul(picked).sum(1).neg();
    if (smoothing > 0) loss = loss.mul(1 - smoothing).add(smoothTerm(logp, weight, mask).mul(smoothing / classes));
    return loss.reshape(targetShape);
  }
  // The sum of the picked entries in one pass: Σ_n,c logp·picked.
  let total = logp.mul(picked).sum().neg();
  if (smoothing > 0)
    total = total.mul(1 - smoothing).add(
      smoothTerm(logp, weight, mask)
        .sum()
        .mul(smoothing / classes),
    );
  if (reduction === 'sum') return total;
  return safeMean(total, picked.sum());
}

/** NaN (0/0) whose gradient is 0: a mean over no rows, as PyTorch gives it. */
function emptyMean(logp: t.Tensor): t.Tensor {
  return logp.mul(0).sum().add(NaN);
}

/**
 * total / denominator. Where the denominator is 0 (every row ignored) the value
 * is NaN, as PyTorch's, but the gradient is 0 rather than (1/0)·0 = NaN.
 */
function safeMean(total: t.Tensor, denominator: t.Tensor): t.Tensor {
  const none = denominator.eq(0);
  return total.div(t.where(none, 1, denominator)).add(t.where(none, NaN, total.zerosLike()));
}

/** -Σ_c w[c]·logp[n, c] per row, zero on ignored rows. */
function smoothTerm(logp: t.Tensor, weight: t.Tensor | null, mask: t.Tensor): t.Tensor {
  const kept = mask.sum(1);
  return (weight ? logp.mul(weight) : logp).sum(1).neg().mul(kept);
}

/** Probability targets: -Σ_c w[c]·target'[n, c]·logp[n, c]; 'mean' divides by the row count. */
function probabilityLoss(
  logp: t.Tensor,
  target: t.Tensor,
  weight: t.Tensor | null,
  smoothing: number,
  reduction: Reduction,
  targetShape: number[],
): t.Tensor {
  const classes = logp.shape[1];
  let p = smoothing > 0 ? target.mul(1 - smoothing).add(smoothing / classes) : target;
  if (weight) p = p.mul(weight);
  if (reduction === 'none') return logp.mul(p).sum(1).neg().reshape(targetShape);
  const total = logp.mul(p).sum().neg();
  return reduction === 'sum' ? total : total.div(logp.shape[0]);
}
