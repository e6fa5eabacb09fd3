import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../scope.js';
import type { Tensor } from '../tensor.js';
import { positive } from './conv.js';
import type { Triple } from './conv-nd.js';
import { where } from './elementwise.js';
import { gather } from './indexing.js';
import { avgPool2d, checkFloat, constant, maxPool2d, pooledSize, rangeOn, windowCounts } from './pool.js';
import { pad, slice, stack } from './shape.js';

export interface MaxPool3dOptions {
  kernelSize: Triple;
  /** Defaults to the kernel size, as PyTorch. */
  stride?: Triple | null;
  padding?: Triple;
  dilation?: Triple;
  ceilMode?: boolean;
  /** Also return each maximum's flat index in its [D, H, W] volume (int32). */
  returnIndices?: boolean;
}

export interface AvgPool3dOptions {
  kernelSize: Triple;
  stride?: Triple | null;
  padding?: Triple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

const triple = (v: Triple | null | undefined, dflt: [number, number, number]): [number, number, number] =>
  v === undefined || v === null ? dflt : typeof v === 'number' ? [v, v, v] : [v[0], v[1], v[2]];

interface Geometry3 {
  k: [number, number, number];
  s: [number, number, number];
  p: [number, number, number];
  d: [number, number, number];
  outD: number;
}

function geometry3(op: string, x5: Tensor, o: MaxPool3dOptions | AvgPool3dOptions, kind: 'max' | 'avg'): Geometry3 {
  const k = triple(o.kernelSize, [1, 1, 1]);
  const s = triple(o.stride, k);
  const p = triple(o.padding, [0, 0, 0]);
  const d = triple('dilation' in o ? o.dilation : undefined, [1, 1, 1]);
  positive(op, 'kernel size', k);
  positive(op, 'stride', s);
  positive(op, 'dilation', d);
  positive(op, 'padding', p, 0);
  for (const a of [0, 1, 2]) {
    const limit = kind === 'max' ? (d[a] * (k[a] - 1) + 1) / 2 : k[a] / 2;
    if (p[a] > limit)
      throw new ArgumentError(`${op}: padding [${p}] must be at most half the ${kind === 'max' ? 'effective ' : ''}kernel size [${k}]`);
  }
  const outD = pooledSize(op, x5.shape[2], k[0], s[0], p[0], d[0], o.ceilMode ?? false);
  return { k, s, p, d, outD };
}

/**
 * The kd depth planes each output depth reads, as channels of a 2-D image:
 * [N, C, D, H, W] → [N, C·outD·kd, H, W]; depth padding (and a ceil-mode
 * window's overhang) reads `padValue`.
 */
function depthWindows(x5: Tensor, g: Geometry3, padValue: number): Tensor {
  const [n, c, depth, h, w] = x5.shape;
  const [k, s, p, d] = [g.k[0], g.s[0], g.p[0], g.d[0]];
  const extra = Math.max(0, (g.outD - 1) * s + d * (k - 1) + 1 - (depth + p));
  const xp =
    p || extra
      ? pad(
          x5,
          [
            [p, extra],
            [0, 0],
            [0, 0],
          ],
          padValue,
        )
      : x5;
  const slices = Array.from({ length: k }, (_, i) => slice(xp, [null, null, [i * d, i * d + s * (g.outD - 1) + 1, s]]));
  return stack(slices, 3).reshape([n, c * g.outD * k, h, w]);
}

function batched(op: string, x: Tensor): Tensor {
  checkFloat(op, x);
  if (x.rank === 4) return x.unsqueeze(0);
  if (x.rank !== 5) throw new ShapeError(`${op}: input must be [C, D, H, W] or [N, C, D, H, W], got ${fmtShape(x.shape)}`);
  return x;
}

/**
 * Max pooling over [N, C, D, H, W] (or [C, D, H, W]) as torch.nn.functional.max_pool3d:
 * a 2-D max pool of each depth plane a window reads, then the first maximum over
 * the window's depth (so ties go to the first index in (d, h, w) order, as PyTorch).
 *
 * @example
 * t.maxPool3d(x, { kernelSize: 2 }) // [n, c, 4, 8, 8] → [n, c, 2, 4, 4]
 */
export function maxPool3d(x: Tensor, options: MaxPool3dOptions & { returnIndices: true }): [Tensor, Tensor<'int32'>];
export function maxPool3d(x: Tensor, options: MaxPool3dOptions & { returnIndices?: false }): Tensor;
export function maxPool3d(x: Tensor, options: MaxPool3dOptions): Tensor | [Tensor, Tensor<'int32'>];
export function maxPool3d(x: Tensor, options: MaxPool3dOptions): Tensor | [Tensor, Tensor<'int32'>] {
  const r = tidy(() => {
    const x5 = batched('maxPool3d', x);
    const g = geometry3('maxPool3d', x5, options, 'max');
    const [n, c, , h, w] = x5.shape;
    const planes = maxPool2d(depthWindows(x5, g, -Infinity), {
      kernelSize: [g.k[1], g.k[2]],
      stride: [g.s[1], g.s[2]],
      padding: [g.p[1], g.p[2]],
      dilation: [g.d[1], g.d[2]],
      ceilMode: options.ceilMode,
      returnIndices: true,
    });
    const [oh, ow] = planes[0].shape.slice(2);
    const kd = g.k[0];
    // [N·C, outD, kd, oh·ow]: the window's depth on axis 2.
    const cols = planes[0].reshape([n * c, g.outD, kd, oh * ow]);
    const winner = cols.argmax(2, true);
    let values = where(winner.eq(rangeOn(cols, kd, [1, 1, kd, 1])), cols, 0).sum(2);
    const shape = [n, c, g.outD, oh, ow];
    values = values.reshape(shape);
    const un = (y: Tensor) => (x.rank === 4 ? y.squeeze(0) : y);
    if (!options.returnIndices) return [un(values)];
    const inPlane = gather(planes[1].reshape([n * c, g.outD, kd, oh * ow]), 2, winner);
    const depth = winner.mul(g.d[0]).add(rangeOn(cols, g.outD, [1, g.outD, 1, 1]).mul(g.s[0]).sub(g.p[0]));
    return [
      un(values),
      un(
        depth
          .mul(h * w)
          .add(inPlane)
          .reshape(shape),
      ),
    ];
  });
  return options.returnIndices ? [r[0], r[1] as Tensor<'int32'>] : r[0];
}

/**
 * Average pooling over [N, C, D, H, W] (or [C, D, H, W]) as torch.nn.functional.avg_pool3d
 * (ceilMode, countIncludePad, divisorOverride): window sums divided by PyTorch's divisors.
 *
 * @example
 * t.avgPool3d(x, { kernelSize: 2 }) // [n, c, 4, 8, 8] → [n, c, 2, 4, 4]
 */
export function avgPool3d(x: Tensor, options: AvgPool3dOptions): Tensor {
  return tidy(() => {
    const x5 = batched('avgPool3d', x);
    const g = geometry3('avgPool3d', x5, options, 'avg');
    const dv = options.divisorOverride;
    if (dv !== undefined && dv !== null && (!Number.isInteger(dv) || dv === 0)) {
      throw new ArgumentError(`avgPool3d: divisorOverride ${dv} must be a nonzero integer`);
    }
    const [n, c, depth, h, w] = x5.shape;
    const sums = avgPool2d(depthWindows(x5, g, 0), {
      kernelSize: [g.k[1], g.k[2]],
      stride: [g.s[1], g.s[2]],
      padding: [g.p[1], g.p[2]],
      ceilMode: options.ceilMode,
      divisorOverride: 1,
    });
    const [oh, ow] = sums.shape.slice(2);
    const total = sums.reshape([n, c, g.outD, g.k[0], oh, ow]).sum(3);
    const divisors = new Float64Array(g.outD * oh * ow);
    const include = options.countIncludePad ?? true;
    for (let od = 0; od < g.outD; od++) {
      const [pd, vd] = windowCounts(od, g.s[0], g.p[0], g.k[0], depth);
      for (let i = 0; i < oh; i++) {
        const [ph, vh] = windowCounts(i, g.s[1], g.p[1], g.k[1], h);
        for (let j = 0; j < ow; j++) {
          const [pw, vw] = windowCounts(j, g.s[2], g.p[2], g.k[2], w);
          divisors[(od * oh + i) * ow + j] = dv ?? (include ? pd * ph * pw : vd * vh * vw);
        }
      }
    }
    const dtype = x5.dtype === 'float64' ? 'float64' : 'float32';
    const out = total.div(constant(x5, dtype === 'float64' ? divisors : Float32Array.from(divisors), [g.outD, oh, ow], dtype));
    return x.rank === 4 ? out.squeeze(0) : out;
  });
}
