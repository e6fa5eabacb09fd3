import * as t from '@tensile/core';
import { Module } from '../module.js';

/**
 * Gaussian error linear unit: x·Φ(x) with the exact erf (default), or
 * PyTorch's tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): core's `t.gelu`.
 */
export class GELU extends Module {
  readonly typeName = 'GELU';

  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new t.ArgumentError(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    }
  }

  get config() {
    return { approximate: this.approximate };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.gelu(x, { approximate: this.approximate });
  }
}
