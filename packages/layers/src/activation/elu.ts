import * as t from '@tensile/core';
import { Module } from '../module.js';

/** x where x > 0, else alpha·(eˣ - 1): core's `t.elu`. */
export class ELU extends Module {
  readonly typeName = 'ELU';

  constructor(readonly alpha = 1) {
    super();
  }

  get config() {
    return { alpha: this.alpha };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.elu(x, { alpha: this.alpha });
  }
}
