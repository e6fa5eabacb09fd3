import type * as t from '@tensile/core';
import { Module } from '../module.js';

/** Softmax along `dim` (default the last axis). */
export class Softmax extends Module {
  readonly typeName = 'Softmax';

  constructor(readonly dim = -1) {
    super();
  }

  get config() {
    return { dim: this.dim };
  }

  forward(x: t.Tensor): t.Tensor {
    return x.softmax(this.dim);
  }
}
