import * as t from '@tensile/core';

/**
 * A transform maps a tensor to a new tensor. Every transform here takes one
 * sample or a batch of them (an extra leading axis) and gives the same
 * result per sample either way, so datasets may apply it to whole batches.
 * It does not dispose its input.
 */
export type Transform = (x: t.Tensor) => t.Tensor;

/** Options of the random transforms: the generator to draw from (default t.defaultRng()), or a seed for a new one. */
export interface RandomTransformOptions {
  rng?: t.Rng;
  seed?: number;
}

function rngOf(options: RandomTransformOptions): t.Rng {
  return options.rng ?? (options.seed !== undefined ? new t.Rng(options.seed) : t.defaultRng());
}

/**
 * Applies transforms left to right, freeing the intermediate results.
 *
 * @example
 * const prep = compose(toFloat(), scale(1 / 255), normalize(0.1307, 0.3081));
 */
export function compose(...transforms: Transform[]): Transform {
  return (x) =>
    t.tidy(() => {
      let y = x;
      for (const f of transforms) y = f(y);
      return y === x ? y.clone() : y;
    });
}

/** Casts to float32 (from uint8-valued int32 images, bool masks, …). */
export function toFloat(): Transform {
  return (x) => (x.dtype === 'float32' ? x.clone() : x.cast('float32'));
}

/** Multiplies by a constant (e.g. 1/255 to bring pixels into [0, 1]). */
export function scale(factor: number): Transform {
  if (!Number.isFinite(factor)) throw new t.ArgumentError(`scale: factor must be a finite number, got ${factor}`);
  return (x) => x.mul(factor);
}

/**
 * (x - mean) / std, with one mean/std for all values or one per channel. With
 * per-channel lists, images are [C,H,W] or a batch [N,C,H,W] (channels third
 * from the end).
 *
 * @example
 * normalize(0.1307, 0.3081)                                   // MNIST
 * normalize([0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616]) // CIFAR-10
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const means = typeof mean === 'number' ? [mean] : [...mean];
  const stds = typeof std === 'number' ? [std] : [...std];
  if (means.length === 0 || (means.length !== stds.length && means.length !== 1 && stds.length !== 1)) {
    throw new t.ArgumentError(`normalize: mean has ${means.length} values and std ${stds.length}; give one each or one per channel`);
  }
  stds.forEach((s, i) => {
    if (!(s > 0)) throw new t.ArgumentError(`normalize: std[${i}] must be positive, got ${s}`);
  });
  const channels = Math.max(means.length, stds.length);
  return (x) => {
    if (channels === 1) return t.tidy(() => x.sub(means[0]).div(stds[0]));
    if (x.rank < 3 || x.shape[x.rank - 3] !== channels) {
      throw new t.ShapeError(
        `normalize: ${channels} channel means need images [C,H,W] or [N,C,H,W] with C = ${channels}, got [${x.shape.join(',')}]`,
      );
    }
    const perChannel = (v: number[]) =>
      t.tensor(
        Float32Array.from({ length: channels }, (_, c) => v[v.length === 1 ? 0 : c]),
        { shape: [channels, 1, 1] },
      );
    return t.tidy(() => x.sub(perChannel(means)).div(perChannel(stds)));
  };
}

/** int32 class labels [...] → float32 one-hot rows [..., n]. */
export function oneHot(n: number): Transform {
  if (!Number.isInteger(n) || n < 1) throw new t.ArgumentError(`oneHot: number of classes must be a positive integer, got ${n}`);
  return (labels) => t.oneHot(labels, n);
}

/** Images as [N,C,H,W] (a batch) plus whether the input was one [C,H,W] image. */
function asBatch(op: string, x: t.Tensor): { n: number; c: number; h: number; w: number; single: boolean } {
  if (x.rank === 3) return { n: 1, c: x.shape[0], h: x.shape[1], w: x.shape[2], single: true };
  if (x.rank === 4) return { n: x.shape[0], c: x.shape[1], h: x.shape[2], w: x.shape[3], single: false };
  throw new t.ShapeError(`${op}: expected an image [C,H,W] or a batch [N,C,H,W], got [${x.shape.join(',')}]`);
}

/**
 * Picks out, for each image, an h×w window of a [N,C,H,W] source whose
 * top-left corner and mirroring are given per image: one indexSelect over
 * the flattened source, so a whole batch is one op.
 */
function remapWindows(
  src: t.Tensor,
  dims: { n: number; c: number; h: number; w: number },
  top: Int32Array,
  left: Int32Array,
  mirror: Uint8Array,
  outShape: number[],
): t.Tensor {
  const { n, c, h: srcH, w: srcW } = dims;
  const [h, w] = outShape.slice(-2);
  const idx = new Int32Array(n * c * h * w);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = (i * c + ch) * srcH * srcW;
      for (let y = 0; y < h; y++) {
        const row = plane + (top[i] + y) * srcW + left[i];
        for (let x = 0; x < w; x++) idx[k++] = row + (mirror[i] ? w - 1 - x : x);
      }
    }
  }
  return t.tidy(() => t.indexSelect(src.reshape([src.size]), 0, t.tensor(idx, { shape: [idx.length] })).reshape(outShape));
}

/**
 * Mirrors each image left-right with probability p (default 0.5), drawing
 * one coin per image from a seeded generator.
 *
 * @example
 * const augment = compose(randomCrop(32, 4, { seed: 1 }), randomHorizontalFlip(0.5, { seed: 2 }));
 */
export function randomHorizontalFlip(p = 0.5, options: RandomTransformOptions = {}): Transform {
  if (!(p >= 0 && p <= 1)) throw new t.ArgumentError(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  const rng = rngOf(options);
  return (x) => {
    const dims = asBatch('randomHorizontalFlip', x);
    const mirror = Uint8Array.from({ length: dims.n }, () => (rng.uniform() < p ? 1 : 0));
    return remapWindows(x, dims, new Int32Array(dims.n), new Int32Array(dims.n), mirror, [...x.shape]);
  };
}

/** How randomCrop fills its padding (torchvision's padding_mode): `fill`, the edge pixel repeated, or the mirror image without the edge. */
export type CropPaddingMode = 'constant' | 'edge' | 'reflect';

/** Options of randomCrop: the generator, and how the padding is filled (default 'constant' with `fill` 0). */
export interface RandomCropOptions extends RandomTransformOptions {
  fill?: number;
  paddingMode?: CropPaddingMode;
}

const CORE_PAD_MODE = { constant: 'constant', edge: 'replicate', reflect: 'reflect' } as const;

/**
 * Pads each image by `padding` zeros (or `fill`, or its edge pixels with
 * paddingMode 'edge') on every side and cuts a size×size (or [h, w]) window
 * at a random place, per image (torchvision RandomCrop): a random shift of
 * up to ±padding pixels when the size is the image's.
 *
 * @example
 * randomCrop(32, 4, { seed: 0 })   // CIFAR-10 augmentation
 * randomCrop(28, 2, { paddingMode: 'edge' }) // MNIST shifts of ±2 px; the edge is the background even after normalisation
 */
export function randomCrop(size: number | readonly [number, number], padding = 0, options: RandomCropOptions = {}): Transform {
  const [h, w] = typeof size === 'number' ? [size, size] : Array.isArray(size) && size.length === 2 ? size : [NaN, NaN];
  if (![h, w].every((v) => Number.isInteger(v) && v > 0))
    throw new t.ArgumentError(`randomCrop: size must be positive integers, got ${JSON.stringify(size)}`);
  if (!Number.isInteger(padding) || padding < 0)
    throw new t.ArgumentError(`randomCrop: padding must be a non-negative integer, got ${padding}`);
  const paddingMode = options.paddingMode ?? 'constant';
  if (!(paddingMode in CORE_PAD_MODE))
    throw new t.ArgumentError(`randomCrop: paddingMode must be 'constant', 'edge' or 'reflect', got ${JSON.stringify(paddingMode)}`);
  if (paddingMode !== 'constant' && (options.fill ?? 0) !== 0)
    throw new t.ArgumentError(`randomCrop: fill (${options.fill}) applies only to paddingMode 'constant', not '${paddingMode}'`);
  const rng = rngOf(options);
  return (x) => {
    const dims = asBatch('randomCrop', x);
    const srcH = dims.h + 2 * padding;
    const srcW = dims.w + 2 * padding;
    if (h > srcH || w > srcW) {
      throw new t.ShapeError(`randomCrop: a ${h}x${w} window does not fit images [${x.shape.join(',')}] padded by ${padding}`);
    }
    const top = Int32Array.from({ length: dims.n }, () => rng.int(0, srcH - h + 1));
    const left = Int32Array.from({ length: dims.n }, () => rng.int(0, srcW - w + 1));
    const outShape = [...x.shape.slice(0, -2), h, w];
    return t.tidy(() => {
      const pads: [number, number][] = [
        [padding, padding],
        [padding, padding],
      ];
      const padded = padding > 0 ? t.pad(x, pads, { mode: CORE_PAD_MODE[paddingMode], value: options.fill }) : x;
      return remapWindows(padded, { ...dims, h: srcH, w: srcW }, top, left, new Uint8Array(dims.n), outShape);
    });
  };
}
