/**
 * The Tensor methods of the composed ops outside the op tables (math.ts,
 * diagonals.ts, rearrange.ts), where PyTorch has a Tensor method: each
 * forwards to the function of the same name. tensor.ts merges the interface
 * into Tensor's type; tensor-methods.ts installs the object.
 */
import type { Tensor } from '../tensor.js';
import { diag, diagonal, tril, triu } from './diagonals.js';
import { type AddcOptions, type NanToNumOptions, addcdiv, addcmul, fmod, hypot, lerp, nanToNum } from './math.js';
import { movedim, repeat, roll, tile, unflatten } from './rearrange.js';
import type { TensorLike } from './util.js';

export interface ComposedMethods {
  /** The C-style remainder (sign of this tensor, the dividend), as PyTorch's fmod. */
  fmod(other: TensorLike): Tensor;
  /** √(this² + other²) without overflow. */
  hypot(other: TensorLike): Tensor;
  /** this + weight·(end - this). */
  lerp(end: Tensor, weight: TensorLike): Tensor;
  /** this + value·tensor1·tensor2. */
  addcmul(tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor;
  /** this + value·tensor1/tensor2. */
  addcdiv(tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor;
  /** NaN, +inf and -inf replaced (0 and the dtype's extremes by default). */
  nanToNum(options?: NanToNumOptions): Tensor;
  /** The lower triangle of the last two axes, from diagonal k. */
  tril(diagonal?: number): Tensor;
  /** The upper triangle of the last two axes, from diagonal k. */
  triu(diagonal?: number): Tensor;
  /** Of a vector, a matrix with it on diagonal k; of a matrix, its diagonal k. */
  diag(diagonal?: number): Tensor;
  /** The diagonal in the plane of dim1 and dim2, appended as the last axis. */
  diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
  /** Repeated sizes[i] times along axis i (sizes may add leading axes). */
  repeat(sizes: readonly number[]): Tensor;
  /** Repeated dims[i] times along axis i (short dims padded with leading 1s). */
  tile(dims: readonly number[]): Tensor;
  /** Rotated along dims (or flattened, without dims). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor;
  /** Axis dim split into sizes (one may be -1). */
  unflatten(dim: number, sizes: readonly number[]): Tensor;
  /** Axes source moved to destination. */
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
  /** Alias of movedim. */
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
}

type Installed = { [K in keyof ComposedMethods]: (this: Tensor, ...args: Parameters<ComposedMethods[K]>) => Tensor };

export const composedMethods: Installed = {
  fmod(other) {
    return fmod(this, other);
  },
  hypot(other) {
    return hypot(this, other);
  },
  lerp(end, weight) {
    return lerp(this, end, weight);
  },
  addcmul(tensor1, tensor2, options) {
    return addcmul(this, tensor1, tensor2, options);
  },
  addcdiv(tensor1, tensor2, options) {
    return addcdiv(this, tensor1, tensor2, options);
  },
  nanToNum(options) {
    return nanToNum(this, options);
  },
  tril(k) {
    return tril(this, k);
  },
  triu(k) {
    return triu(this, k);
  },
  diag(k) {
    return diag(this, k);
  },
  diagonal(offset, dim1, dim2) {
    return diagonal(this, offset, dim1, dim2);
  },
  repeat(sizes) {
    return repeat(this, sizes);
  },
  tile(dims) {
    return tile(this, dims);
  },
  roll(shifts, dims) {
    return roll(this, shifts, dims);
  },
  unflatten(dim, sizes) {
    return unflatten(this, dim, sizes);
  },
  movedim(source, destination) {
    return movedim(this, source, destination);
  },
  moveaxis(source, destination) {
    return movedim(this, source, destination);
  },
};
