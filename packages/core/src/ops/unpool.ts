import { noGrad, record } from '../autograd.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../scope.js';
import type { Tensor } from '../tensor.js';
import { type Pair, pair, positive } from './conv.js';
import { indexAddOp, indexSelectOp } from './indexing.js';
import { rangeOn } from './pool.js';

export interface MaxUnpool2dOptions {
  kernelSize: Pair;
  /** Defaults to the kernel size, as PyTorch. */
  stride?: Pair | null;
  padding?: Pair;
  /** [h, w] (or [n, c, h, w]) of the output, to undo a pool whose input size the default (in - 1)·stride - 2·padding + kernel misses. */
  outputSize?: readonly number[] | null;
}

export interface MaxUnpool1dOptions {
  kernelSize: number | readonly [number];
  stride?: number | readonly [number] | null;
  padding?: number | readonly [number];
  outputSize?: readonly number[] | null;
}

/**
 * The inverse of max pooling (torch.nn.functional.max_unpool2d): each value
 * of [N, C, H, W] (or [C, H, W]) goes to its flat index (int32, as
 * maxPool2d's `returnIndices` gives) in a zero [outH, outW] plane. The
 * gradient reads the output gradient back at those indices.
 *
 * @example
 * const [y, idx] = t.maxPool2d(x, { kernelSize: 2, returnIndices: true });
 * t.maxUnpool2d(y, idx, { kernelSize: 2 }) // x's maxima in place, zeros elsewhere
 */
export function maxUnpool2d(x: Tensor, indices: Tensor, options: MaxUnpool2dOptions): Tensor {
  const kernel = pair(options.kernelSize, 1);
  const stride = options.stride === null || options.stride === undefined ? kernel : pair(options.stride, 1);
  const padding = pair(options.padding, 0);
  return unpool('maxUnpool2d', x, indices, kernel, stride, padding, options.outputSize, 2);
}

/**
 * The inverse of max pooling over [N, C, L] (or [C, L]) (torch.nn.functional.max_unpool1d).
 *
 * @example
 * const [y, idx] = t.maxPool1d(x, { kernelSize: 2, returnIndices: true });
 * t.maxUnpool1d(y, idx, { kernelSize: 2 })
 */
export function maxUnpool1d(x: Tensor, indices: Tensor, options: MaxUnpool1dOptions): Tensor {
  const one = (v: number | readonly [number]) => (typeof v === 'number' ? v : v[0]);
  const k = one(options.kernelSize);
  const s = options.stride === null || options.stride === undefined ? k : one(options.stride);
  return unpool('maxUnpool1d', x, indices, [k], [s], [one(options.padding ?? 0)], options.outputSize, 1);
}

function unpool(
  op: string,
  x: Tensor,
  indices: Tensor,
  kernel: number[],
  stride: number[],
  padding: number[],
  outputSize: readonly number[] | null | undefined,
  spatial: number,
): Tensor {
  positive(op, 'kernel size', kernel);
  positive(op, 'stride', stride);
  positive(op, 'padding', padding, 0);
  const axes = spatial === 1 ? 'L' : 'H, W';
  if (x.rank !== spatial + 1 && x.rank !== spatial + 2)
    throw new ShapeError(`${op}: input must be [C, ${axes}] or [N, C, ${axes}], got ${fmtShape(x.shape)}`);
  if (indices.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${indices.dtype}`);
  if (indices.shape.join() !== x.shape.join())
    throw new ShapeError(`${op}: indices ${fmtShape(indices.shape)} must have the input's shape ${fmtShape(x.shape)}`);
  const inSizes = x.shape.slice(x.rank - spatial);
  const sizes = inSizes.map((n, d) => (n - 1) * stride[d] + kernel[d] - 2 * padding[d]);
  if (outputSize) {
    const given = outputSize.length === spatial + 2 ? outputSize.slice(2) : [...outputSize];
    if (given.length !== spatial)
      throw new ArgumentError(`${op}: outputSize ${JSON.stringify(outputSize)} must have ${spatial} or ${spatial + 2} entries`);
    given.forEach((g, d) => {
      if (!(sizes[d] - stride[d] < g && g < sizes[d] + stride[d])) {
        throw new ArgumentError(
          `${op}: outputSize ${JSON.stringify(outputSize)} (axis ${d}) must be between ${sizes[d] - stride[d]} and ${sizes[d] + stride[d]}, exclusive`,
        );
      }
      sizes[d] = g;
    });
  }
  const plane = sizes.reduce((a, b) => a * b, 1);
  checkIndexRange(op, indices, plane, sizes);
  const lead = x.shape.slice(0, x.rank - spatial);
  const planes = lead.reduce((a, b) => a * b, 1);
  return tidy(() => {
    // Each plane's indices, shifted into one flat output of planes·plane entries.
    const flat = indices
      .reshape([planes, inSizes.reduce((a, b) => a * b, 1)])
      .add(rangeOn(x, planes, [planes, 1]).mul(plane))
      .reshape([-1]);
    const total = planes * plane;
    // Repeated indices (overlapping pools pick one input twice) hold the same value: average them rather than add.
    const out = noGrad(() => {
      const sums = indexAddOp(x.reshape([-1]), 0, flat, total);
      const counts = indexAddOp(x.onesLike().reshape([-1]), 0, flat, total).clamp(1, null);
      return sums.div(counts).reshape([...lead, ...sizes]);
    });
    return record(op, [x], out, (g) => [indexSelectOp(g.reshape([-1]), 0, flat).reshape(x.shape)], [flat]);
  });
}

/** PyTorch's check that every index lands in its output plane, where the backend reads synchronously. */
function checkIndexRange(op: string, indices: Tensor, plane: number, sizes: number[]): void {
  const read = indices.backend.readSync;
  if (!read) return;
  const values = read.call(indices.backend, indices.handle(op), 'int32', indices.size) as Int32Array;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0 || values[i] >= plane) {
      throw new ArgumentError(`${op}: found an invalid max index ${values[i]} at ${i} (output planes are ${sizes.join('×')})`);
    }
  }
}
