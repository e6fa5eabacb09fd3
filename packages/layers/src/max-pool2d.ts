import * as t from '@tensile/core';
import { Module } from './module.js';

export interface MaxPool2dOptions {
  /** Defaults to the kernel size, as PyTorch. */
  stride?: t.Pair;
  padding?: t.Pair;
  dilation?: t.Pair;
}

/** Max over kh×kw windows of NCHW input. */
export class MaxPool2d extends Module {
  readonly typeName = 'MaxPool2d';

  constructor(
    readonly kernelSize: t.Pair,
    readonly options: MaxPool2dOptions = {},
  ) {
    super();
  }

  get config() {
    return { kernelSize: this.kernelSize, ...this.options } as { kernelSize: t.Pair };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.maxPool2d(x, { kernelSize: this.kernelSize, ...this.options });
  }
}
