import { isFloat } from '../dtype.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../scope.js';
import { type Tensor, fromHandle } from '../tensor.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d } from './adaptive-pool.js';
import { indexSelectOp } from './indexing.js';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

export interface InterpolateOptions {
  /** Output size of each spatial axis (one number for all). Exactly one of size and scaleFactor. */
  size?: number | readonly number[];
  /** Multiplier of each spatial axis: output ⌊in·scale⌋. */
  scaleFactor?: number | readonly number[];
  /** Default 'nearest' (PyTorch's legacy rule ⌊out_index·in/out⌋). */
  mode?: InterpolateMode;
  /**
   * linear, bilinear, bicubic, trilinear only: map the corner pixels' centres onto
   * each other (src = dst·(in-1)/(out-1)) instead of the default half-pixel
   * rule (src = (dst + ½)·scale - ½).
   */
  alignCorners?: boolean | null;
  /** Compute the sampling scale from the output size rather than use scaleFactor as given. */
  recomputeScaleFactor?: boolean | null;
}

/** The spatial rank each mode needs (nearest and area take any). */
const MODE_RANK: Partial<Record<InterpolateMode, number>> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };
const INTERPOLATING = new Set<InterpolateMode>(['linear', 'bilinear', 'bicubic', 'trilinear']);

/** For each output position of one axis: K source indices and their weights, each [K, out] flat. */
interface Taps {
  k: number;
  indices: Int32Array;
  weights: Float64Array | null;
}

/**
 * Resizes the spatial axes of [N, C, …] input as torch.nn.functional.interpolate
 * (same output sizes, coordinate rules and gradients): nearest (PyTorch's
 * legacy rule, in float32 as PyTorch computes it), nearest-exact, linear /
 * bilinear / trilinear and bicubic (A = -0.75, edges clamped), each applied one
 * axis at a time as a gather and a weighted sum (exactly PyTorch's separable
 * weights), and area (adaptive average pooling).
 *
 * @example
 * t.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }) // [n, c, h, w] → [n, c, 2h, 2w]
 * t.interpolate(x, { size: [5, 7], mode: 'bicubic', alignCorners: true })
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const mode = options.mode ?? 'nearest';
  const spatial = x.rank - 2;
  if (spatial < 1 || spatial > 3)
    throw new ShapeError(`interpolate: input must be [N, C, …] with 1 to 3 spatial axes, got ${fmtShape(x.shape)}`);
  if (!['nearest', 'nearest-exact', 'area', ...INTERPOLATING].includes(mode))
    throw new ArgumentError(`interpolate: unknown mode '${mode}'`);
  const need = MODE_RANK[mode];
  if (need !== undefined && need !== spatial) {
    throw new ShapeError(`interpolate: got ${x.rank}-D input ${fmtShape(x.shape)}, but ${mode} mode needs ${need + 2}-D input`);
  }
  const alignCorners = options.alignCorners ?? null;
  if (alignCorners !== null && !INTERPOLATING.has(mode)) {
    throw new ArgumentError(
      `interpolate: alignCorners can only be set with the interpolating modes linear, bilinear, bicubic, trilinear (mode '${mode}')`,
    );
  }
  if (mode !== 'nearest' && !isFloat(x.dtype)) throw new DTypeError(`interpolate: mode '${mode}' needs a float input, got ${x.dtype}`);
  const inSizes = x.shape.slice(2);
  const { sizes, scales } = outputGeometry(x, options, mode, spatial);
  if (mode === 'area') {
    return spatial === 1 ? adaptiveAvgPool1d(x, sizes[0]) : spatial === 2 ? adaptiveAvgPool2d(x, [sizes[0], sizes[1]]) : areaAny(x, sizes);
  }
  const taps = inSizes.map((n, d) => tapsFor(mode, n, sizes[d], scales[d], alignCorners ?? false));
  return tidy(() => {
    let y = x;
    taps.forEach((tp, d) => {
      if (tp) y = resample(y, 2 + d, tp, sizes[d]);
    });
    return y === x ? x.clone() : y;
  });
}

/** Output sizes and, where a scale factor is used as given, PyTorch's scales (else null: in/out). */
function outputGeometry(
  x: Tensor,
  o: InterpolateOptions,
  mode: InterpolateMode,
  spatial: number,
): { sizes: number[]; scales: (number | null)[] } {
  const hasSize = o.size !== undefined && o.size !== null;
  const hasScale = o.scaleFactor !== undefined && o.scaleFactor !== null;
  if (hasSize === hasScale) throw new ArgumentError(`interpolate: give exactly one of size and scaleFactor`);
  const list = (v: number | readonly number[], what: string): number[] => {
    const l = typeof v === 'number' ? Array<number>(spatial).fill(v) : [...v];
    if (l.length !== spatial) {
      throw new ArgumentError(
        `interpolate: ${what} ${JSON.stringify(v)} must give one value per spatial axis of ${fmtShape(x.shape)} (${spatial})`,
      );
    }
    return l;
  };
  const inSizes = x.shape.slice(2);
  if (hasSize) {
    if (o.recomputeScaleFactor) throw new ArgumentError('interpolate: recomputeScaleFactor is not meaningful with an explicit size');
    const sizes = list(o.size!, 'size');
    sizes.forEach((s) => {
      if (!Number.isInteger(s) || s < 1) throw new ArgumentError(`interpolate: size ${JSON.stringify(o.size)} must hold positive integers`);
    });
    return { sizes, scales: sizes.map(() => null) };
  }
  const factors = list(o.scaleFactor!, 'scaleFactor');
  factors.forEach((f) => {
    if (!(f > 0) || !Number.isFinite(f))
      throw new ArgumentError(`interpolate: scaleFactor ${JSON.stringify(o.scaleFactor)} must be positive and finite`);
  });
  const sizes = inSizes.map((n, d) => Math.floor(n * factors[d]));
  sizes.forEach((s, d) => {
    if (s < 1) throw new ShapeError(`interpolate: scaleFactor ${factors[d]} makes axis ${d + 2} of ${fmtShape(x.shape)} empty`);
  });
  const recompute = o.recomputeScaleFactor || mode === 'area';
  return { sizes, scales: recompute ? sizes.map(() => null) : factors };
}

/** PyTorch's source-coordinate scale of an axis (UpSample.h, area_pixel_compute_scale). */
function scaleOf(n: number, out: number, scale: number | null, alignCorners: boolean): number {
  if (alignCorners) return out > 1 ? (n - 1) / (out - 1) : 0;
  return scale !== null && scale > 0 ? 1 / scale : n / out;
}

function tapsFor(mode: InterpolateMode, n: number, out: number, scale: number | null, alignCorners: boolean): Taps | null {
  if (mode === 'nearest' || mode === 'nearest-exact') {
    if (out === n && mode === 'nearest') return null;
    // PyTorch computes nearest indices in float32 (nearest_idx, nearest_neighbor_exact_compute_source_index).
    const s = Math.fround(scale !== null && scale > 0 ? Math.fround(1 / scale) : Math.fround(n) / Math.fround(out));
    const offset = mode === 'nearest' ? 0 : 0.5;
    const indices = Int32Array.from({ length: out }, (_, i) =>
      mode === 'nearest' && out === 2 * n ? i >> 1 : Math.min(Math.floor(Math.fround(Math.fround(i + offset) * s)), n - 1),
    );
    return { k: 1, indices, weights: null };
  }
  const s = scaleOf(n, out, scale, alignCorners);
  const source = (i: number, cubic: boolean) => {
    if (alignCorners) return s * i;
    const src = s * (i + 0.5) - 0.5;
    return !cubic && src < 0 ? 0 : src;
  };
  if (mode === 'bicubic') {
    const indices = new Int32Array(4 * out);
    const weights = new Float64Array(4 * out);
    const clampIndex = (i: number) => Math.min(Math.max(i, 0), n - 1);
    for (let i = 0; i < out; i++) {
      const real = source(i, true);
      const i0 = Math.floor(real);
      const w = cubicWeights(real - i0);
      for (let k = 0; k < 4; k++) {
        indices[k * out + i] = clampIndex(i0 - 1 + k);
        weights[k * out + i] = w[k];
      }
    }
    return { k: 4, indices, weights };
  }
  // linear, bilinear, trilinear: two taps per axis.
  const indices = new Int32Array(2 * out);
  const weights = new Float64Array(2 * out);
  for (let i = 0; i < out; i++) {
    const real = source(i, false);
    const i0 = Math.min(Math.floor(real), n - 1);
    const lambda = Math.min(Math.max(real - i0, 0), 1);
    indices[i] = i0;
    indices[out + i] = i0 < n - 1 ? i0 + 1 : i0;
    weights[i] = 1 - lambda;
    weights[out + i] = lambda;
  }
  return { k: 2, indices, weights };
}

/** Keys' cubic convolution weights (A = -0.75, as PyTorch) of the four taps around t ∈ [0, 1). */
function cubicWeights(t: number): [number, number, number, number] {
  const A = -0.75;
  const near = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/** One axis resampled: a gather of the K taps and, for interpolating modes, their weighted sum. */
function resample(x: Tensor, axis: number, taps: Taps, out: number): Tensor {
  const b = x.backend;
  const at = fromHandle(b, b.upload(taps.indices, 'int32'), [taps.k * out], 'int32');
  const picked = indexSelectOp(x, axis, at);
  if (!taps.weights) return picked;
  const shape = [...x.shape.slice(0, axis), taps.k, out, ...x.shape.slice(axis + 1)];
  const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
  const data = dtype === 'float64' ? taps.weights : Float32Array.from(taps.weights);
  const wShape = [taps.k, out, ...x.shape.slice(axis + 1).map(() => 1)];
  const weights = fromHandle(b, b.upload(data, dtype), wShape, dtype);
  return picked.reshape(shape).mul(weights).sum(axis);
}

/** 'area' over three spatial axes: adaptive averaging, one axis at a time. */
function areaAny(x: Tensor, sizes: number[]): Tensor {
  return tidy(() => {
    const [n, c, d, h, w] = x.shape;
    // Depth with the 1-D pool over [N·C, H·W, D], then the plane with the 2-D pool.
    const depth = adaptiveAvgPool1d(x.reshape([n * c, d, h * w]).permute([0, 2, 1]), sizes[0]).permute([0, 2, 1]);
    const planes = adaptiveAvgPool2d(depth.reshape([n * c * sizes[0], h, w]), [sizes[1], sizes[2]]);
    return planes.reshape([n, c, ...sizes]);
  });
}
