import * as t from '@tensile/core';
import { ConvNd, type ConvNdOptions } from './conv-base.js';

export type Conv2dOptions = ConvNdOptions<2>;

/**
 * 2-D convolution over NCHW (or unbatched CHW) input, weight [out, in/groups, kh, kw] and bias
 * [out] as PyTorch; initialised as PyTorch's default (U(±1/√fan_in)).
 *
 * @example
 * new Conv2d(3, 16, 3, { padding: 'same' }).call(x) // [n, 3, h, w] → [n, 16, h, w]
 * new Conv2d(3, 16, 3, { padding: 1, paddingMode: 'reflect' })
 */
export class Conv2d extends ConvNd {
  readonly typeName = 'Conv2d';

  constructor(inChannels: number, outChannels: number, kernelSize: t.Pair, options: Conv2dOptions = {}) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, options);
  }

  forward(x: t.Tensor): t.Tensor {
    this.checkInput('Conv2d', x);
    const p = this.padded(x);
    return t.conv2d(p.x, this.weight, this.bias, {
      stride: this.stride as [number, number],
      padding: p.padding as [number, number] | 'same' | 'valid',
      dilation: this.dilation as [number, number],
      groups: this.groups,
    });
  }
}
