import * as t from '@tensile/core';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface AdagradOptions {
  lr?: number;
  /** The lr at step t is lr / (1 + (t-1)·lrDecay). */
  lrDecay?: number;
  weightDecay?: number;
  /** Starting value of the squared-gradient sum. */
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}

type Resolved = Required<AdagradOptions> & { lr: number };

/**
 * Adagrad (torch.optim.Adagrad):
 *   s ← s + g²;  p ← p - lr/(1 + (t-1)·lrDecay) · g / (√s + ε)
 */
export class Adagrad extends Optimizer<Resolved> {
  protected override readonly stateBuffers = ['sum'];

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: AdagradOptions = {}) {
    super('Adagrad', params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options });
  }

  protected override validate(g: ParamGroup<Resolved>): void {
    super.validate(g);
    this.checkRange('lrDecay', g.lrDecay, 0);
    this.checkRange('weightDecay', g.weightDecay, 0);
    this.checkRange('initialAccumulatorValue', g.initialAccumulatorValue, 0);
    this.checkRange('eps', g.eps, 0);
  }

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    const clr = g.lr / (1 + (state.step - 1) * g.lrDecay);
    const s0 = state.buffers.sum ?? p.fullLike(g.initialAccumulatorValue);
    const s = this.setBuffer(state, 'sum', s0.add(d.square()));
    t.assign(p, p.sub(d.div(s.sqrt().add(g.eps)), { alpha: clr }));
  }
}
