import * as t from '@tensile/core';
import { ones_, zeros_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface GroupNormOptions {
  eps?: number;
  /** Learn a per-channel scale (ones) and shift (zeros) (default true). */
  affine?: boolean;
}

/**
 * Group normalisation (Wu & He, 2018), as torch.nn.GroupNorm: the channels
 * of [N, C, *] input are split into numGroups groups, each normalised with
 * its own mean and biased variance per sample, then scaled and shifted per
 * channel. Independent of the batch size (no running statistics).
 *
 * @example
 * new GroupNorm(8, 64).call(x) // x [n, 64, h, w]
 */
export class GroupNorm extends Module {
  readonly typeName = 'GroupNorm';
  readonly eps: number;
  readonly affine: boolean;
  /** [C], ones at first; null without affine. */
  declare readonly weight: Parameter | null;
  /** [C], zeros at first; null without affine. */
  declare readonly bias: Parameter | null;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormOptions = {},
  ) {
    super();
    checkSize('GroupNorm', 'numGroups', numGroups);
    checkSize('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) {
      throw new t.ArgumentError(`GroupNorm: numChannels ${numChannels} must be divisible by numGroups ${numGroups}`);
    }
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    const weight = this.addParameter('weight', this.affine ? t.zeros([numChannels]) : null);
    const bias = this.addParameter('bias', this.affine ? t.zeros([numChannels]) : null);
    if (weight) ones_(weight);
    if (bias) zeros_(bias);
  }

  get config() {
    return { numGroups: this.numGroups, numChannels: this.numChannels, eps: this.eps, affine: this.affine };
  }

  forward(x: t.Tensor): t.Tensor {
    if (x.rank < 2 || x.shape[1] !== this.numChannels) {
      throw new t.ShapeError(
        `GroupNorm(${this.numGroups}, ${this.numChannels}): expected input [N, ${this.numChannels}, *], got [${x.shape.join(',')}]`,
      );
    }
    const n = x.shape[0];
    // [N, G, rest]: each group of one sample is a row.
    const grouped = x.reshape([n, this.numGroups, -1]);
    const mean = grouped.mean(2, true);
    const centered = grouped.sub(mean);
    let y = centered.mul(centered.square().mean(2, true).add(this.eps).rsqrt()).reshape(x.shape);
    const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1));
    if (this.weight) y = y.mul(this.weight.reshape(channelShape));
    if (this.bias) y = y.add(this.bias.reshape(channelShape));
    return y;
  }
}
