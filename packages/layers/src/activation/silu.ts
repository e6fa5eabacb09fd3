import type * as t from '@tensile/core';
import { Module } from '../module.js';

/** x·σ(x) (also called swish), elementwise. */
export class SiLU extends Module {
  readonly typeName = 'SiLU';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    return x.mul(x.sigmoid());
  }
}
