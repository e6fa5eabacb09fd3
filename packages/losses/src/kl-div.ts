import * as t from '@tensile/core';
import { checkFloat, checkSameShape, like } from './checks.js';
import { checkReduction } from './reduction.js';

export interface KLDivOptions {
  /** 'mean' (over every element, as PyTorch), 'batchmean' (sum / batch size: the true KL), 'sum' or 'none'. */
  reduction?: 'mean' | 'batchmean' | 'sum' | 'none';
  /** The target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence KL(target ‖ input) with the input as
 * log-probabilities: target·(log target - input) pointwise, 0 where target = 0
 * (or exp(target)·(target - input) with logTarget).
 *
 * @example
 * klDivLoss(logits.logSoftmax(), probs, { reduction: 'batchmean' })
 */
export function klDivLoss(input: t.Tensor, target: t.Tensor, options: KLDivOptions = {}): t.Tensor {
  const name = 'KLDivLoss';
  const reduction = options.reduction ?? 'mean';
  checkReduction(name, reduction, ['mean', 'batchmean', 'sum', 'none']);
  checkFloat(name, input, 'input');
  checkSameShape(name, input, target);
  return t.tidy(() => {
    const y = like(target, input);
    let loss: t.Tensor;
    if (options.logTarget) {
      loss = y.exp().mul(y.sub(input));
    } else {
      // xlogy(y, y): 0 where y = 0; log of a safe stand-in keeps the gradient finite there.
      const positive = y.gt(0);
      const yLogY = y.mul(t.where(positive, y, 1).log());
      loss = yLogY.sub(y.mul(input));
    }
    if (reduction === 'none') return loss;
    if (reduction === 'sum') return loss.sum();
    if (reduction === 'mean') return loss.mean();
    return loss.sum().div(input.rank === 0 ? 1 : input.shape[0]);
  });
}
