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
    // expm1 of min(x, 0): the unused branch stays finite, so its zero gradient stays zero (not 0·inf).
    return t.where(x.gt(0), x, x.minimum(0).expm1().mul(this.alpha));
  }
}
