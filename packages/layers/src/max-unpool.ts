import * as t from '@tensile/core';
import { Module } from './module.js';

export interface MaxUnpoolOptions<S> {
  /** Defaults to the kernel size, as PyTorch. */
  stride?: S | null;
  padding?: S;
}

/**
 * The inverse of MaxPool2d (torch.nn.MaxUnpool2d): each value goes to its
 * index from MaxPool2d's returnIndices in a zero plane of size
 * (in - 1)·stride - 2·padding + kernel, or `outputSize`.
 *
 * @example
 * const [y, idx] = new MaxPool2d(2, { returnIndices: true }).call(x);
 * new MaxUnpool2d(2).call(y, idx) // x's maxima in place, zeros elsewhere
 */
export class MaxUnpool2d extends Module {
  readonly typeName = 'MaxUnpool2d';

  constructor(
    readonly kernelSize: t.Pair,
    readonly options: MaxUnpoolOptions<t.Pair> = {},
  ) {
    super();
  }

  get config() {
    return { kernelSize: this.kernelSize, stride: this.options.stride, padding: this.options.padding } as { kernelSize: t.Pair };
  }

  forward(x: t.Tensor, indices: t.Tensor, outputSize?: readonly number[]): t.Tensor {
    return t.maxUnpool2d(x, indices, { kernelSize: this.kernelSize, ...this.options, outputSize });
  }
}

/**
 * The inverse of MaxPool1d (torch.nn.MaxUnpool1d).
 *
 * @example
 * const [y, idx] = new MaxPool1d(2, { returnIndices: true }).call(x);
 * new MaxUnpool1d(2).call(y, idx)
 */
export class MaxUnpool1d extends Module {
  readonly typeName = 'MaxUnpool1d';

  constructor(
    readonly kernelSize: number | readonly [number],
    readonly options: MaxUnpoolOptions<number | readonly [number]> = {},
  ) {
    super();
  }

  get config() {
    return { kernelSize: this.kernelSize, stride: this.options.stride, padding: this.options.padding } as { kernelSize: number };
  }

  forward(x: t.Tensor, indices: t.Tensor, outputSize?: readonly number[]): t.Tensor {
    return t.maxUnpool1d(x, indices, { kernelSize: this.kernelSize, ...this.options, outputSize });
  }
}
