import * as t from '@tensile/core';
import { AdamFamily } from './adam-family.js';
import type { ParamGroup, ParamGroupInput, ParamState } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  /** Use the running maximum of the second moment (Reddi et al.). */
  amsgrad?: boolean;
  maximize?: boolean;
}

type Resolved = Required<AdamOptions> & { lr: number };

/**
 * The Adam update shared by Adam (L2 added to the gradient) and AdamW
 * (decoupled decay: p ← p·(1 - lr·wd) first), as torch.optim:
 *   m ← β1·m + (1-β1)·g;  v ← β2·v + (1-β2)·g²  (v̂ = max(v̂, v) with amsgrad)
 *   p ← p - lr/(1-β1ᵗ) · m / (√v / √(1-β2ᵗ) + ε)
 */
abstract class AdamBase extends AdamFamily<Resolved> {
  protected abstract readonly decoupled: boolean;
  protected override readonly stateBuffers = ['expAvg', 'expAvgSq', 'maxExpAvgSq'];

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    const [beta1, beta2] = g.betas;
    let d = g.maximize ? grad.neg() : grad;
    let base = p;
    if (g.weightDecay !== 0) {
      if (this.decoupled) base = p.mul(1 - g.lr * g.weightDecay);
      else d = d.add(p, { alpha: g.weightDecay });
    }
    const m = this.movingAverage(state, 'expAvg', d, beta1);
    const v = this.movingAverage(state, 'expAvgSq', d.square(), beta2);
    let second = v;
    if (g.amsgrad) {
      const max0 = state.buffers.maxExpAvgSq;
      second = this.setBuffer(state, 'maxExpAvgSq', max0 ? max0.maximum(v) : v.clone());
    }
    const stepSize = g.lr / (1 - beta1 ** state.step);
    const bias2Sqrt = Math.sqrt(1 - beta2 ** state.step);
    const denom = second.sqrt().div(bias2Sqrt).add(g.eps);
    t.assign(p, base.sub(m.div(denom), { alpha: stepSize }));
  }
}

/** Adam (torch.optim.Adam): weightDecay is an L2 term added to the gradient. */
export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: AdamOptions = {}) {
    super('Adam', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options });
  }
}

/** AdamW (torch.optim.AdamW): decoupled weight decay, default 1e-2. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: AdamOptions = {}) {
    super('AdamW', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options });
  }
}
