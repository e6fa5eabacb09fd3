import * as t from '@tensile/core';
import { AdamFamily } from './adam-family.js';
import type { ParamGroup, ParamGroupInput, ParamState } from './optimizer.js';

export interface NAdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  /** ψ of the momentum schedule μₜ = β1·(1 - 0.5·0.96^(t·ψ)). */
  momentumDecay?: number;
}

type Resolved = Required<NAdamOptions> & { lr: number };

/**
 * NAdam (torch.optim.NAdam, Dozat 2016): Adam with Nesterov momentum and a
 * warming momentum schedule μₜ; μ's running product is a per-parameter
 * number (state value 'muProduct'), as PyTorch's 0-d state tensor.
 *   m ← β1·m + (1-β1)·g;  v ← β2·v + (1-β2)·g²;  d = √(v/(1-β2ᵗ)) + ε
 *   p ← p - lr·(1-μₜ)/(1-Πμ)·g/d - lr·μₜ₊₁/(1-Π')·m/d
 * PyTorch 1.13 computes Π' = Πμ·μₜ·μₜ₊₁ (μₜ counted twice); we match it.
 */
export class NAdam extends AdamFamily<Resolved> {
  protected override readonly stateBuffers = ['expAvg', 'expAvgSq'];
  protected override readonly stateValues = ['muProduct'];

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: NAdamOptions = {}) {
    super('NAdam', params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, ...options });
  }

  protected override validate(g: ParamGroup<Resolved>): void {
    super.validate(g);
    this.checkRange('momentumDecay', g.momentumDecay, 0);
  }

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    const [beta1, beta2] = g.betas;
    const step = state.step;
    const d = g.weightDecay !== 0 ? grad.add(p, { alpha: g.weightDecay }) : grad;
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * g.momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * g.momentumDecay));
    const values = (state.values ??= { muProduct: 1 });
    values.muProduct *= mu;
    const muProductNext = values.muProduct * mu * muNext;
    const m = this.movingAverage(state, 'expAvg', d, beta1);
    const v = this.movingAverage(state, 'expAvgSq', d.square(), beta2);
    const denom = v
      .div(1 - beta2 ** step)
      .sqrt()
      .add(g.eps);
    const afterGrad = p.sub(d.div(denom).mul((g.lr * (1 - mu)) / (1 - values.muProduct)));
    t.assign(p, afterGrad.sub(m.div(denom).mul((g.lr * muNext) / (1 - muProductNext))));
  }
}
