import type { Conv2dGeometry } from '../backend/backend.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { record } from '../autograd.js';
import { tidy } from '../scope.js';
import { type Tensor, fromHandle } from '../tensor.js';
import { type Pair, pair, positive, unbatched, unfoldOp } from './conv.js';
import { where } from './elementwise.js';
import { indexSelectOp } from './indexing.js';
import { scatterOp } from './scatter.js';

export type { Pair } from './conv.js';
type Single = number | readonly [number];

export interface Pool2dOptions {
  kernelSize: Pair;
  /** Defaults to the kernel size, as PyTorch. */
  stride?: Pair | null;
  /** Implicit padding per side (at most half the window); max pooling pads with -∞. */
  padding?: Pair;
  dilation?: Pair;
  /** Round the output size up: a last, partial window may start in the input or the left padding (PyTorch's ceil_mode). */
  ceilMode?: boolean;
  /** Also return each maximum's flat index in its input plane (h·W + w), int32 (PyTorch's int64). */
  returnIndices?: boolean;
}
export type MaxPool2dOptions = Pool2dOptions;

export interface AvgPool2dOptions {
  kernelSize: Pair;
  /** Defaults to the kernel size, as PyTorch. */
  stride?: Pair | null;
  /** Implicit zero padding per side (at most half the window). */
  padding?: Pair;
  ceilMode?: boolean;
  /** Count padded zeros in each average (PyTorch's default true). Never the part of a ceil-mode window past the padding. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead of its size. */
  divisorOverride?: number | null;
}

export interface MaxPool1dOptions {
  kernelSize: Single;
  stride?: Single | null;
  padding?: Single;
  dilation?: Single;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPool1dOptions {
  kernelSize: Single;
  stride?: Single | null;
  padding?: Single;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

const one = (v: Single | null | undefined): number | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'number' ? v : v[0];

/** Output length along one axis, with PyTorch's ceil-mode rule (the last window must start before the right padding). */
export function pooledSize(op: string, size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const reach = size + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(reach / s) : Math.floor(reach / s)) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  if (reach < 0 || out < 1) {
    throw new ShapeError(
      `${op}: input size ${size} (padding ${p}) is smaller than the window ${k} (dilation ${d}): output size ${out} is too small`,
    );
  }
  return out;
}

/** Checked geometry of pooling every channel plane of NCHW x on its own: n = N·C planes of one channel. */
function poolGeometry(
  op: string,
  x: Tensor,
  o: { kernelSize: Pair; stride?: Pair | null; padding?: Pair; dilation?: Pair; ceilMode?: boolean },
  kind: 'max' | 'avg',
): Conv2dGeometry {
  const kernel = pair(o.kernelSize, 1);
  const stride = o.stride === null || o.stride === undefined ? kernel : pair(o.stride, 1);
  const padding = pair(o.padding, 0);
  const dilation = pair(o.dilation, 1);
  positive(op, 'kernel size', kernel);
  positive(op, 'stride', stride);
  positive(op, 'dilation', dilation);
  positive(op, 'padding', padding, 0);
  for (const a of [0, 1]) {
    // PyTorch's limits: half the (dilated, for max) window.
    const limit = kind === 'max' ? (dilation[a] * (kernel[a] - 1) + 1) / 2 : kernel[a] / 2;
    if (padding[a] > limit) {
      throw new ArgumentError(
        `${op}: padding [${padding}] must be at most half the ${kind === 'max' ? 'effective ' : ''}kernel size [${kernel}]` +
          (kind === 'max' ? ` (dilation [${dilation}])` : ''),
      );
    }
  }
  const [n, c, h, w] = x.shape;
  const ceil = o.ceilMode ?? false;
  const outH = pooledSize(op, h, kernel[0], stride[0], padding[0], dilation[0], ceil);
  const outW = pooledSize(op, w, kernel[1], stride[1], padding[1], dilation[1], ceil);
  return {
    n: n * c,
    c: 1,
    h,
    w,
    kh: kernel[0],
    kw: kernel[1],
    strideH: stride[0],
    strideW: stride[1],
    padTop: padding[0],
    padLeft: padding[1],
    dilationH: dilation[0],
    dilationW: dilation[1],
    outH,
    outW,
  };
}

/** Every window of every plane as columns [planes, kh·kw, outH·outW]; reads outside the input give padValue. */
function windows(x: Tensor, g: Conv2dGeometry, padValue: number): Tensor {
  return unfoldOp(x.reshape([g.n, 1, g.h, g.w]), g, padValue);
}

/** A constant tensor of host data next to `like`. */
export function constant(
  like: Tensor,
  data: Float64Array | Float32Array | Int32Array,
  shape: number[],
  dtype: 'int32' | 'float32' | 'float64',
): Tensor {
  return fromHandle(like.backend, like.backend.upload(data, dtype), shape, dtype);
}

/** 0, 1, …, n - 1 as int32 of `shape`, on `like`'s backend (which need not be the default one). */
export function rangeOn(like: Tensor, n: number, shape: number[]): Tensor {
  return constant(
    like,
    Int32Array.from({ length: n }, (_, i) => i),
    shape,
    'int32',
  );
}

/**
 * The input-plane index each window entry reads, [kh·kw, outH·outW]; entries
 * in the padding name the window's first in-plane entry, as PyTorch's index
 * of a window whose values are all -∞.
 */
function windowIndexTable(g: Conv2dGeometry): Int32Array {
  const L = g.outH * g.outW;
  const table = new Int32Array(g.kh * g.kw * L);
  for (let oh = 0; oh < g.outH; oh++) {
    for (let ow = 0; ow < g.outW; ow++) {
      let [r0, c0] = [oh * g.strideH - g.padTop, ow * g.strideW - g.padLeft];
      const [rs, cs] = [r0, c0];
      while (r0 < 0) r0 += g.dilationH;
      while (c0 < 0) c0 += g.dilationW;
      const first = r0 * g.w + c0;
      for (let i = 0; i < g.kh; i++) {
        for (let j = 0; j < g.kw; j++) {
          const [r, c] = [rs + i * g.dilationH, cs + j * g.dilationW];
          const inside = r >= 0 && r < g.h && c >= 0 && c < g.w;
          table[(i * g.kw + j) * L + oh * g.outW + ow] = inside ? r * g.w + c : first;
        }
      }
    }
  }
  return table;
}

/**
 * Max over columns [planes, K, L] → [planes, L]: the value at the first
 * arg-max of each window (NaN wins, so it propagates), which alone gets the
 * gradient; with a table [K·L] of plane indices also the winners' indices.
 */
export function maxOfWindows(cols: Tensor, table: Int32Array | null): { values: Tensor; indices: Tensor | null } {
  const [planes, k, l] = cols.shape;
  const winner = cols.argmax(1, true);
  const values = where(winner.eq(rangeOn(cols, k, [1, k, 1])), cols, 0).sum(1);
  if (!table) return { values, indices: null };
  const at = winner
    .mul(l)
    .add(rangeOn(cols, l, [l]))
    .reshape([planes * l]);
  return { values, indices: indexSelectOp(constant(cols, table, [k * l], 'int32'), 0, at).reshape([planes, l]) };
}

/**
 * Max pooling in the backend's one kernel: values and the winners' plane
 * indices; the gradient is a scatter-add of dy at those indices (a recorded
 * op, so it has a gradient too).
 */
function fusedMaxOfPlanes(op: string, x4: Tensor, g: Conv2dGeometry): { values: Tensor; indices: Tensor } {
  const b = x4.backend;
  const l = g.outH * g.outW;
  const r = b.maxPool2d!(x4.handle(op), x4.dtype, g);
  const indices = fromHandle(b, r.indices, [g.n, l], 'int32');
  const values = fromHandle(b, r.values, [g.n, l], x4.dtype);
  record(
    op,
    [x4],
    values,
    (dy) => [tidy(() => scatterOp('sum', x4.zerosLike().reshape([g.n, g.h * g.w]), 1, indices, dy, true, indices).reshape(x4.shape))],
    [indices],
  );
  return { values, indices };
}

function maxPool(op: string, x4: Tensor, o: Pool2dOptions): Tensor | [Tensor, Tensor] {
  const g = poolGeometry(op, x4, o, 'max');
  const [n, c] = x4.shape;
  const { values, indices } = x4.backend.maxPool2d
    ? fusedMaxOfPlanes(op, x4, g)
    : maxOfWindows(windows(x4, g, -Infinity), o.returnIndices ? windowIndexTable(g) : null);
  const shape = [n, c, g.outH, g.outW];
  return o.returnIndices && indices ? [values.reshape(shape), indices.reshape(shape)] : values.reshape(shape);
}

/** A window's size along one axis: clipped to the padded input, and to the input (PyTorch's avg_pool counts). */
export function windowCounts(o: number, s: number, p: number, k: number, size: number): [number, number] {
  const start = o * s - p;
  const end = Math.min(start + k, size + p);
  return [end - start, Math.min(end, size) - Math.max(start, 0)];
}

/** PyTorch's divisor of each window: its size clipped to the padded input (countIncludePad) or to the input, or the override. */
function avgDivisors(g: Conv2dGeometry, countIncludePad: boolean, override: number | null | undefined): Float64Array {
  const out = new Float64Array(g.outH * g.outW);
  for (let oh = 0; oh < g.outH; oh++) {
    const [ph, vh] = windowCounts(oh, g.strideH, g.padTop, g.kh, g.h);
    for (let ow = 0; ow < g.outW; ow++) {
      const [pw, vw] = windowCounts(ow, g.strideW, g.padLeft, g.kw, g.w);
      out[oh * g.outW + ow] = override ?? (countIncludePad ? ph * pw : vh * vw);
    }
  }
  return out;
}

function avgPool(op: string, x4: Tensor, o: AvgPool2dOptions): Tensor {
  const g = poolGeometry(op, x4, o, 'avg');
  const d = o.divisorOverride;
  if (d !== undefined && d !== null && (!Number.isInteger(d) || d === 0)) {
    throw new ArgumentError(`${op}: divisorOverride ${d} must be a nonzero integer`);
  }
  const [n, c] = x4.shape;
  const sums = windows(x4, g, 0).sum(1);
  const divisors = avgDivisors(g, o.countIncludePad ?? true, d);
  const dtype = x4.dtype === 'float64' ? 'float64' : 'float32';
  const data = dtype === 'float64' ? divisors : Float32Array.from(divisors);
  return sums.div(constant(x4, data, [g.outH * g.outW], dtype)).reshape([n, c, g.outH, g.outW]);
}

export function checkFloat(op: string, x: Tensor): void {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
}

/**
 * Max pooling over [N, C, H, W] (or unbatched [C, H, W]) as
 * torch.nn.functional.max_pool2d; the gradient goes to each window's first
 * arg-max. With `returnIndices` also each maximum's flat index in its
 * [H, W] plane (int32), which maxUnpool2d takes.
 *
 * @example
 * t.maxPool2d(x, { kernelSize: 2 }) // [n, c, 8, 8] → [n, c, 4, 4]
 * const [y, idx] = t.maxPool2d(x, { kernelSize: 3, stride: 2, ceilMode: true, returnIndices: true });
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions & { returnIndices: true }): [Tensor, Tensor<'int32'>];
export function maxPool2d(x: Tensor, options: Pool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor | [Tensor, Tensor<'int32'>];
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor | [Tensor, Tensor<'int32'>] {
  checkFloat('maxPool2d', x);
  return withIndices('maxPool2d', x, 3, options.returnIndices, (x4) => maxPool('maxPool2d', x4, options));
}

/**
 * Average pooling over [N, C, H, W] (or unbatched [C, H, W]) as
 * torch.nn.functional.avg_pool2d (ceilMode, countIncludePad, divisorOverride).
 *
 * @example
 * t.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false })
 */
export function avgPool2d(x: Tensor, options: AvgPool2dOptions): Tensor {
  checkFloat('avgPool2d', x);
  return tidy(() => unbatched('avgPool2d', x, (x4) => avgPool('avgPool2d', x4, options)));
}

/**
 * Max pooling over [N, C, L] (or unbatched [C, L]) as
 * torch.nn.functional.max_pool1d; indices are positions along L.
 *
 * @example
 * t.maxPool1d(x, { kernelSize: 2 }) // [n, c, 8] → [n, c, 4]
 */
export function maxPool1d(x: Tensor, options: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor<'int32'>];
export function maxPool1d(x: Tensor, options: MaxPool1dOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, options: MaxPool1dOptions): Tensor | [Tensor, Tensor<'int32'>];
export function maxPool1d(x: Tensor, options: MaxPool1dOptions): Tensor | [Tensor, Tensor<'int32'>] {
  checkFloat('maxPool1d', x);
  const o = as2d(options);
  return withIndices('maxPool1d', x, 2, options.returnIndices, (x3) => {
    const r = maxPool('maxPool1d', x3.unsqueeze(2), {
      ...o,
      dilation: [1, one(options.dilation) ?? 1],
      returnIndices: options.returnIndices,
    });
    return Array.isArray(r) ? [r[0].squeeze(2), r[1].squeeze(2)] : r.squeeze(2);
  });
}

/**
 * Average pooling over [N, C, L] (or unbatched [C, L]) as torch.nn.functional.avg_pool1d.
 *
 * @example
 * t.avgPool1d(x, { kernelSize: 3, stride: 1, padding: 1 }) // [n, c, l] → [n, c, l]
 */
export function avgPool1d(x: Tensor, options: AvgPool1dOptions): Tensor {
  checkFloat('avgPool1d', x);
  return tidy(() => {
    const x3 = checkRank('avgPool1d', x, 2);
    const y = avgPool('avgPool1d', x3.unsqueeze(2), { ...as2d(options), countIncludePad: options.countIncludePad }).squeeze(2);
    return x.rank === 2 ? y.squeeze(0) : y;
  });
}

export interface LpPoolOptions {
  kernelSize: Pair;
  stride?: Pair | null;
  ceilMode?: boolean;
}

/**
 * Power-average pooling (torch.nn.functional.lp_pool2d): (Σ_window x^p)^(1/p),
 * composed as PyTorch does from avgPool2d of x^p.
 *
 * @example
 * t.lpPool2d(x, 2, { kernelSize: 2 }) // the L2 norm of each 2×2 window
 */
export function lpPool2d(x: Tensor, normType: number, options: LpPoolOptions): Tensor {
  const [kh, kw] = pair(options.kernelSize, 1);
  return tidy(() => lpFinish(avgPool2d(x.pow(normType), { ...options, padding: 0 }), normType, kh * kw));
}

/**
 * Power-average pooling over [N, C, L] (torch.nn.functional.lp_pool1d).
 *
 * @example
 * t.lpPool1d(x, 3, { kernelSize: 2 })
 */
export function lpPool1d(x: Tensor, normType: number, options: { kernelSize: Single; stride?: Single | null; ceilMode?: boolean }): Tensor {
  const k = one(options.kernelSize) ?? 1;
  return tidy(() => lpFinish(avgPool1d(x.pow(normType), { ...options, padding: 0 }), normType, k));
}

/** PyTorch's (sign(s)·relu(|s|)·k)^(1/p) of an average s. */
function lpFinish(avg: Tensor, p: number, k: number): Tensor {
  return avg
    .sign()
    .mul(avg.abs().relu())
    .mul(k)
    .pow(1 / p);
}

function as2d(o: { kernelSize: Single; stride?: Single | null; padding?: Single; ceilMode?: boolean }): Pool2dOptions {
  const k = one(o.kernelSize) ?? 1;
  const s = one(o.stride);
  return { kernelSize: [1, k], stride: s === undefined ? [1, k] : [1, s], padding: [0, one(o.padding) ?? 0], ceilMode: o.ceilMode };
}

/** x batched to `rank + 1` dims: unbatched input gets a batch axis of one. */
function checkRank(op: string, x: Tensor, unbatchedRank: number): Tensor {
  const axes = unbatchedRank === 2 ? 'L' : unbatchedRank === 3 ? 'H, W' : 'D, H, W';
  if (x.rank === unbatchedRank) return x.unsqueeze(0);
  if (x.rank !== unbatchedRank + 1) throw new ShapeError(`${op}: input must be [C, ${axes}] or [N, C, ${axes}], got ${fmtShape(x.shape)}`);
  return x;
}

/** Runs a pool on batched input, unbatching its result (and indices) for unbatched input. */
function withIndices(
  op: string,
  x: Tensor,
  unbatchedRank: number,
  returnIndices: boolean | undefined,
  fn: (batched: Tensor) => Tensor | [Tensor, Tensor],
): Tensor | [Tensor, Tensor<'int32'>] {
  const r = tidy(() => {
    const out = fn(checkRank(op, x, unbatchedRank));
    const un = (y: Tensor) => (x.rank === unbatchedRank ? y.squeeze(0) : y);
    return Array.isArray(out) ? [un(out[0]), un(out[1])] : [un(out)];
  });
  return returnIndices ? [r[0], r[1] as Tensor<'int32'>] : r[0];
}
