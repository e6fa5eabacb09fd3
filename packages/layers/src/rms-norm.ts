import * as t from '@tensile/core';
import { ones_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface RMSNormOptions {
  /** Added to the mean square; null (default): the dtype's machine epsilon, as PyTorch. */
  eps?: number | null;
  /** Learn a scale of normalizedShape, ones at first (default true). */
  elementwiseAffine?: boolean;
}

/** Machine epsilon per float dtype (torch.finfo(dtype).eps). */
const EPSILON: Partial<Record<t.DType, number>> = { float32: 2 ** -23, float64: 2 ** -52 };

/**
 * Root-mean-square normalisation (Zhang & Sennrich, 2019), as
 * torch.nn.RMSNorm (PyTorch 2.4): y = x / √(mean(x²) + eps) · weight over the
 * last axes (normalizedShape). No centring and no bias.
 *
 * @example
 * new RMSNorm(512).call(x) // x [batch, seq, 512]
 */
export class RMSNorm extends Module {
  readonly typeName = 'RMSNorm';
  readonly normalizedShape: number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;
  /** normalizedShape, ones at first; null without elementwiseAffine. */
  declare readonly weight: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: RMSNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.normalizedShape.forEach((d) => checkSize('RMSNorm', 'normalizedShape', d));
    this.eps = options.eps ?? null;
    if (this.eps !== null && !(this.eps >= 0)) throw new t.ArgumentError(`RMSNorm: eps must be ≥ 0 or null, got ${this.eps}`);
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const weight = this.addParameter('weight', this.elementwiseAffine ? t.zeros(this.normalizedShape) : null);
    if (weight) ones_(weight);
  }

  get config() {
    return { normalizedShape: this.normalizedShape, eps: this.eps, elementwiseAffine: this.elementwiseAffine };
  }

  forward(x: t.Tensor): t.Tensor {
    const k = this.normalizedShape.length;
    if (x.rank < k || x.shape.slice(x.rank - k).join() !== this.normalizedShape.join()) {
      throw new t.ShapeError(
        `RMSNorm([${this.normalizedShape.join(',')}]): input [${x.shape.join(',')}] does not end in [${this.normalizedShape.join(',')}]`,
      );
    }
    const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
    const eps = this.eps ?? EPSILON[x.dtype] ?? EPSILON.float32!;
    const y = x.mul(x.square().mean(axes, true).add(eps).rsqrt());
    return this.weight ? y.mul(this.weight) : y;
  }
}
