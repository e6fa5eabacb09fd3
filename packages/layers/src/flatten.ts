import type * as t from '@tensile/core';
import { Module } from './module.js';

/** Flattens axes startDim..endDim into one (default: all but the batch axis). */
export class Flatten extends Module {
  readonly typeName = 'Flatten';

  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  get config() {
    return { startDim: this.startDim, endDim: this.endDim };
  }

  forward(x: t.Tensor): t.Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}
