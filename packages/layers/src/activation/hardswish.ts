import * as t from '@tensile/core';
import { Module } from '../module.js';

/**
 * x·relu6(x + 3)/6 (Howard et al., 2019), as torch.nn.Hardswish. Written
 * piecewise so the gradient matches PyTorch's hardswish_backward at the
 * joints: x/3 + ½ on [-3, 3] (both ends included), 0 below, 1 above.
 */
export class Hardswish extends Module {
  readonly typeName = 'Hardswish';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    const middle = x.mul(x.add(3)).div(6);
    return t.where(x.lt(-3), t.zerosLike(x), t.where(x.le(3), middle, x));
  }
}
