import * as t from '@tensile/core';
import { AdamFamily } from './adam-family.js';
import type { ParamGroup, ParamGroupInput, ParamState } from './optimizer.js';

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
export class Adamax extends AdamFamily<Resolved> {
  protected override readonly stateBuffers = ['expAvg', 'expInf'];

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: AdamaxOptions = {}) {
    super('Adamax', params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, ...options });
  }

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    const [beta1, beta2] = g.betas;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    const m = this.movingAverage(state, 'expAvg', d, beta1);
    const u0 = state.buffers.expInf;
    const norm = d.abs().add(g.eps);
    const u = this.setBuffer(state, 'expInf', u0 ? u0.mul(beta2).maximum(norm) : norm);
    t.assign(p, p.sub(m.div(u), { alpha: g.lr / (1 - beta1 ** state.step) }));
  }
}
