import type * as t from '@tensile/core';
import { Module } from './module.js';

/** Returns its input unchanged (a placeholder where a layer is optional). */
export class Identity extends Module {
  readonly typeName = 'Identity';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    return x;
  }
}
