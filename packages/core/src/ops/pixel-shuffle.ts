import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../scope.js';
import type { Tensor } from '../tensor.js';

function checkFactor(op: string, x: Tensor, r: number, name: string): void {
  if (!Number.isInteger(r) || r < 1) throw new ArgumentError(`${op}: ${name} ${r} must be a positive integer`);
  if (x.rank < 3) throw new ShapeError(`${op}: input must have at least 3 dimensions [*, C, H, W], got ${fmtShape(x.shape)}`);
}

/**
 * Rearranges [*, C·r², H, W] into [*, C, H·r, W·r] (torch.nn.functional.pixel_shuffle,
 * sub-pixel convolution's upsampling): a reshape and a permute, so gradients pass through.
 *
 * @example
 * t.pixelShuffle(x, 2) // [n, 12, h, w] → [n, 3, 2h, 2w]
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  const r = upscaleFactor;
  checkFactor('pixelShuffle', x, r, 'upscaleFactor');
  const [c, h, w] = x.shape.slice(-3);
  if (c % (r * r) !== 0) {
    throw new ShapeError(`pixelShuffle: input ${fmtShape(x.shape)} channels ${c} must be divisible by upscaleFactor² = ${r * r}`);
  }
  const lead = x.shape.slice(0, -3);
  const k = lead.length;
  return tidy(() =>
    x
      .reshape([...lead, c / (r * r), r, r, h, w])
      .permute([...lead.keys(), k, k + 3, k + 1, k + 4, k + 2])
      .reshape([...lead, c / (r * r), h * r, w * r]),
  );
}

/**
 * The inverse of pixelShuffle: [*, C, H·r, W·r] into [*, C·r², H, W]
 * (torch.nn.functional.pixel_unshuffle).
 *
 * @example
 * t.pixelUnshuffle(x, 2) // [n, 3, 8, 8] → [n, 12, 4, 4]
 */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  const r = downscaleFactor;
  checkFactor('pixelUnshuffle', x, r, 'downscaleFactor');
  const [c, h, w] = x.shape.slice(-3);
  if (h % r !== 0 || w % r !== 0) {
    throw new ShapeError(`pixelUnshuffle: input ${fmtShape(x.shape)} height and width must be divisible by downscaleFactor ${r}`);
  }
  const lead = x.shape.slice(0, -3);
  const k = lead.length;
  return tidy(() =>
    x
      .reshape([...lead, c, h / r, r, w / r, r])
      .permute([...lead.keys(), k, k + 2, k + 4, k + 1, k + 3])
      .reshape([...lead, c * r * r, h / r, w / r]),
  );
}
