import type * as t from '@tensile/core';
import { Module } from '../module.js';

/** max(x, 0), elementwise. */
export class ReLU extends Module {
  readonly typeName = 'ReLU';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    return x.relu();
  }
}
