import * as t from '@tensile/core';
import { ones_, zeros_ } from './init.js';
import { checkSize } from './linear.js';
import { Module } from './module.js';

export interface LayerNormOptions {
  eps?: number;
  /** Learn a scale (and a shift, see bias) of normalizedShape (default true). */
  elementwiseAffine?: boolean;
  /** Learn the shift too (default true). */
  bias?: boolean;
}

/**
 * Normalises over the last axes (normalizedShape) with their mean and biased
 * variance, then scales and shifts: weight ones, bias zeros.
 *
 * @example
 * new LayerNorm(512).call(x) // x [batch, seq, 512]
 */
export class LayerNorm extends Module {
  readonly typeName = 'LayerNorm';
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly bias: boolean;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.normalizedShape.forEach((d) => checkSize('LayerNorm', 'normalizedShape', d));
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.bias = options.bias ?? true;
    if (this.elementwiseAffine) {
      ones_(this.addParameter('weight', t.zeros(this.normalizedShape))!);
      if (this.bias) zeros_(this.addParameter('bias', t.zeros(this.normalizedShape))!);
    }
  }

  get config() {
    return { normalizedShape: this.normalizedShape, eps: this.eps, elementwiseAffine: this.elementwiseAffine, bias: this.bias };
  }

  forward(x: t.Tensor): t.Tensor {
    const k = this.normalizedShape.length;
    if (x.rank < k || x.shape.slice(x.rank - k).join() !== this.normalizedShape.join()) {
      throw new t.ShapeError(
        `LayerNorm([${this.normalizedShape.join(',')}]): input [${x.shape.join(',')}] does not end in [${this.normalizedShape.join(',')}]`,
      );
    }
    const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
    const mean = x.mean(axes, true);
    const centered = x.sub(mean);
    let y = centered.mul(centered.square().mean(axes, true).add(this.eps).rsqrt());
    if (this.elementwiseAffine) {
      y = y.mul(this.param('weight'));
      const b = this.optionalParam('bias');
      if (b) y = y.add(b);
    }
    return y;
  }
}
