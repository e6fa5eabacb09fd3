import * as t from '@tensile/core';
import { Module } from './module.js';

export interface MaxPool2dOptions<R extends boolean = boolean> {
  /** Defaults to the kernel size, as PyTorch. */
  stride?: t.Pair | null;
  padding?: t.Pair;
  dilation?: t.Pair;
  /** Round output sizes up (PyTorch's ceil_mode). */
  ceilMode?: boolean;
  /** Also return each maximum's flat index in its plane (int32), for MaxUnpool2d. */
  returnIndices?: R;
}

/** What a max pool returns: the maxima, and with returnIndices their indices too. */
export type PoolResult<R extends boolean> = R extends true ? [t.Tensor, t.Tensor<'int32'>] : t.Tensor;

/**
 * Max over kh×kw windows of NCHW (or CHW) input (torch.nn.MaxPool2d), with
 * PyTorch's stride, padding, dilation, ceilMode and returnIndices.
 *
 * @example
 * new MaxPool2d(2).call(x) // [n, c, 8, 8] → [n, c, 4, 4]
 * const [y, idx] = new MaxPool2d(2, { returnIndices: true }).call(x);
 */
export class MaxPool2d<R extends boolean = false> extends Module<[t.Tensor], PoolResult<R>> {
  readonly typeName = 'MaxPool2d';

  constructor(
    readonly kernelSize: t.Pair,
    readonly options: MaxPool2dOptions<R> = {},
  ) {
    super();
  }

  get config() {
    const { stride, padding, dilation, ceilMode, returnIndices } = this.options;
    return { kernelSize: this.kernelSize, stride, padding, dilation, ceilMode, returnIndices } as { kernelSize: t.Pair };
  }

  forward(x: t.Tensor): PoolResult<R> {
    return t.maxPool2d(x, { kernelSize: this.kernelSize, ...this.options }) as PoolResult<R>;
  }
}
