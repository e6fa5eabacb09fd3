import * as t from '@tensile/core';
import type { PoolResult } from './max-pool2d.js';
import { Module } from './module.js';

export interface MaxPool3dOptions<R extends boolean = boolean> {
  /** Defaults to the kernel size, as PyTorch. */
  stride?: t.Triple | null;
  padding?: t.Triple;
  dilation?: t.Triple;
  ceilMode?: boolean;
  /** Also return each maximum's flat index in its [D, H, W] volume (int32). */
  returnIndices?: R;
}

export interface AvgPool3dOptions {
  /** Defaults to the kernel size, as PyTorch. */
  stride?: t.Triple | null;
  padding?: t.Triple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/**
 * Max over kd×kh×kw windows of [N, C, D, H, W] (or [C, D, H, W]) input (torch.nn.MaxPool3d).
 *
 * @example
 * new MaxPool3d(2).call(x) // [n, c, 4, 8, 8] → [n, c, 2, 4, 4]
 */
export class MaxPool3d<R extends boolean = false> extends Module<[t.Tensor], PoolResult<R>> {
  readonly typeName = 'MaxPool3d';

  constructor(
    readonly kernelSize: t.Triple,
    readonly options: MaxPool3dOptions<R> = {},
  ) {
    super();
  }

  get config() {
    const { stride, padding, dilation, ceilMode, returnIndices } = this.options;
    return { kernelSize: this.kernelSize, stride, padding, dilation, ceilMode, returnIndices } as { kernelSize: t.Triple };
  }

  forward(x: t.Tensor): PoolResult<R> {
    return t.maxPool3d(x, { kernelSize: this.kernelSize, ...this.options }) as PoolResult<R>;
  }
}

/**
 * Mean over kd×kh×kw windows of [N, C, D, H, W] (or [C, D, H, W]) input (torch.nn.AvgPool3d).
 *
 * @example
 * new AvgPool3d(2).call(x) // [n, c, 4, 8, 8] → [n, c, 2, 4, 4]
 */
export class AvgPool3d extends Module {
  readonly typeName = 'AvgPool3d';

  constructor(
    readonly kernelSize: t.Triple,
    readonly options: AvgPool3dOptions = {},
  ) {
    super();
  }

  get config() {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this.options;
    return { kernelSize: this.kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride } as { kernelSize: t.Triple };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.avgPool3d(x, { kernelSize: this.kernelSize, ...this.options });
  }
}
