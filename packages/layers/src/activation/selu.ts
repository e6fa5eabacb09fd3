import * as t from '@tensile/core';
import { Module } from '../module.js';

/** SELU's constants (Klambauer et al., 2017), as PyTorch's. */
const ALPHA = 1.6732632423543772;
const SCALE = 1.0507009873554805;

/** scale·(x where x > 0, else α·(eˣ - 1)), self-normalising, as torch.nn.SELU. */
export class SELU extends Module {
  readonly typeName = 'SELU';

  get config() {
    return {};
  }

  forward(x: t.Tensor): t.Tensor {
    // expm1 only of the non-positive part, so the unused branch's zero gradient stays finite (see ELU).
    const positive = x.gt(0);
    return t.where(positive, x, t.where(positive, 0, x).expm1().mul(ALPHA)).mul(SCALE);
  }
}
