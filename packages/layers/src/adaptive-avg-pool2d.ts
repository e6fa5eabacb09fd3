import * as t from '@tensile/core';
import { Module } from './module.js';

/** An output size; null keeps the input's size on that axis. */
export type AdaptiveSize = number | readonly [number | null, number | null];

/**
 * Averages NCHW (or unbatched CHW) input down to a fixed output size, with PyTorch's windows:
 * output i along an axis of size n covers [⌊i·n/out⌋, ⌈(i+1)·n/out⌉) (torch.nn.AdaptiveAvgPool2d).
 *
 * @example
 * new AdaptiveAvgPool2d(1).call(x) // [n, c, h, w] → [n, c, 1, 1] (global average)
 */
export class AdaptiveAvgPool2d extends Module {
  readonly typeName = 'AdaptiveAvgPool2d';

  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }

  get config() {
    return { outputSize: this.outputSize };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.adaptiveAvgPool2d(x, this.outputSize);
  }
}
