/**
 * Image files for `tensile predict`: PNG (pngjs) and JPEG (jpeg-js), both
 * pure JavaScript, turned into what an MNIST model was trained on — a 28×28
 * grayscale digit, light on dark, preprocessed as LeCun et al. made MNIST:
 * the digit's bounding box scaled (aspect kept) to fit a 20×20 box, then
 * placed so its centre of mass sits at the centre of the 28×28 image.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ConfigError } from './config.js';

/** Width × height beyond which an image is refused (a 40-megapixel photo decodes to 160 MB of RGBA). */
const MAX_PIXELS = 40e6;

export interface GrayImage {
  width: number;
  height: number;
  /** 0 (black) … 255 (white), row by row. */
  pixels: Float32Array;
}

export function isImageFile(bytes: Uint8Array): boolean {
  return isPng(bytes) || isJpeg(bytes);
}

const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Decodes a PNG or JPEG to grayscale; transparent pixels count as white paper. */
export function decodeImage(bytes: Uint8Array, path: string): GrayImage {
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      rgba = { width: png.width, height: png.height, data: png.data };
    } else if (isJpeg(bytes)) {
      rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 512 });
    } else {
      throw new ConfigError(`--input ${path}: not a PNG or JPEG file`);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`--input ${path}: cannot decode the image: ${(err as Error).message}`);
  }
  const { width, height, data } = rgba;
  if (width * height > MAX_PIXELS)
    throw new ConfigError(`--input ${path}: ${width}×${height} is too large (at most ${MAX_PIXELS / 1e6} megapixels)`);
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const [r, g, b, a] = [data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3] / 255];
    const luminance = 0.299 * r + 0.587 * g + 0.114 * b; // ITU-R BT.601, as most image libraries convert
    pixels[i] = a * luminance + (1 - a) * 255;
  }
  return { width, height, pixels };
}

/**
 * MNIST-style 28×28 digit from any grayscale image: inverted when the
 * background (the border) is light, so the digit is light on black; cropped
 * to the digit; scaled to fit 20×20 keeping its aspect ratio; centred by
 * centre of mass. Values stay 0…255.
 */
export function mnistDigit(image: GrayImage): Float32Array {
  const { width, height } = image;
  let pixels = image.pixels;
  if (borderMean(image) > 127) pixels = pixels.map((v) => 255 - v);
  const out = new Float32Array(28 * 28);
  const max = pixels.reduce((m, v) => Math.max(m, v), 0);
  if (max === 0) return out; // a blank image
  // The digit: every pixel at least a tenth as bright as the brightest.
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] < max / 10) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
  const scale = 20 / Math.max(w, h);
  const [sw, sh] = [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
  const patch = resizeArea(pixels, width, { x: x0, y: y0, w, h }, sw, sh);
  // Centre of mass of the scaled digit, moved to (14, 14), kept inside the image.
  let [mass, mx, my] = [0, 0, 0];
  patch.forEach((v, i) => {
    mass += v;
    mx += v * ((i % sw) + 0.5);
    my += v * (Math.floor(i / sw) + 0.5);
  });
  const left = Math.min(28 - sw, Math.max(0, Math.round(14 - mx / mass)));
  const top = Math.min(28 - sh, Math.max(0, Math.round(14 - my / mass)));
  for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) out[(top + y) * 28 + left + x] = patch[y * sw + x];
  return out;
}

function borderMean({ width, height, pixels }: GrayImage): number {
  let [sum, n] = [0, 0];
  for (let x = 0; x < width; x++) {
    sum += pixels[x] + pixels[(height - 1) * width + x];
    n += 2;
  }
  for (let y = 1; y < height - 1; y++) {
    sum += pixels[y * width] + pixels[y * width + width - 1];
    n += 2;
  }
  return sum / n;
}

/**
 * Resamples a region to `ow × oh` by area averaging: each output pixel is the
 * mean of the input area it covers (partial pixels weighted by coverage), the
 * anti-aliased resize MNIST's digits went through, for shrinking and growing.
 */
function resizeArea(
  pixels: Float32Array,
  stride: number,
  r: { x: number; y: number; w: number; h: number },
  ow: number,
  oh: number,
): Float32Array {
  const out = new Float32Array(ow * oh);
  const [fx, fy] = [r.w / ow, r.h / oh];
  for (let oy = 0; oy < oh; oy++) {
    const [ya, yb] = [oy * fy, (oy + 1) * fy];
    for (let ox = 0; ox < ow; ox++) {
      const [xa, xb] = [ox * fx, (ox + 1) * fx];
      let [sum, area] = [0, 0];
      for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
        const cy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.ceil(xb); x++) {
          const c = cy * (Math.min(xb, x + 1) - Math.max(xa, x));
          sum += c * pixels[(r.y + y) * stride + r.x + x];
          area += c;
        }
      }
      out[oy * ow + ox] = sum / area;
    }
  }
  return out;
}
