import * as t from '@tensile/core';
import { Module } from './module.js';

/** An output size; null keeps the input's size on that axis. */
export type AdaptiveSize = number | readonly [number | null, number | null];

/**
 * Averages NCHW (or unbatched CHW) input down to a fixed output size, with PyTorch's windows:
 * output i along an axis of size n covers [⌊i·n/out⌋, ⌈(i+1)·n/out⌉).
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
    // [C, H, W] is one unbatched sample, as in PyTorch: the last two axes are pooled either way.
    if (x.rank !== 4 && x.rank !== 3) {
      throw new t.ShapeError(`AdaptiveAvgPool2d: expected [N, C, H, W] or [C, H, W] input, got [${x.shape.join(',')}]`);
    }
    const [oh, ow] = typeof this.outputSize === 'number' ? [this.outputSize, this.outputSize] : this.outputSize;
    const [h, w] = [x.rank - 2, x.rank - 1];
    return poolAxis(poolAxis(x, h, oh ?? x.shape[h]), w, ow ?? x.shape[w]);
  }
}

/** Adaptive averaging along one axis: one window per output entry. */
function poolAxis(x: t.Tensor, axis: number, out: number): t.Tensor {
  const n = x.shape[axis];
  if (!Number.isInteger(out) || out < 1) throw new t.ArgumentError(`AdaptiveAvgPool2d: output size ${out} must be a positive integer`);
  if (out === n) return x;
  if (n % out === 0) {
    // Equal, disjoint windows: one reshape and a mean.
    const k = n / out;
    const shape = [...x.shape.slice(0, axis), out, k, ...x.shape.slice(axis + 1)];
    return x.reshape(shape).mean(axis + 1);
  }
  const parts: t.Tensor[] = [];
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * n) / out);
    const end = Math.ceil(((i + 1) * n) / out);
    parts.push(x.narrow(axis, start, end - start).mean(axis, true));
  }
  return t.concat(parts, axis);
}
