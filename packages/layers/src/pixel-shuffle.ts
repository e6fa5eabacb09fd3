import * as t from '@tensile/core';
import { Module } from './module.js';

/**
 * [*, C·r², H, W] → [*, C, H·r, W·r] (torch.nn.PixelShuffle).
 *
 * @example
 * new PixelShuffle(2).call(x) // [n, 12, h, w] → [n, 3, 2h, 2w]
 */
export class PixelShuffle extends Module {
  readonly typeName = 'PixelShuffle';

  constructor(readonly upscaleFactor: number) {
    super();
    if (!Number.isInteger(upscaleFactor) || upscaleFactor < 1)
      throw new t.ArgumentError(`PixelShuffle: upscaleFactor ${upscaleFactor} must be a positive integer`);
  }

  get config() {
    return { upscaleFactor: this.upscaleFactor };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.pixelShuffle(x, this.upscaleFactor);
  }
}

/**
 * [*, C, H·r, W·r] → [*, C·r², H, W] (torch.nn.PixelUnshuffle), the inverse of PixelShuffle.
 *
 * @example
 * new PixelUnshuffle(2).call(x) // [n, 3, 8, 8] → [n, 12, 4, 4]
 */
export class PixelUnshuffle extends Module {
  readonly typeName = 'PixelUnshuffle';

  constructor(readonly downscaleFactor: number) {
    super();
    if (!Number.isInteger(downscaleFactor) || downscaleFactor < 1) {
      throw new t.ArgumentError(`PixelUnshuffle: downscaleFactor ${downscaleFactor} must be a positive integer`);
    }
  }

  get config() {
    return { downscaleFactor: this.downscaleFactor };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.pixelUnshuffle(x, this.downscaleFactor);
  }
}
