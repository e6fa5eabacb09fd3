import * as t from '@tensile/core';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

/** A multiplier as a function of the epoch (lastEpoch). */
export type LrLambda = (epoch: number) => number;

/** One function for every group, or one per group (as PyTorch's lr_lambda list). */
function perGroup(typeName: string, optimizer: SchedulableOptimizer, lrLambda: LrLambda | readonly LrLambda[]): LrLambda[] {
  const groups = optimizer?.paramGroups?.length ?? 0;
  const fns = typeof lrLambda === 'function' ? Array.from({ length: groups }, () => lrLambda) : lrLambda;
  if (!Array.isArray(fns) || fns.length !== groups || fns.some((f) => typeof f !== 'function')) {
    throw new t.ArgumentError(`${typeName}: lrLambda must be a function or ${groups} functions (one per parameter group)`);
  }
  return [...fns];
}

/** Throws naming the scheduler unless the lambda gave a finite number. */
function checked(typeName: string, value: unknown, epoch: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new t.ArgumentError(`${typeName}: lrLambda(${epoch}) returned ${String(value)}; it must return a finite number`);
  }
  return value;
}

/**
 * lr = base lr · lrLambda(epoch) (torch LambdaLR). The functions are not
 * part of the state dict (as PyTorch, which saves only callable objects'
 * fields): construct the scheduler with the same functions, then load.
 */
export class LambdaLR extends LRScheduler {
  private readonly lrLambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, options: { lrLambda: LrLambda | readonly LrLambda[] }) {
    super(optimizer, 'LambdaLR');
    this.lrLambdas = perGroup('LambdaLR', optimizer, options?.lrLambda);
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => base * checked('LambdaLR', this.lrLambdas[i](this.lastEpoch), this.lastEpoch));
  }

  protected override closedFormLr(): number[] {
    return this.getLr();
  }
}

/**
 * Multiplies each group's lr by lrLambda(epoch) every epoch after the first
 * (torch MultiplicativeLR). The functions are not saved (see LambdaLR).
 */
export class MultiplicativeLR extends LRScheduler {
  private readonly lrLambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, options: { lrLambda: LrLambda | readonly LrLambda[] }) {
    super(optimizer, 'MultiplicativeLR');
    this.lrLambdas = perGroup('MultiplicativeLR', optimizer, options?.lrLambda);
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch <= 0) return this.groupLrs();
    return this.groupLrs().map((lr, i) => lr * checked('MultiplicativeLR', this.lrLambdas[i](this.lastEpoch), this.lastEpoch));
  }
}
