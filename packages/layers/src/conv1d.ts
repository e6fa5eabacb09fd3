import * as t from '@tensile/core';
import { ConvNd, type ConvNdOptions } from './conv-base.js';

export type Conv1dOptions = ConvNdOptions<1>;

/**
 * 1-D convolution over [N, C, L] (or unbatched [C, L]) input, weight [out, in/groups, k] and
 * bias [out] as PyTorch (torch.nn.Conv1d), with PyTorch's default initialisation.
 *
 * @example
 * new Conv1d(16, 32, 3, { padding: 1 }).call(x) // [n, 16, l] → [n, 32, l]
 */
export class Conv1d extends ConvNd {
  readonly typeName = 'Conv1d';

  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number], options: Conv1dOptions = {}) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, options);
  }

  forward(x: t.Tensor): t.Tensor {
    this.checkInput('Conv1d', x);
    const p = this.padded(x);
    return t.conv1d(p.x, this.weight, this.bias, {
      stride: this.stride[0],
      padding: typeof p.padding === 'string' ? p.padding : p.padding[0],
      dilation: this.dilation[0],
      groups: this.groups,
    });
  }
}
