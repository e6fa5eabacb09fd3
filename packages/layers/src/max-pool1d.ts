import * as t from '@tensile/core';
import type { PoolResult } from './max-pool2d.js';
import { Module } from './module.js';

type Single = number | readonly [number];

export interface MaxPool1dOptions<R extends boolean = boolean> {
  /** Defaults to the kernel size, as PyTorch. */
  stride?: Single | null;
  padding?: Single;
  dilation?: Single;
  ceilMode?: boolean;
  /** Also return each maximum's index along L (int32), for MaxUnpool1d. */
  returnIndices?: R;
}

/**
 * Max over windows of [N, C, L] (or [C, L]) input (torch.nn.MaxPool1d).
 *
 * @example
 * new MaxPool1d(2).call(x) // [n, c, 8] → [n, c, 4]
 */
export class MaxPool1d<R extends boolean = false> extends Module<[t.Tensor], PoolResult<R>> {
  readonly typeName = 'MaxPool1d';

  constructor(
    readonly kernelSize: Single,
    readonly options: MaxPool1dOptions<R> = {},
  ) {
    super();
  }

  get config() {
    const { stride, padding, dilation, ceilMode, returnIndices } = this.options;
    return { kernelSize: this.kernelSize, stride, padding, dilation, ceilMode, returnIndices } as { kernelSize: Single };
  }

  forward(x: t.Tensor): PoolResult<R> {
    return t.maxPool1d(x, { kernelSize: this.kernelSize, ...this.options }) as PoolResult<R>;
  }
}
