import type * as t from '@tensile/core';
import { Module } from '../module.js';

/** tanh(x), elementwise. */
export class Tanh extends Module {
  readonly typeName = 'Tanh';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    return x.tanh();
  }
}
