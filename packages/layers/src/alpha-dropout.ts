import * as t from '@tensile/core';
import type { DropoutOptions } from './dropout.js';
import { Module } from './module.js';

/** -SELU's scale·α: the value SELU saturates to, which dropped entries take. */
const ALPHA_PRIME = 1.7580993408473766;

/**
 * Dropout for self-normalising networks (SELU), as torch.nn.AlphaDropout:
 * while training, each entry is set with probability p to SELU's negative
 * saturation value, then an affine map a·x + b restores zero mean and unit
 * variance (the same a and b as PyTorch); in evaluation the identity.
 */
export class AlphaDropout extends Module {
  readonly typeName = 'AlphaDropout';
  /** The generator of masks; null uses core's default. */
  rng: t.Rng | null;

  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new t.ArgumentError(`AlphaDropout: p must be in [0, 1], got ${p}`);
    this.rng = options.rng ?? null;
  }

  get config() {
    return { p: this.p };
  }

  forward(x: t.Tensor): t.Tensor {
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return x.mul(0);
    const p = this.p;
    const a = 1 / Math.sqrt((ALPHA_PRIME * ALPHA_PRIME * p + 1) * (1 - p));
    const rng = this.rng ?? t.defaultRng();
    // PyTorch: x·(mask·a) + ((mask - 1)·α'·a + α'·a·p), mask ~ Bernoulli(1 - p).
    const [scale, shift] = t.tidy(() => {
      const mask = t.rand(x.shape, { rng, dtype: x.dtype }).ge(p).cast(x.dtype);
      return [
        mask.mul(a),
        mask
          .sub(1)
          .mul(ALPHA_PRIME * a)
          .add(ALPHA_PRIME * a * p),
      ];
    });
    return x.mul(scale).add(shift);
  }
}
