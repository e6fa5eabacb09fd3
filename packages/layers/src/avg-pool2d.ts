import * as t from '@tensile/core';
import { Module } from './module.js';

import type { MaxPool2dOptions } from './max-pool2d.js';

export interface AvgPool2dOptions extends MaxPool2dOptions {
  /** Count padded zeros in each average (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/** Mean over kh×kw windows of NCHW input. */
export class AvgPool2d extends Module {
  readonly typeName = 'AvgPool2d';

  constructor(
    readonly kernelSize: t.Pair,
    readonly options: Omit<AvgPool2dOptions, 'dilation'> = {},
  ) {
    super();
  }

  get config() {
    return { kernelSize: this.kernelSize, ...this.options } as { kernelSize: t.Pair };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.avgPool2d(x, { kernelSize: this.kernelSize, ...this.options });
  }
}
