import type * as t from '@tensile/core';
import { type BaseOptions, Optimizer, type ParamGroup, type ParamState } from './optimizer.js';

/** The hyper-parameters Adam, AdamW, Adamax, NAdam and RAdam all take. */
export interface AdamFamilyOptions extends BaseOptions {
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
}

/**
 * What the Adam family shares: torch.optim's ranges for betas, eps and
 * weightDecay, and the zero-started moving averages of its moments.
 */
export abstract class AdamFamily<O extends AdamFamilyOptions> extends Optimizer<O> {
  protected override validate(g: ParamGroup<O>): void {
    super.validate(g);
    this.checkRange('eps', g.eps, 0);
    this.checkRange('betas[0]', g.betas[0], 0, 1);
    this.checkRange('betas[1]', g.betas[1], 0, 1);
    this.checkRange('weightDecay', g.weightDecay, 0);
  }

  /** Stores and returns buffer ← β·buffer + (1-β)·x; a missing buffer counts as zero, as PyTorch's zeros_like state. */
  protected movingAverage(state: ParamState, name: string, x: t.Tensor, beta: number): t.Tensor {
    const prev = state.buffers[name];
    return this.setBuffer(state, name, prev ? prev.mul(beta).add(x, { alpha: 1 - beta }) : x.mul(1 - beta));
  }
}
