import * as t from '@tensile/core';
import { Module } from '../module.js';

/** x where x > 0, else negativeSlope·x: core's `t.leakyRelu`. */
export class LeakyReLU extends Module {
  readonly typeName = 'LeakyReLU';

  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  get config() {
    return { negativeSlope: this.negativeSlope };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.leakyRelu(x, { negativeSlope: this.negativeSlope });
  }
}
