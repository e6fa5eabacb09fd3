import * as t from '@tensile/core';
import type { AdaptiveSize } from './adaptive-avg-pool2d.js';
import type { PoolResult } from './max-pool2d.js';
import { Module } from './module.js';

/**
 * Averages [N, C, L] (or [C, L]) input down to `outputSize` (torch.nn.AdaptiveAvgPool1d).
 *
 * @example
 * new AdaptiveAvgPool1d(1).call(x) // [n, c, l] → [n, c, 1]
 */
export class AdaptiveAvgPool1d extends Module {
  readonly typeName = 'AdaptiveAvgPool1d';

  constructor(readonly outputSize: number | readonly [number | null]) {
    super();
  }

  get config() {
    return { outputSize: this.outputSize };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.adaptiveAvgPool1d(x, this.outputSize);
  }
}

/**
 * Max over adaptive windows of NCHW (or CHW) input (torch.nn.AdaptiveMaxPool2d);
 * with returnIndices also each maximum's flat index in its plane (int32).
 *
 * @example
 * new AdaptiveMaxPool2d([2, 2]).call(x) // [n, c, h, w] → [n, c, 2, 2]
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module<[t.Tensor], PoolResult<R>> {
  readonly typeName = 'AdaptiveMaxPool2d';

  constructor(
    readonly outputSize: AdaptiveSize,
    readonly options: { returnIndices?: R } = {},
  ) {
    super();
  }

  get config() {
    return { outputSize: this.outputSize, returnIndices: this.options.returnIndices ?? false };
  }

  forward(x: t.Tensor): PoolResult<R> {
    return t.adaptiveMaxPool2d(x, this.outputSize, { returnIndices: this.options.returnIndices ?? false }) as PoolResult<R>;
  }
}

/**
 * Max over adaptive windows of [N, C, L] (or [C, L]) input (torch.nn.AdaptiveMaxPool1d).
 *
 * @example
 * new AdaptiveMaxPool1d(4).call(x) // [n, c, l] → [n, c, 4]
 */
export class AdaptiveMaxPool1d<R extends boolean = false> extends Module<[t.Tensor], PoolResult<R>> {
  readonly typeName = 'AdaptiveMaxPool1d';

  constructor(
    readonly outputSize: number | readonly [number | null],
    readonly options: { returnIndices?: R } = {},
  ) {
    super();
  }

  get config() {
    return { outputSize: this.outputSize, returnIndices: this.options.returnIndices ?? false };
  }

  forward(x: t.Tensor): PoolResult<R> {
    return t.adaptiveMaxPool1d(x, this.outputSize, { returnIndices: this.options.returnIndices ?? false }) as PoolResult<R>;
  }
}
