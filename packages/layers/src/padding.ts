import * as t from '@tensile/core';
import { type LayerConfig, Module } from './module.js';

/** PyTorch's padding argument: one size for every side, or (left, right[, top, bottom]). */
type Padding1d = number | readonly [number, number];
type Padding2d = number | readonly [number, number, number, number];

/** Pads the last `dims` axes in one mode; the flat list is PyTorch's, last axis first. */
abstract class PadNd extends Module {
  readonly padding: number[];

  constructor(
    layer: string,
    dims: number,
    padding: number | readonly number[],
    private readonly mode: t.PadMode,
    readonly value = 0,
  ) {
    super();
    const flat = typeof padding === 'number' ? Array<number>(2 * dims).fill(padding) : [...padding];
    if (flat.length !== 2 * dims || flat.some((p) => !Number.isInteger(p))) {
      throw new t.ArgumentError(`${layer}: padding ${JSON.stringify(padding)} must be an integer or ${2 * dims} integers`);
    }
    this.padding = flat;
  }

  /** What the layer is built from (its padding; constant pads add their value). */
  get config(): LayerConfig {
    return { padding: this.padding };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.pad(x, this.padding, this.mode === 'constant' ? { value: this.value } : { mode: this.mode });
  }
}

/**
 * Zero padding of the last two axes (torch.nn.ZeroPad2d): padding (left, right, top, bottom) or one size.
 *
 * @example
 * new ZeroPad2d([1, 1, 2, 0]).call(x) // [n, c, h, w] → [n, c, h + 2, w + 2]
 */
export class ZeroPad2d extends PadNd {
  readonly typeName = 'ZeroPad2d';
  constructor(padding: Padding2d) {
    super('ZeroPad2d', 2, padding, 'constant');
  }
}

/**
 * Constant padding of the last axis (torch.nn.ConstantPad1d): padding (left, right) or one size.
 *
 * @example
 * new ConstantPad1d(2, 3.5).call(x) // [n, c, l] → [n, c, l + 4]
 */
export class ConstantPad1d extends PadNd {
  readonly typeName = 'ConstantPad1d';
  constructor(padding: Padding1d, value: number) {
    super('ConstantPad1d', 1, padding, 'constant', value);
  }
  override get config() {
    return { padding: this.padding, value: this.value };
  }
}

/**
 * Constant padding of the last two axes (torch.nn.ConstantPad2d).
 *
 * @example
 * new ConstantPad2d([1, 0, 0, 1], -1).call(x)
 */
export class ConstantPad2d extends PadNd {
  readonly typeName = 'ConstantPad2d';
  constructor(padding: Padding2d, value: number) {
    super('ConstantPad2d', 2, padding, 'constant', value);
  }
  override get config() {
    return { padding: this.padding, value: this.value };
  }
}

/**
 * Mirror padding (without the edge) of the last axis (torch.nn.ReflectionPad1d); pads below the axis size.
 *
 * @example
 * new ReflectionPad1d(2).call(x) // [1, 2, 3] → [3, 2, 1, 2, 3, 2, 1]
 */
export class ReflectionPad1d extends PadNd {
  readonly typeName = 'ReflectionPad1d';
  constructor(padding: Padding1d) {
    super('ReflectionPad1d', 1, padding, 'reflect');
  }
}

/**
 * Mirror padding of the last two axes (torch.nn.ReflectionPad2d).
 *
 * @example
 * new ReflectionPad2d(1).call(x) // [n, c, h, w] → [n, c, h + 2, w + 2]
 */
export class ReflectionPad2d extends PadNd {
  readonly typeName = 'ReflectionPad2d';
  constructor(padding: Padding2d) {
    super('ReflectionPad2d', 2, padding, 'reflect');
  }
}

/**
 * Edge-repeating padding of the last axis (torch.nn.ReplicationPad1d).
 *
 * @example
 * new ReplicationPad1d([2, 1]).call(x) // [1, 2, 3] → [1, 1, 1, 2, 3, 3]
 */
export class ReplicationPad1d extends PadNd {
  readonly typeName = 'ReplicationPad1d';
  constructor(padding: Padding1d) {
    super('ReplicationPad1d', 1, padding, 'replicate');
  }
}

/**
 * Edge-repeating padding of the last two axes (torch.nn.ReplicationPad2d).
 *
 * @example
 * new ReplicationPad2d(1).call(x)
 */
export class ReplicationPad2d extends PadNd {
  readonly typeName = 'ReplicationPad2d';
  constructor(padding: Padding2d) {
    super('ReplicationPad2d', 2, padding, 'replicate');
  }
}
