import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../scope.js';
import { type Tensor, fromHandle } from '../tensor.js';
import { indexSelectOp } from './indexing.js';
import { maxOfWindows } from './pool.js';
import { concat } from './shape.js';

/** An output size per pooled axis; null keeps the input's size on that axis. */
export type AdaptiveSize1d = number | readonly [number | null];
export type AdaptiveSize2d = number | null | readonly [number | null, number | null];

/** PyTorch's adaptive window i of `out` over `n`: [⌊i·n/out⌋, ⌈(i+1)·n/out⌉). */
const windowOf = (i: number, n: number, out: number): [number, number] => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)];

/** The output sizes, checked, for the last `sizes.length` axes of x (batched or not). */
function outputSizes(op: string, x: Tensor, spatial: number, size: number | null | readonly (number | null)[]): number[] {
  const axes = spatial === 1 ? 'L' : 'H, W';
  if (x.rank !== spatial + 1 && x.rank !== spatial + 2) {
    throw new ShapeError(`${op}: input must be [C, ${axes}] or [N, C, ${axes}], got ${fmtShape(x.shape)}`);
  }
  const list = typeof size === 'number' || size === null ? Array<number | null>(spatial).fill(size) : [...size];
  if (list.length !== spatial) throw new ArgumentError(`${op}: outputSize ${JSON.stringify(size)} must give ${spatial} sizes`);
  return list.map((s, i) => {
    const n = x.shape[x.rank - spatial + i];
    const out = s ?? n;
    if (!Number.isInteger(out) || out < 1)
      throw new ArgumentError(`${op}: output size ${JSON.stringify(s)} must be a positive integer or null`);
    if (n === 0) throw new ShapeError(`${op}: input ${fmtShape(x.shape)} has an empty axis to pool`);
    return out;
  });
}

/** Averages one axis down to `out` adaptive windows (equal windows: one reshape and mean). */
function averageAxis(x: Tensor, axis: number, out: number): Tensor {
  const n = x.shape[axis];
  if (out === n) return x;
  if (n % out === 0) return x.reshape([...x.shape.slice(0, axis), out, n / out, ...x.shape.slice(axis + 1)]).mean(axis + 1);
  const parts: Tensor[] = [];
  for (let i = 0; i < out; i++) {
    const [start, end] = windowOf(i, n, out);
    parts.push(x.narrow(axis, start, end - start).mean(axis, true));
  }
  return concat(parts, axis);
}

/**
 * Adaptive average pooling over [N, C, H, W] (or [C, H, W]) to a fixed output
 * size, with PyTorch's windows [⌊i·n/out⌋, ⌈(i+1)·n/out⌉) per axis (separable,
 * so computed one axis at a time).
 *
 * @example
 * t.adaptiveAvgPool2d(x, 1) // [n, c, h, w] → [n, c, 1, 1] (global average)
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize2d): Tensor {
  const [oh, ow] = outputSizes('adaptiveAvgPool2d', x, 2, outputSize);
  return tidy(() => fresh(x, averageAxis(averageAxis(x, x.rank - 2, oh), x.rank - 1, ow)));
}

/**
 * Adaptive average pooling over [N, C, L] (or [C, L]) as torch.nn.functional.adaptive_avg_pool1d.
 *
 * @example
 * t.adaptiveAvgPool1d(x, 4) // [n, c, 10] → [n, c, 4]
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: AdaptiveSize1d): Tensor {
  const [ol] = outputSizes('adaptiveAvgPool1d', x, 1, outputSize);
  return tidy(() => fresh(x, averageAxis(x, x.rank - 1, ol)));
}

/** y, or a copy where pooling kept x as it was (the caller owns its result). */
const fresh = (x: Tensor, y: Tensor): Tensor => (y === x ? x.clone() : y);

/** Plane indices [K, oh·ow] of each adaptive window, K its largest size; short windows repeat their last entry (harmless to a max). */
function adaptiveTable(h: number, w: number, oh: number, ow: number): { table: Int32Array; k: number } {
  const rows = Array.from({ length: oh }, (_, i) => windowOf(i, h, oh));
  const cols = Array.from({ length: ow }, (_, j) => windowOf(j, w, ow));
  const kh = Math.max(...rows.map(([s, e]) => e - s));
  const kw = Math.max(...cols.map(([s, e]) => e - s));
  const l = oh * ow;
  const table = new Int32Array(kh * kw * l);
  rows.forEach(([r0, r1], i) =>
    cols.forEach(([c0, c1], j) => {
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) table[(a * kw + b) * l + i * ow + j] = Math.min(r0 + a, r1 - 1) * w + Math.min(c0 + b, c1 - 1);
      }
    }),
  );
  return { table, k: kh * kw };
}

function adaptiveMax(x4: Tensor, oh: number, ow: number, returnIndices: boolean): Tensor | [Tensor, Tensor] {
  const [n, c, h, w] = x4.shape;
  const { table, k } = adaptiveTable(h, w, oh, ow);
  const l = oh * ow;
  const gathered = x4.backend.upload(table, 'int32');
  const at = fromHandle(x4.backend, gathered, [k * l], 'int32');
  const cols = indexSelectOp(x4.reshape([n * c, h * w]), 1, at).reshape([n * c, k, l]);
  const { values, indices } = maxOfWindows(cols, returnIndices ? table : null);
  const shape = [n, c, oh, ow];
  return indices ? [values.reshape(shape), indices.reshape(shape)] : values.reshape(shape);
}

/**
 * Adaptive max pooling over [N, C, H, W] (or [C, H, W]) as
 * torch.nn.functional.adaptive_max_pool2d; with `returnIndices` also each
 * maximum's flat index in its [H, W] plane (int32).
 *
 * @example
 * t.adaptiveMaxPool2d(x, [2, 2]) // [n, c, 5, 7] → [n, c, 2, 2]
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize2d, options: { returnIndices: true }): [Tensor, Tensor<'int32'>];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize2d, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize2d,
  options?: { returnIndices?: boolean },
): Tensor | [Tensor, Tensor<'int32'>];
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize2d,
  options: { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor<'int32'>] {
  const [oh, ow] = outputSizes('adaptiveMaxPool2d', x, 2, outputSize);
  return unbatchedPair(x, 3, options.returnIndices ?? false, (x4) => adaptiveMax(x4, oh, ow, options.returnIndices ?? false));
}

/**
 * Adaptive max pooling over [N, C, L] (or [C, L]) as torch.nn.functional.adaptive_max_pool1d.
 *
 * @example
 * const [y, idx] = t.adaptiveMaxPool1d(x, 3, { returnIndices: true });
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: AdaptiveSize1d, options: { returnIndices: true }): [Tensor, Tensor<'int32'>];
export function adaptiveMaxPool1d(x: Tensor, outputSize: AdaptiveSize1d, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: AdaptiveSize1d,
  options?: { returnIndices?: boolean },
): Tensor | [Tensor, Tensor<'int32'>];
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: AdaptiveSize1d,
  options: { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor<'int32'>] {
  const [ol] = outputSizes('adaptiveMaxPool1d', x, 1, outputSize);
  const ri = options.returnIndices ?? false;
  return unbatchedPair(x, 2, ri, (x3) => {
    const r = adaptiveMax(x3.unsqueeze(2), 1, ol, ri);
    return Array.isArray(r) ? [r[0].squeeze(2), r[1].squeeze(2)] : r.squeeze(2);
  });
}

function unbatchedPair(
  x: Tensor,
  unbatchedRank: number,
  returnIndices: boolean,
  fn: (batched: Tensor) => Tensor | [Tensor, Tensor],
): Tensor | [Tensor, Tensor<'int32'>] {
  const r = tidy(() => {
    const out = fn(x.rank === unbatchedRank ? x.unsqueeze(0) : x);
    const un = (y: Tensor) => (x.rank === unbatchedRank ? y.squeeze(0) : y);
    return Array.isArray(out) ? [un(out[0]), un(out[1])] : [un(out)];
  });
  return returnIndices ? [r[0], r[1] as Tensor<'int32'>] : r[0];
}
