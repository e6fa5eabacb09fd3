import * as t from '@tensile/core';
import {
  BatchNorm2d,
  ConfigModule,
  Conv2d,
  ConvTranspose2d,
  MaxPool2d,
  type Module,
  ModuleList,
  ReLU,
  Sequential,
  Upsample,
} from '@tensile/layers';

/** How an up step doubles the resolution: a learned 2×2 stride-2 ConvTranspose2d, or an Upsample then a 1×1 Conv2d. */
export type UpMode = 'transposed' | 'bilinear' | 'nearest';

/** UNet's constructor config, saved as is in model files. */
export type UNetConfig = {
  /** Input channels (default 1). */
  inChannels?: number;
  /** Output channels (default 1). */
  outChannels?: number;
  /** Channels at each resolution, full resolution first; each next one after a 2×2 max pool. */
  channels: number[];
  /** One per up step, deepest first (default: all 'transposed'). */
  up?: UpMode[];
};

/** Conv 3×3 → BatchNorm → ReLU, twice: U-Net's unit at every resolution. */
function doubleConv(inChannels: number, outChannels: number): Sequential {
  return new Sequential(
    new Conv2d(inChannels, outChannels, 3, { padding: 1, bias: false }),
    new BatchNorm2d(outChannels),
    new ReLU(),
    new Conv2d(outChannels, outChannels, 3, { padding: 1, bias: false }),
    new BatchNorm2d(outChannels),
    new ReLU(),
  );
}

function upStep(mode: UpMode, inChannels: number, outChannels: number): Module<[t.Tensor], t.Tensor> {
  if (mode === 'transposed') return new ConvTranspose2d(inChannels, outChannels, 2, { stride: 2 });
  return new Sequential(
    new Upsample({ scaleFactor: 2, mode, ...(mode === 'bilinear' ? { alignCorners: false } : {}) }),
    new Conv2d(inChannels, outChannels, 1),
  ) as unknown as Module<[t.Tensor], t.Tensor>;
}

/**
 * A small U-Net (Ronneberger et al. 2015) for image-to-image tasks such as
 * denoising: a down path of double convolutions (`down.k`) with 2×2 max
 * pooling between them, an up path whose steps (`up.k`) double the
 * resolution with a ConvTranspose2d or an Upsample and a 1×1 convolution,
 * each followed by concatenating the down path's features at that
 * resolution (the skip connection) and a double convolution (`dec.k`), and
 * a 1×1 convolution (`head`) to the output channels. Height and width must
 * be divisible by 2^(levels − 1). The PyTorch module of
 * apps/cli/scripts/crosscheck_unet.py loads its weights unchanged.
 *
 * @example
 * const unet = new UNet({ channels: [8, 16, 32], up: ['transposed', 'bilinear'] });
 * unet.call(noisy); // [N, 1, 28, 28] → [N, 1, 28, 28]
 */
export class UNet extends ConfigModule<UNetConfig, [t.Tensor], t.Tensor> {
  readonly down: ModuleList<Sequential>;
  readonly pool: MaxPool2d;
  readonly up: ModuleList<Module<[t.Tensor], t.Tensor>>;
  readonly dec: ModuleList<Sequential>;
  readonly head: Conv2d;

  constructor(config: UNetConfig) {
    super(config);
    const { channels } = config;
    const inChannels = config.inChannels ?? 1;
    const outChannels = config.outChannels ?? 1;
    const positive = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
    if (!Array.isArray(channels) || channels.length < 2 || !channels.every(positive)) {
      throw new t.ArgumentError(`UNet: channels must list at least two channel counts, got ${JSON.stringify(channels)}`);
    }
    if (!positive(inChannels) || !positive(outChannels))
      throw new t.ArgumentError('UNet: inChannels and outChannels must be positive integers');
    const up = config.up ?? channels.slice(1).map((): UpMode => 'transposed');
    if (!Array.isArray(up) || up.length !== channels.length - 1 || up.some((m) => !['transposed', 'bilinear', 'nearest'].includes(m))) {
      throw new t.ArgumentError(
        `UNet: up must give one of 'transposed', 'bilinear', 'nearest' for each of the ${channels.length - 1} up steps, got ${JSON.stringify(up)}`,
      );
    }
    this.down = this.addModule('down', new ModuleList(channels.map((c, k) => doubleConv(k === 0 ? inChannels : channels[k - 1], c))));
    this.pool = this.addModule('pool', new MaxPool2d(2));
    // Up step i goes from level (depth − i) to level (depth − i − 1), deepest first.
    const depth = channels.length - 1;
    this.up = this.addModule('up', new ModuleList(up.map((mode, i) => upStep(mode, channels[depth - i], channels[depth - i - 1]))));
    this.dec = this.addModule('dec', new ModuleList(up.map((_, i) => doubleConv(2 * channels[depth - i - 1], channels[depth - i - 1]))));
    this.head = this.addModule('head', new Conv2d(channels[0], outChannels, 1));
  }

  forward(x: t.Tensor): t.Tensor {
    const depth = this.config.channels.length - 1;
    const [h, w] = x.shape.slice(-2);
    if (x.rank !== 4 || h % 2 ** depth !== 0 || w % 2 ** depth !== 0) {
      throw new t.ShapeError(`UNet: input must be [N, C, H, W] with H and W divisible by ${2 ** depth}, got [${x.shape.join(',')}]`);
    }
    const skips: t.Tensor[] = [];
    let y = x;
    [...this.down].forEach((block, k) => {
      y = block.call(k === 0 ? y : this.pool.call(y)) as t.Tensor;
      skips.push(y);
    });
    skips.pop(); // the deepest level has no skip: it is y
    [...this.up].forEach((step, i) => {
      const skip = skips[depth - i - 1];
      y = this.dec.at(i)!.call(t.concat([skip, step.call(y)], 1)) as t.Tensor;
    });
    return this.head.call(y);
  }
}
