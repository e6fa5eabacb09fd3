/**
 * Fixture op names of the batch_norm family (scripts/batch_norm_families.py) mapped onto t.batchNorm.
 * Inputs are x, running mean, running variance, then weight and bias where args.affine.
 */
import type { Tensor } from '@tensile/core';
import type { CoreApi } from './ops.js';

interface BatchNormArgs {
  affine: boolean;
  training: boolean;
  momentum: number;
  eps: number;
}

const call = (t: CoreApi, [x, mean, variance, weight, bias]: Tensor[], a: BatchNormArgs): Tensor =>
  t.batchNorm(x, mean, variance, {
    weight: a.affine ? weight : null,
    bias: a.affine ? bias : null,
    training: a.training,
    momentum: a.momentum,
    eps: a.eps,
  });

/** The updated running statistic (input 1 or 2), copied out after the call. */
const running = (which: 1 | 2) => (t: CoreApi, xs: Tensor[], a: BatchNormArgs) => {
  call(t, xs, a).dispose();
  return xs[which].clone();
};

export const BATCH_NORM_OPS: Record<string, (t: CoreApi, xs: Tensor[], args: BatchNormArgs) => Tensor> = {
  batchNorm: call,
  batchNormRunningMean: running(1),
  batchNormRunningVar: running(2),
};
