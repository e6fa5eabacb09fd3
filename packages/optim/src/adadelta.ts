import * as t from '@tensile/core';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface AdadeltaOptions {
  /** Scales the delta (1 in Zeiler's paper). */
  lr?: number;
  /** Decay of both running averages. */
  rho?: number;
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}

type Resolved = Required<AdadeltaOptions> & { lr: number };

/**
 * Adadelta (torch.optim.Adadelta, Zeiler 2012):
 *   s ← ρ·s + (1-ρ)·g²;  Δ = √(a + ε)/√(s + ε)·g;  a ← ρ·a + (1-ρ)·Δ²;  p ← p - lr·Δ
 */
export class Adadelta extends Optimizer<Resolved> {
  protected override readonly stateBuffers = ['squareAvg', 'accDelta'];

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: AdadeltaOptions = {}) {
    super('Adadelta', params, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(g: ParamGroup<Resolved>): void {
    super.validate(g);
    this.checkRange('rho', g.rho, 0, 1, true);
    this.checkRange('eps', g.eps, 0);
    this.checkRange('weightDecay', g.weightDecay, 0);
  }

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    const s0 = state.buffers.squareAvg;
    const a0 = state.buffers.accDelta ?? p.zerosLike();
    const s = this.setBuffer(state, 'squareAvg', s0 ? s0.mul(g.rho).add(d.square().mul(1 - g.rho)) : d.square().mul(1 - g.rho));
    const delta = a0.add(g.eps).sqrt().div(s.add(g.eps).sqrt()).mul(d);
    this.setBuffer(state, 'accDelta', a0.mul(g.rho).add(delta.square().mul(1 - g.rho)));
    t.assign(p, p.sub(delta, { alpha: g.lr }));
  }
}
