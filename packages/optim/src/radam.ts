import * as t from '@tensile/core';
import { AdamFamily } from './adam-family.js';
import type { ParamGroup, ParamGroupInput, ParamState } from './optimizer.js';

export interface RAdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

type Resolved = Required<RAdamOptions> & { lr: number };

/**
 * RAdam (torch.optim.RAdam, Liu et al. 2019): Adam whose adaptive term is
 * switched on, rectified, once the variance estimate is tractable (ρₜ > 5);
 * before that the step is SGD with (bias-corrected) momentum.
 *   ρ∞ = 2/(1-β2) - 1;  ρₜ = ρ∞ - 2t·β2ᵗ/(1-β2ᵗ)
 *   p ← p - lr·m̂·r·√(1-β2ᵗ)/(√v + ε)  (ρₜ > 5),  else p ← p - lr·m̂
 */
export class RAdam extends AdamFamily<Resolved> {
  protected override readonly stateBuffers = ['expAvg', 'expAvgSq'];

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: RAdamOptions = {}) {
    super('RAdam', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, ...options });
  }

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    const [beta1, beta2] = g.betas;
    const step = state.step;
    const d = g.weightDecay !== 0 ? grad.add(p, { alpha: g.weightDecay }) : grad;
    const m = this.movingAverage(state, 'expAvg', d, beta1);
    const v = this.movingAverage(state, 'expAvgSq', d.square(), beta2);
    const bias1 = 1 - beta1 ** step;
    const bias2 = 1 - beta2 ** step;
    const corrected = m.div(bias1);
    const rhoInf = 2 / (1 - beta2) - 1;
    const rho = rhoInf - (2 * step * beta2 ** step) / bias2;
    if (rho > 5) {
      const rect = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
      const adaptive = v.sqrt().add(g.eps).reciprocal().mul(Math.sqrt(bias2));
      t.assign(p, p.sub(corrected.mul(g.lr).mul(adaptive).mul(rect)));
    } else {
      t.assign(p, p.sub(corrected, { alpha: g.lr }));
    }
  }
}
