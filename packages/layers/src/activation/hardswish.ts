import * as t from '@tensile/core';
import { Module } from '../module.js';

/** x·relu6(x + 3)/6 (Howard et al., 2019), as torch.nn.Hardswish: core's `t.hardswish` (PyTorch's gradient at the joints). */
export class Hardswish extends Module {
  readonly typeName = 'Hardswish';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    return t.hardswish(x);
  }
}
