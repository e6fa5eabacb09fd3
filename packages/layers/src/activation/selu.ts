import * as t from '@tensile/core';
import { Module } from '../module.js';

/** scale·(x where x > 0, else α·(eˣ - 1)), self-normalising, as torch.nn.SELU: core's `t.selu`. */
export class SELU extends Module {
  readonly typeName = 'SELU';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    return t.selu(x);
  }
}
