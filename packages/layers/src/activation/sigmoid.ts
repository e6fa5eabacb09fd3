import type * as t from '@tensile/core';
import { Module } from '../module.js';

/** 1 / (1 + e^-x), elementwise. */
export class Sigmoid extends Module {
  readonly typeName = 'Sigmoid';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    return x.sigmoid();
  }
}
