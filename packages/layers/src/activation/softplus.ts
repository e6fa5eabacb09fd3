import * as t from '@tensile/core';
import { Module } from '../module.js';

/** log(1 + e^(βx))/β, and x itself where βx > threshold, as PyTorch: core's `t.softplus`. */
export function softplus(x: t.Tensor, beta = 1, threshold = 20): t.Tensor {
  return t.softplus(x, { beta, threshold });
}

/** Smooth ReLU: log(1 + e^(βx))/β, linear above threshold/β, as torch.nn.Softplus. */
export class Softplus extends Module {
  readonly typeName = 'Softplus';

  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
    if (!(beta > 0)) throw new t.ArgumentError(`Softplus: beta must be > 0, got ${beta}`);
  }

  get config() {
    return { beta: this.beta, threshold: this.threshold };
  }

  forward(x: t.Tensor): t.Tensor {
    return softplus(x, this.beta, this.threshold);
  }
}

/** x·tanh(softplus(x)) (Misra, 2019), as torch.nn.Mish: core's `t.mish`. */
export class Mish extends Module {
  readonly typeName = 'Mish';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    return t.mish(x);
  }
}
