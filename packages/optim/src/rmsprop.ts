import * as t from '@tensile/core';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface RMSpropOptions {
  lr?: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  /** Normalise by the variance estimate (subtracting the squared mean gradient). */
  centered?: boolean;
  maximize?: boolean;
}

type Resolved = Required<RMSpropOptions> & { lr: number };

/**
 * RMSprop (torch.optim.RMSprop):
 *   s ← α·s + (1-α)·g²;  centered: ḡ ← α·ḡ + (1-α)·g, avg = √(s - ḡ²) + ε, else √s + ε
 *   momentum: b ← μ·b + g/avg, p ← p - lr·b;  else p ← p - lr·g/avg
 */
export class RMSprop extends Optimizer<Resolved> {
  protected override readonly stateBuffers = ['squareAvg', 'gradAvg', 'momentumBuffer'];

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: RMSpropOptions = {}) {
    super('RMSprop', params, {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      ...options,
    });
  }

  protected override validate(g: ParamGroup<Resolved>): void {
    super.validate(g);
    this.checkRange('alpha', g.alpha, 0);
    this.checkRange('eps', g.eps, 0);
    this.checkRange('momentum', g.momentum, 0);
    this.checkRange('weightDecay', g.weightDecay, 0);
  }

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    const s0 = state.buffers.squareAvg;
    const sq = d.square().mul(1 - g.alpha);
    const s = this.setBuffer(state, 'squareAvg', s0 ? s0.mul(g.alpha).add(sq) : sq);
    let avg: t.Tensor;
    if (g.centered) {
      const m0 = state.buffers.gradAvg;
      const m = this.setBuffer(state, 'gradAvg', m0 ? m0.mul(g.alpha).add(d.mul(1 - g.alpha)) : d.mul(1 - g.alpha));
      avg = s.sub(m.square()).sqrt().add(g.eps);
    } else {
      avg = s.sqrt().add(g.eps);
    }
    if (g.momentum > 0) {
      const b0 = state.buffers.momentumBuffer;
      const b = this.setBuffer(state, 'momentumBuffer', b0 ? b0.mul(g.momentum).add(d.div(avg)) : d.div(avg));
      t.assign(p, p.sub(b, { alpha: g.lr }));
    } else {
      t.assign(p, p.sub(d.div(avg), { alpha: g.lr }));
    }
  }
}
