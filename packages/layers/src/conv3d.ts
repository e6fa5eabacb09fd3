import * as t from '@tensile/core';
import { ConvNd, type ConvNdOptions } from './conv-base.js';

export type Conv3dOptions = ConvNdOptions<3>;
type Triple = [number, number, number];

/**
 * 3-D convolution over [N, C, D, H, W] (or unbatched [C, D, H, W]) input, weight
 * [out, in/groups, kd, kh, kw] and bias [out] as PyTorch (torch.nn.Conv3d).
 *
 * @example
 * new Conv3d(1, 8, 3, { padding: 1 }).call(x) // [n, 1, d, h, w] → [n, 8, d, h, w]
 */
export class Conv3d extends ConvNd {
  readonly typeName = 'Conv3d';

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number, number, number],
    options: Conv3dOptions = {},
  ) {
    super('Conv3d', 3, inChannels, outChannels, kernelSize, options);
  }

  forward(x: t.Tensor): t.Tensor {
    this.checkInput('Conv3d', x);
    const p = this.padded(x);
    return t.conv3d(p.x, this.weight, this.bias, {
      stride: this.stride as Triple,
      padding: typeof p.padding === 'string' ? p.padding : (p.padding as Triple),
      dilation: this.dilation as Triple,
      groups: this.groups,
    });
  }
}
