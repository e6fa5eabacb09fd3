import type * as t from '@tensile/core';
import { Module } from './module.js';

/**
 * Returns its input unchanged, whatever it is, as torch.nn.Identity: a
 * placeholder where a layer is optional, or a stand-in for one removed
 * (`model.setSubmodule('fc', new Identity())`). Like PyTorch's, it takes and
 * ignores any constructor arguments, so it can replace a layer in code that
 * builds it.
 *
 * @example
 * const features = new Sequential(backbone, new Identity()).call(x);
 */
export class Identity<T = t.Tensor> extends Module<[x: T], T> {
  readonly typeName = 'Identity';

  /** Any arguments are accepted and ignored, as PyTorch's. */
  constructor(..._ignored: unknown[]) {
    super();
  }

  get config() {
    return {};
  }

  forward(x: T): T {
    return x;
  }
}
