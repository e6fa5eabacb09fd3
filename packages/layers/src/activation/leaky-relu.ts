import * as t from '@tensile/core';
import { Module } from '../module.js';

/** x where x > 0, else negativeSlope·x. */
export class LeakyReLU extends Module {
  readonly typeName = 'LeakyReLU';

  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  get config() {
    return { negativeSlope: this.negativeSlope };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.where(x.gt(0), x, x.mul(this.negativeSlope));
  }
}
