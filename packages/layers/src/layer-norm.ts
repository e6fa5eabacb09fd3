import * as t from '@tensile/core';
import { ones_, zeros_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

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
  /** normalizedShape, ones at first; null without elementwiseAffine. */
  declare readonly weight: Parameter | null;
  /** normalizedShape, zeros at first; null without elementwiseAffine or with `bias: false`. */
  declare readonly bias: Parameter | null;
  private readonly hasBias: boolean;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.normalizedShape.forEach((d) => checkSize('LayerNorm', 'normalizedShape', d));
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.hasBias = options.bias ?? true;
    // Absent ones are registered as null (as PyTorch's register_parameter(name, None)), so the properties read null.
    const weight = this.addParameter('weight', this.elementwiseAffine ? t.zeros(this.normalizedShape) : null);
    const bias = this.addParameter('bias', this.elementwiseAffine && this.hasBias ? t.zeros(this.normalizedShape) : null);
    if (weight) ones_(weight);
    if (bias) zeros_(bias);
  }

  get config() {
    return { normalizedShape: this.normalizedShape, eps: this.eps, elementwiseAffine: this.elementwiseAffine, bias: this.hasBias };
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
    if (this.weight) y = y.mul(this.weight);
    if (this.bias) y = y.add(this.bias);
    return y;
  }
}
