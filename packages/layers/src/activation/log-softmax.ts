import type * as t from '@tensile/core';
import { Module } from '../module.js';

/** log(softmax(x)) along `dim` (default the last axis), computed stably. */
export class LogSoftmax extends Module {
  readonly typeName = 'LogSoftmax';

  constructor(readonly dim = -1) {
    super();
  }

  get config() {
    return { dim: this.dim };
  }

  forward(x: t.Tensor): t.Tensor {
    return x.logSoftmax(this.dim);
  }
}
