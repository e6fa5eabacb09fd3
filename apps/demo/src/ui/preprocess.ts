/**
 * Turns a drawing into an MNIST-like 28×28 image, the way MNIST's digits
 * were made: the ink's bounding box is scaled (keeping its aspect ratio) to
 * fit a 20×20 box, with area averaging, and placed in a 28×28 field so that
 * its centre of mass lies at the centre.
 *
 * `ink` holds one value in [0, 1] per pixel of a width×height drawing (1 is
 * full ink). Returns 784 values in [0, 1], or null when nothing is drawn.
 */
export function toMnistPixels(ink: Float32Array, width: number, height: number): Float32Array | null {
  if (ink.length !== width * height) {
    throw new RangeError(`toMnistPixels: ${ink.length} values do not fill a ${width}×${height} drawing`);
  }
  const box = inkBounds(ink, width, height);
  if (!box) return null;
  const side = Math.max(box.width, box.height);
  const scale = 20 / side;
  const w = Math.max(1, Math.round(box.width * scale));
  const h = Math.max(1, Math.round(box.height * scale));
  const small = resampleArea(ink, width, box, w, h);
  // MNIST strokes reach full intensity; a thin drawn stroke averaged down may not.
  let peak = 0;
  for (const v of small) peak = Math.max(peak, v);
  for (let i = 0; i < small.length; i++) small[i] = Math.min(1, small[i] / peak);

  // Centre of mass of the scaled digit, then the shift that puts it at (14, 14).
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const dx = Math.round(14 - mx / mass);
  const dy = Math.round(14 - my / mass);
  const out = new Float32Array(784);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const tx = x + dx;
      const ty = y + dy;
      if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) out[ty * 28 + tx] = small[y * w + x];
    }
  }
  return out;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The smallest box holding every pixel with visible ink, or null when there is none. */
function inkBounds(ink: Float32Array, width: number, height: number): Box | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 0.05) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * Resamples the box to w×h by area averaging: each output pixel is the mean
 * of the input area it covers, weighted by the fraction of each input pixel
 * inside it (so strokes keep their grey, anti-aliased edges, as in MNIST).
 */
function resampleArea(ink: Float32Array, stride: number, box: Box, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  const sx = box.width / w;
  const sy = box.height / h;
  for (let ty = 0; ty < h; ty++) {
    const top = box.y + ty * sy;
    const bottom = top + sy;
    for (let tx = 0; tx < w; tx++) {
      const left = box.x + tx * sx;
      const right = left + sx;
      let sum = 0;
      for (let y = Math.floor(top); y < Math.ceil(bottom); y++) {
        const fy = Math.min(bottom, y + 1) - Math.max(top, y);
        for (let x = Math.floor(left); x < Math.ceil(right); x++) {
          const fx = Math.min(right, x + 1) - Math.max(left, x);
          sum += ink[y * stride + x] * fx * fy;
        }
      }
      out[ty * w + tx] = sum / (sx * sy);
    }
  }
  return out;
}
