import * as t from '@tensile/core';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface ASGDOptions {
  lr?: number;
  /** Decay term λ. */
  lambd?: number;
  /** Power of the eta schedule. */
  alpha?: number;
  /** The step at which averaging starts. */
  t0?: number;
  weightDecay?: number;
  maximize?: boolean;
}

type Resolved = Required<ASGDOptions> & { lr: number };

/**
 * Averaged SGD (torch.optim.ASGD, Polyak & Juditsky 1992). The step size η
 * and averaging weight μ are per-parameter numbers (state values 'eta',
 * 'mu'), computed after each step from the lr of that step, as PyTorch:
 *   p ← p·(1 - λη) - η·g;  ax ← ax + μ·(p - ax) (ax = p while μ = 1)
 *   η ← lr/(1 + λ·lr·t)^α;  μ ← 1/max(1, t - t0)
 * The average is state buffer 'ax' (read it for evaluation, as PyTorch's state['ax']).
 */
export class ASGD extends Optimizer<Resolved> {
  protected override readonly stateBuffers = ['ax'];
  protected override readonly stateValues = ['eta', 'mu'];

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: ASGDOptions = {}) {
    super('ASGD', params, { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(g: ParamGroup<Resolved>): void {
    super.validate(g);
    this.checkRange('lambd', g.lambd, 0);
    this.checkRange('t0', g.t0, 0);
    this.checkRange('weightDecay', g.weightDecay, 0);
  }

  /** The running average of a parameter (state 'ax'), or undefined before its first step. */
  average(param: t.Tensor): t.Tensor | undefined {
    return this.state.get(param)?.buffers.ax;
  }

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    const values = (state.values ??= { eta: g.lr, mu: 1 });
    const updated = t.assign(p, p.mul(1 - g.lambd * values.eta).sub(d.mul(values.eta)));
    const ax0 = state.buffers.ax;
    this.setBuffer(state, 'ax', values.mu !== 1 && ax0 ? ax0.add(updated.sub(ax0).mul(values.mu)) : updated.clone());
    values.eta = g.lr / (1 + g.lambd * g.lr * state.step) ** g.alpha;
    values.mu = 1 / Math.max(1, state.step - g.t0);
  }
}
