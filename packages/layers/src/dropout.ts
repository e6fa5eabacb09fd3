import * as t from '@tensile/core';
import { Module } from './module.js';

export interface DropoutOptions {
  /** Generator for the masks (default: core's default rng at each call). */
  rng?: t.Rng;
}

/**
 * Zeroes each entry with probability p while training and scales the rest by
 * 1/(1-p), so evaluation (where it is the identity) needs no rescaling.
 */
export class Dropout extends Module {
  readonly typeName = 'Dropout';
  /** The generator masks are drawn from; null uses core's default. */
  rng: t.Rng | null;

  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new t.ArgumentError(`Dropout: p must be in [0, 1], got ${p}`);
    this.rng = options.rng ?? null;
  }

  get config() {
    return { p: this.p };
  }

  forward(x: t.Tensor): t.Tensor {
    return dropout(x, this.p, this.training, this.rng ?? t.defaultRng());
  }
}

/** Functional dropout, shared by Dropout, the recurrent layers and attention. */
export function dropout(x: t.Tensor, p: number, training: boolean, rng: t.Rng): t.Tensor {
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = t.tidy(() =>
    t
      .rand(x.shape, { rng, dtype: x.dtype })
      .ge(p)
      .cast(x.dtype)
      .mul(1 / (1 - p)),
  );
  return x.mul(keep);
}
