import * as t from '@tensile/core';
import { linearDefault_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface Conv2dOptions {
  stride?: t.Pair;
  /** Zero padding per side, or 'valid' / 'same' (stride 1). */
  padding?: t.Padding;
  dilation?: t.Pair;
  groups?: number;
  bias?: boolean;
  rng?: t.Rng;
}

const asPair = (v: t.Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/**
 * 2-D convolution over NCHW (or unbatched CHW) input, weight [out, in/groups, kh, kw] and bias
 * [out] as PyTorch; initialised as PyTorch's default (U(±1/√fan_in)).
 *
 * @example
 * new Conv2d(3, 16, 3, { padding: 'same' }).call(x) // [n, 3, h, w] → [n, 16, h, w]
 */
export class Conv2d extends Module {
  readonly typeName = 'Conv2d';
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'valid' | 'same';
  readonly dilation: [number, number];
  readonly groups: number;
  /** [out, in/groups, kh, kw]. */
  declare readonly weight: Parameter;
  /** [out], or null when built with `bias: false`. */
  declare readonly bias: Parameter | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: t.Pair,
    options: Conv2dOptions = {},
  ) {
    super();
    checkSize('Conv2d', 'inChannels', inChannels);
    checkSize('Conv2d', 'outChannels', outChannels);
    this.kernelSize = asPair(kernelSize);
    this.stride = asPair(options.stride ?? 1);
    const p = options.padding ?? 0;
    this.padding = p === 'same' || p === 'valid' ? p : asPair(p);
    this.dilation = asPair(options.dilation ?? 1);
    this.groups = options.groups ?? 1;
    this.kernelSize.forEach((k) => checkSize('Conv2d', 'kernelSize', k));
    checkSize('Conv2d', 'groups', this.groups);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new t.ArgumentError(`Conv2d: groups ${this.groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    if (this.padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
      throw new t.ArgumentError(`Conv2d: padding 'same' needs stride 1, got [${this.stride.join(',')}]`);
    }
    const w = this.addParameter('weight', t.zeros([outChannels, inChannels / this.groups, ...this.kernelSize]))!;
    const b = this.addParameter('bias', (options.bias ?? true) ? t.zeros([outChannels]) : null);
    linearDefault_(w, b, options);
  }

  get config() {
    return {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      bias: this.bias !== null,
    };
  }

  forward(x: t.Tensor): t.Tensor {
    // [C, H, W] is one unbatched sample, as in PyTorch.
    if ((x.rank !== 4 && x.rank !== 3) || x.shape[x.rank - 3] !== this.inChannels) {
      throw new t.ShapeError(
        `Conv2d(${this.inChannels}, ${this.outChannels}, kernelSize [${this.kernelSize.join(',')}]): ` +
          `expected input [N, ${this.inChannels}, H, W] or [${this.inChannels}, H, W], got [${x.shape.join(',')}]`,
      );
    }
    return t.conv2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}
