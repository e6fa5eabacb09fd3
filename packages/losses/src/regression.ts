import * as t from '@tensile/core';
import { checkFloat, checkSameShape, like } from './checks.js';
import { reduce, type Reduction } from './reduction.js';

export interface ReductionOptions {
  /** 'mean' (default), 'sum' or 'none' (per element). */
  reduction?: Reduction;
}

function prepare(loss: string, input: t.Tensor, target: t.Tensor): t.Tensor {
  checkFloat(loss, input, 'input');
  checkSameShape(loss, input, target);
  return like(target, input);
}

/**
 * Mean squared error: (input - target)² reduced.
 *
 * @example
 * mseLoss(t.tensor([1, 2]), t.tensor([1, 4])) // 2
 */
export function mseLoss(input: t.Tensor, target: t.Tensor, options: ReductionOptions = {}): t.Tensor {
  return t.tidy(() => reduce('MSELoss', input.sub(prepare('MSELoss', input, target)).square(), options.reduction ?? 'mean'));
}

/** Mean absolute error: |input - target| reduced. */
export function l1Loss(input: t.Tensor, target: t.Tensor, options: ReductionOptions = {}): t.Tensor {
  return t.tidy(() => reduce('L1Loss', input.sub(prepare('L1Loss', input, target)).abs(), options.reduction ?? 'mean'));
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives L1). */
  beta?: number;
}

/** 0.5·d²/beta where |d| < beta, else |d| - 0.5·beta (PyTorch's SmoothL1Loss). */
export function smoothL1Loss(input: t.Tensor, target: t.Tensor, options: SmoothL1Options = {}): t.Tensor {
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new t.ArgumentError(`SmoothL1Loss: beta must be ≥ 0, got ${beta}`);
  return t.tidy(() => {
    const d = input.sub(prepare('SmoothL1Loss', input, target)).abs();
    if (beta === 0) return reduce('SmoothL1Loss', d, options.reduction ?? 'mean');
    const quadratic = d.square().mul(0.5 / beta);
    return reduce('SmoothL1Loss', t.where(d.lt(beta), quadratic, d.sub(0.5 * beta)), options.reduction ?? 'mean');
  });
}

export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1; must be > 0). */
  delta?: number;
}

/** 0.5·d² where |d| < delta, else delta·(|d| - 0.5·delta) (PyTorch's HuberLoss). */
export function huberLoss(input: t.Tensor, target: t.Tensor, options: HuberOptions = {}): t.Tensor {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new t.ArgumentError(`HuberLoss: delta must be > 0, got ${delta}`);
  return t.tidy(() => {
    const d = input.sub(prepare('HuberLoss', input, target)).abs();
    const quadratic = d.square().mul(0.5);
    return reduce('HuberLoss', t.where(d.lt(delta), quadratic, d.sub(0.5 * delta).mul(delta)), options.reduction ?? 'mean');
  });
}
