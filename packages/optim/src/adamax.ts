import * as t from '@tensile/core';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface AdamaxOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}

type Resolved = Required<AdamaxOptions> & { lr: number };

/**
 * Adamax (torch.optim.Adamax): Adam with the infinity norm in place of the
 * second moment.
 *   m ← β1·m + (1-β1)·g;  u ← max(β2·u, |g| + ε);  p ← p - lr/(1-β1ᵗ)·m/u
 */
export class Adamax extends Optimizer<Resolved> {
  protected override readonly stateBuffers = ['expAvg', 'expInf'];

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: AdamaxOptions = {}) {
    super('Adamax', params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(g: ParamGroup<Resolved>): void {
    super.validate(g);
    this.checkRange('eps', g.eps, 0);
    this.checkRange('betas[0]', g.betas[0], 0, 1);
    this.checkRange('betas[1]', g.betas[1], 0, 1);
    this.checkRange('weightDecay', g.weightDecay, 0);
  }

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    const [beta1, beta2] = g.betas;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    const m0 = state.buffers.expAvg;
    const u0 = state.buffers.expInf;
    const m = this.setBuffer(state, 'expAvg', m0 ? m0.mul(beta1).add(d.mul(1 - beta1)) : d.mul(1 - beta1));
    const norm = d.abs().add(g.eps);
    const u = this.setBuffer(state, 'expInf', u0 ? u0.mul(beta2).maximum(norm) : norm);
    t.assign(p, p.sub(m.div(u).mul(g.lr / (1 - beta1 ** state.step))));
  }
}
