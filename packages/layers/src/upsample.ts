import * as t from '@tensile/core';
import { type LayerConfig, Module } from './module.js';

export type UpsampleOptions = Omit<t.InterpolateOptions, 'mode'> & { mode?: t.InterpolateMode };

/**
 * Resizes the spatial axes of [N, C, …] input (torch.nn.Upsample): t.interpolate
 * with the layer's size or scaleFactor, mode (default 'nearest'), alignCorners
 * and recomputeScaleFactor.
 *
 * @example
 * new Upsample({ scaleFactor: 2, mode: 'bilinear' }).call(x) // [n, c, h, w] → [n, c, 2h, 2w]
 */
export class Upsample extends Module {
  readonly typeName: string = 'Upsample';
  readonly options: Readonly<UpsampleOptions>;

  constructor(options: UpsampleOptions) {
    super();
    const given = (v: unknown) => v !== undefined && v !== null;
    if (given(options.size) === given(options.scaleFactor)) throw new t.ArgumentError('Upsample: give exactly one of size and scaleFactor');
    this.options = Object.freeze({ ...options });
  }

  get config() {
    return { ...this.options } as LayerConfig;
  }

  forward(x: t.Tensor): t.Tensor {
    return t.interpolate(x, this.options);
  }
}

/**
 * Nearest-neighbour upsampling of [N, C, H, W] (torch.nn.UpsamplingNearest2d).
 *
 * @example
 * new UpsamplingNearest2d({ scaleFactor: 2 }).call(x)
 */
export class UpsamplingNearest2d extends Upsample {
  override readonly typeName: string = 'UpsamplingNearest2d';

  constructor(options: { size?: t.Pair; scaleFactor?: number | readonly [number, number] }) {
    super({ size: options.size, scaleFactor: options.scaleFactor, mode: 'nearest' });
  }

  override get config() {
    return { size: this.options.size, scaleFactor: this.options.scaleFactor } as LayerConfig;
  }
}

/**
 * Bilinear upsampling of [N, C, H, W] with aligned corners (torch.nn.UpsamplingBilinear2d).
 *
 * @example
 * new UpsamplingBilinear2d({ size: [32, 32] }).call(x)
 */
export class UpsamplingBilinear2d extends Upsample {
  override readonly typeName: string = 'UpsamplingBilinear2d';

  constructor(options: { size?: t.Pair; scaleFactor?: number | readonly [number, number] }) {
    super({ size: options.size, scaleFactor: options.scaleFactor, mode: 'bilinear', alignCorners: true });
  }

  override get config() {
    return { size: this.options.size, scaleFactor: this.options.scaleFactor } as LayerConfig;
  }
}
