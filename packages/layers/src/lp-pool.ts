import * as t from '@tensile/core';
import { Module } from './module.js';

export interface LPPoolOptions<S> {
  /** Defaults to the kernel size, as PyTorch. */
  stride?: S | null;
  ceilMode?: boolean;
}

/**
 * Power-average pooling of [N, C, H, W] (torch.nn.LPPool2d): (Σ_window x^p)^(1/p).
 *
 * @example
 * new LPPool2d(2, 2).call(x) // the L2 norm of each 2×2 window
 */
export class LPPool2d extends Module {
  readonly typeName = 'LPPool2d';

  constructor(
    readonly normType: number,
    readonly kernelSize: t.Pair,
    readonly options: LPPoolOptions<t.Pair> = {},
  ) {
    super();
  }

  get config() {
    return { normType: this.normType, kernelSize: this.kernelSize, stride: this.options.stride, ceilMode: this.options.ceilMode } as {
      normType: number;
    };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.lpPool2d(x, this.normType, { kernelSize: this.kernelSize, ...this.options });
  }
}

/**
 * Power-average pooling of [N, C, L] (torch.nn.LPPool1d).
 *
 * @example
 * new LPPool1d(3, 2).call(x) // [n, c, 8] → [n, c, 4]
 */
export class LPPool1d extends Module {
  readonly typeName = 'LPPool1d';

  constructor(
    readonly normType: number,
    readonly kernelSize: number | readonly [number],
    readonly options: LPPoolOptions<number | readonly [number]> = {},
  ) {
    super();
  }

  get config() {
    return { normType: this.normType, kernelSize: this.kernelSize, stride: this.options.stride, ceilMode: this.options.ceilMode } as {
      normType: number;
    };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.lpPool1d(x, this.normType, { kernelSize: this.kernelSize, ...this.options });
  }
}
