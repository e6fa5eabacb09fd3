import * as t from '@tensile/core';
import { Module } from '../module.js';

/** x where x > 0, else alpha·(eˣ - 1). */
export class ELU extends Module {
  readonly typeName = 'ELU';

  constructor(readonly alpha = 1) {
    super();
  }

  get config() {
    return { alpha: this.alpha };
  }

  forward(x: t.Tensor): t.Tensor {
    // expm1 of x where x ≤ 0 (0 elsewhere): the unused branch stays finite, so its zero
    // gradient stays zero (not 0·inf). Not minimum(x, 0), which splits the gradient at a
    // tie and would halve it at x = 0, where PyTorch takes the whole α·e⁰ = α.
    const positive = x.gt(0);
    return t.where(positive, x, t.where(positive, 0, x).expm1().mul(this.alpha));
  }
}
