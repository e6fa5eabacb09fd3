import * as t from '@tensile/core';
import { Module } from './module.js';

export interface AvgPool2dOptions {
  /** Defaults to the kernel size, as PyTorch. */
  stride?: t.Pair | null;
  padding?: t.Pair;
  /** Round output sizes up (PyTorch's ceil_mode). */
  ceilMode?: boolean;
  /** Count padded zeros in each average (default true, as PyTorch). */
  countIncludePad?: boolean;
  /** Divide each window's sum by this instead of its size. */
  divisorOverride?: number | null;
}

/**
 * Mean over kh×kw windows of NCHW (or CHW) input (torch.nn.AvgPool2d).
 *
 * @example
 * new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }).call(x)
 */
export class AvgPool2d extends Module {
  readonly typeName = 'AvgPool2d';

  constructor(
    readonly kernelSize: t.Pair,
    readonly options: AvgPool2dOptions = {},
  ) {
    super();
  }

  get config() {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this.options;
    return { kernelSize: this.kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride } as { kernelSize: t.Pair };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.avgPool2d(x, { kernelSize: this.kernelSize, ...this.options });
  }
}
