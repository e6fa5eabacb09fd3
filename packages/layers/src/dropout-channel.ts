import * as t from '@tensile/core';
import { Module } from './module.js';
import type { DropoutOptions } from './dropout.js';

/**
 * Channel dropout, shared by Dropout1d and Dropout2d: while training, each
 * channel of each sample is zeroed whole with probability p (one draw per
 * [N, C], broadcast over the spatial axes) and the rest scaled by 1/(1-p);
 * in evaluation the identity. Unbatched input has no N axis.
 */
abstract class ChannelDropout extends Module {
  /** The generator of masks; null uses core's default. */
  rng: t.Rng | null;
  /** Spatial axes after C. */
  protected abstract readonly spatial: number;
  protected abstract readonly layout: string;

  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new t.ArgumentError(`${new.target.name}: p must be in [0, 1], got ${p}`);
    this.rng = options.rng ?? null;
  }

  get config() {
    return { p: this.p };
  }

  forward(x: t.Tensor): t.Tensor {
    if (x.rank !== this.spatial + 2 && x.rank !== this.spatial + 1) {
      throw new t.ShapeError(`${this.typeName}: expected input ${this.layout}, got [${x.shape.join(',')}]`);
    }
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return x.mul(0);
    const maskShape = x.shape.map((d, i) => (i < x.rank - this.spatial ? d : 1));
    const p = this.p;
    const rng = this.rng ?? t.defaultRng();
    const keep = t.tidy(() =>
      t
        .rand(maskShape, { rng, dtype: x.dtype })
        .ge(p)
        .cast(x.dtype)
        .mul(1 / (1 - p)),
    );
    return x.mul(keep);
  }
}

/** Zeroes whole channels of [N, C, L] (or [C, L]) input, as torch.nn.Dropout1d. */
export class Dropout1d extends ChannelDropout {
  readonly typeName = 'Dropout1d';
  protected readonly spatial = 1;
  protected readonly layout = '[N, C, L] or [C, L]';
}

/** Zeroes whole channels of [N, C, H, W] (or [C, H, W]) input, as torch.nn.Dropout2d. */
export class Dropout2d extends ChannelDropout {
  readonly typeName = 'Dropout2d';
  protected readonly spatial = 2;
  protected readonly layout = '[N, C, H, W] or [C, H, W]';
}
