import * as t from '@tensile/core';
import { Module } from './module.js';

type Single = number | readonly [number];

export interface AvgPool1dOptions {
  /** Defaults to the kernel size, as PyTorch. */
  stride?: Single | null;
  padding?: Single;
  ceilMode?: boolean;
  /** Count padded zeros in each average (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/**
 * Mean over windows of [N, C, L] (or [C, L]) input (torch.nn.AvgPool1d).
 *
 * @example
 * new AvgPool1d(3, { stride: 1, padding: 1 }).call(x) // [n, c, l] → [n, c, l]
 */
export class AvgPool1d extends Module {
  readonly typeName = 'AvgPool1d';

  constructor(
    readonly kernelSize: Single,
    readonly options: AvgPool1dOptions = {},
  ) {
    super();
  }

  get config() {
    const { stride, padding, ceilMode, countIncludePad } = this.options;
    return { kernelSize: this.kernelSize, stride, padding, ceilMode, countIncludePad } as { kernelSize: Single };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.avgPool1d(x, { kernelSize: this.kernelSize, ...this.options });
  }
}
