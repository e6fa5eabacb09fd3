import * as t from '@tensile/core';
import { checkSize } from '../linear.js';
import { Module, type Parameter } from '../module.js';

export interface PReLUOptions {
  /** The initial slope (default 0.25). */
  init?: number;
}

/**
 * x where x > 0, else a·x with a learned slope a: one shared slope, or one
 * per channel (numParameters = C, along axis 1, or axis 0 of 1-D input), as
 * torch.nn.PReLU; its parameter is `weight` [numParameters].
 */
export class PReLU extends Module {
  readonly typeName = 'PReLU';
  readonly init: number;
  /** [numParameters], filled with init. */
  declare readonly weight: Parameter;

  /** The number of slopes (PyTorch's num_parameters; `numParameters()` is Module's count of entries). */
  readonly slopes: number;

  constructor(numParameters = 1, options: PReLUOptions = {}) {
    super();
    checkSize('PReLU', 'numParameters', numParameters);
    this.slopes = numParameters;
    this.init = options.init ?? 0.25;
    this.addParameter('weight', t.full([numParameters], this.init));
  }

  get config() {
    return { numParameters: this.slopes, init: this.init };
  }

  forward(x: t.Tensor): t.Tensor {
    let slope: t.Tensor = this.weight;
    if (this.slopes > 1) {
      const axis = x.rank >= 2 ? 1 : 0;
      if (x.rank === 0 || x.shape[axis] !== this.slopes) {
        throw new t.ShapeError(`PReLU(${this.slopes}): expected ${this.slopes} channels on axis ${axis}, got input [${x.shape.join(',')}]`);
      }
      slope = slope.reshape(x.shape.map((d, i) => (i === axis ? d : 1)));
    }
    return t.where(x.gt(0), x, x.mul(slope));
  }
}
