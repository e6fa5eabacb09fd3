import * as t from '@tensile/core';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient: g + weightDecay·p. */
  weightDecay?: number;
  /** Ascend instead of descend. */
  maximize?: boolean;
}

type Resolved = Required<SGDOptions>;

/**
 * Stochastic gradient descent with momentum, as torch.optim.SGD:
 *   g ← ±grad + wd·p;  b ← μ·b + (1-τ)·g (b = g at the first step);
 *   g ← g + μ·b (nesterov) or b;  p ← p - lr·g
 *
 * @example
 * // Caffe's lr_mult / decay_mult: biases at twice the lr, without decay.
 * const opt = new SGD([{ params: weights }, { params: biases, lr: 0.02, weightDecay: 0 }], { lr: 0.01, weightDecay: 5e-4 });
 */
export class SGD extends Optimizer<Resolved> {
  protected override readonly stateBuffers = ['momentumBuffer'];

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: SGDOptions) {
    if (!options || options.lr === undefined) throw new t.ArgumentError('SGD: options.lr is required');
    super('SGD', params, { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(g: ParamGroup<Resolved>): void {
    super.validate(g);
    this.checkRange('momentum', g.momentum, 0);
    this.checkRange('weightDecay', g.weightDecay, 0);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new t.ArgumentError(`SGD: nesterov needs momentum > 0 and dampening 0 (got momentum ${g.momentum}, dampening ${g.dampening})`);
    }
  }

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    if (g.momentum !== 0) {
      const previous = state.buffers.momentumBuffer;
      const buf = previous
        ? this.setBuffer(state, 'momentumBuffer', previous.mul(g.momentum).add(g.dampening === 0 ? d : d.mul(1 - g.dampening)))
        : this.setBuffer(state, 'momentumBuffer', d.clone());
      d = g.nesterov ? d.add(buf.mul(g.momentum)) : buf;
    }
    // p - lr·d as one op (PyTorch's p.add_(d, alpha=-lr)): one kernel where the backend fuses it.
    t.assign(p, p.sub(d, { alpha: g.lr }));
  }
}
