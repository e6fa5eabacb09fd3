import * as t from '@tensile/core';
import { Module } from '../module.js';

/**
 * minVal·[x < minVal] + x·[minVal ≤ x ≤ maxVal] + maxVal·[x > maxVal]. The
 * gradient is 1 strictly inside (minVal, maxVal), 0 at and beyond the
 * bounds, as PyTorch's hardtanh_backward.
 */
export function hardtanh(x: t.Tensor, minVal: number, maxVal: number): t.Tensor {
  const inside = x.gt(minVal).logicalAnd(x.lt(maxVal));
  return t.where(inside, x, t.where(x.le(minVal), minVal, maxVal).cast(x.dtype));
}

/** Clamps to [minVal, maxVal] (default [-1, 1]), as torch.nn.Hardtanh. */
export class Hardtanh extends Module {
  readonly typeName = 'Hardtanh';

  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
  ) {
    super();
    if (!(minVal < maxVal)) throw new t.ArgumentError(`Hardtanh: minVal ${minVal} must be less than maxVal ${maxVal}`);
  }

  get config() {
    return { minVal: this.minVal, maxVal: this.maxVal };
  }

  forward(x: t.Tensor): t.Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
}

/** min(max(x, 0), 6), as torch.nn.ReLU6 (Hardtanh(0, 6)): core's `t.relu6`. */
export class ReLU6 extends Module {
  readonly typeName = 'ReLU6';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    return t.relu6(x);
  }
}
