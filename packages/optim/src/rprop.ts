import * as t from '@tensile/core';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface RpropOptions {
  /** The initial step size of every element. */
  lr?: number;
  /** [η-, η+]: the step-size factors when the gradient's sign flips / stays (0 < η- < 1 < η+). */
  etas?: readonly [number, number];
  /** [min, max] step size. */
  stepSizes?: readonly [number, number];
  maximize?: boolean;
}

type Resolved = Required<RpropOptions> & { lr: number };

/**
 * Rprop (torch.optim.Rprop), full-batch resilient backpropagation: each
 * element moves by its own step size in the direction of -sign(g); the step
 * grows by η+ while the sign stays and shrinks by η- when it flips (and that
 * element then skips one step: its gradient counts as 0).
 */
export class Rprop extends Optimizer<Resolved> {
  protected override readonly stateBuffers = ['prev', 'stepSize'];

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: RpropOptions = {}) {
    super('Rprop', params, { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false, ...options });
  }

  protected override validate(g: ParamGroup<Resolved>): void {
    super.validate(g);
    const [minus, plus] = g.etas;
    if (!(minus > 0 && minus < 1 && plus > 1)) {
      throw new t.ArgumentError(`Rprop: etas must satisfy 0 < etas[0] < 1 < etas[1], got [${minus}, ${plus}]`);
    }
    this.checkRange('stepSizes[0]', g.stepSizes[0], 0);
    this.checkRange('stepSizes[1]', g.stepSizes[1], g.stepSizes[0]);
  }

  protected update(p: t.Tensor, grad: t.Tensor, g: ParamGroup<Resolved>, state: ParamState): void {
    const [minus, plus] = g.etas;
    const d = g.maximize ? grad.neg() : grad;
    const prev = state.buffers.prev ?? p.zerosLike();
    const product = d.mul(prev);
    // sign(g·prev) → η+ / η- / 1, as PyTorch.
    const factor = p.fullLike(1).where(product.eq(0), p.fullLike(minus).where(product.lt(0), plus));
    const size0 = state.buffers.stepSize ?? p.fullLike(g.lr);
    const size = this.setBuffer(state, 'stepSize', size0.mul(factor).clamp(g.stepSizes[0], g.stepSizes[1]));
    const kept = d.where(product.ge(0), 0);
    t.assign(p, p.sub(kept.sign().mul(size)));
    this.setBuffer(state, 'prev', kept);
  }
}
