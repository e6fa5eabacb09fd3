/**
 * Boolean-mask ops: maskedFill (same shape out, composed with where) and the
 * data-dependent ones, maskedSelect and nonzero, whose output size depends
 * on the mask's values. Those read the mask back: synchronously where the
 * backend can (cpu, wasm), as PyTorch users call them, and through the
 * `…Async` forms on every backend (webgpu reads only asynchronously).
 */
import type { DataArray } from '../backend/backend.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, sizeOf, stridesOf } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor, fromHandle } from '../tensor.js';
import { cast } from './cast.js';
import { where } from './elementwise.js';
import { indexSelectOp } from './indexing.js';
import { asValueOf, scatterOp } from './scatter.js';
import { backendOf, checkOperand, scalarOn } from './util.js';

/**
 * x with `value` where mask holds (torch.masked_fill). mask is bool and
 * broadcasts with x (the result has their broadcast shape); value is a
 * number, converted to x's dtype, or a 0-d tensor, whose gradient is the sum
 * of the filled positions' gradients.
 *
 * @example
 * const y = x.maskedFill(x.lt(0), 0); // negatives to 0
 */
export function maskedFill(x: Tensor, mask: Tensor, value: Tensor | number): Tensor {
  backendOf('maskedFill', x, mask);
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedFill: mask must be bool, got ${mask.dtype}`);
  broadcastShapes('maskedFill', x.shape, mask.shape);
  if (value instanceof Tensor) {
    if (value.rank !== 0) {
      throw new ShapeError(`maskedFill: a tensor value must be 0-d, got ${fmtShape(value.shape)} (use where() to fill from a tensor)`);
    }
    return tidy(() => where(mask, value.dtype === x.dtype ? value : cast(value, x.dtype), x));
  }
  checkOperand('maskedFill', 'value', value);
  return tidy(() => where(mask, scalarOn(x.backend, asValueOf(x, value), x.dtype), x));
}

/**
 * The entries of x where mask holds, as a 1-D tensor in row-major order
 * (torch.masked_select); x and mask broadcast together. The output size
 * depends on the mask, so this reads it back synchronously: on a backend
 * that reads only asynchronously (webgpu) use maskedSelectAsync. The
 * gradient scatters back into the selected positions.
 *
 * @example
 * t.tensor([1, -2, 3]).maskedSelect(t.tensor([true, false, true])); // [1, 3]
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  const shape = checkMasked(x, mask);
  return select(x, mask, shape, readNow('maskedSelect', mask, 'maskedSelectAsync'));
}

/** maskedSelect on every backend: awaits the mask's values. */
export async function maskedSelectAsync(x: Tensor, mask: Tensor): Promise<Tensor> {
  const shape = checkMasked(x, mask);
  const values = await mask.data<DataArray>();
  return select(x, mask, shape, values);
}

function checkMasked(x: Tensor, mask: Tensor): number[] {
  backendOf('maskedSelect', x, mask);
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedSelect: mask must be bool, got ${mask.dtype}`);
  return broadcastShapes('maskedSelect', x.shape, mask.shape);
}

function select(x: Tensor, mask: Tensor, shape: number[], maskValues: DataArray): Tensor {
  const positions = truePositions(maskValues, mask.shape, shape);
  const b = x.backend;
  return tidy(() => {
    const at = fromHandle(b, b.upload(positions, 'int32'), [positions.length], 'int32');
    return indexSelectOp(x.expand(shape).reshape([sizeOf(shape)]), 0, at);
  });
}

/**
 * x with the entries where mask holds replaced, in row-major order, by the
 * leading entries of source (torch.masked_scatter); x and mask broadcast
 * together, source (x's dtype) needs at least as many entries as mask
 * holds. Which entries are taken depends on the mask, so this reads it
 * back synchronously: on webgpu use maskedScatterAsync. Gradients go to x
 * where the mask does not hold and to the source entries used.
 *
 * @example
 * t.zeros([4]).maskedScatter(t.tensor([true, false, true, false]), t.tensor([7, 8, 9])); // [7, 0, 8, 0]
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  const shape = checkMaskedScatter(x, mask, source);
  return scatterAt(x, mask, source, shape, readNow('maskedScatter', mask, 'maskedScatterAsync'));
}

/** maskedScatter on every backend: awaits the mask's values. */
export async function maskedScatterAsync(x: Tensor, mask: Tensor, source: Tensor): Promise<Tensor> {
  const shape = checkMaskedScatter(x, mask, source);
  return scatterAt(x, mask, source, shape, await mask.data<DataArray>());
}

function checkMaskedScatter(x: Tensor, mask: Tensor, source: Tensor): number[] {
  backendOf('maskedScatter', x, mask, source);
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedScatter: mask must be bool, got ${mask.dtype}`);
  if (source.dtype !== x.dtype) throw new DTypeError(`maskedScatter: source is ${source.dtype} but x is ${x.dtype}; they must match`);
  return broadcastShapes('maskedScatter', x.shape, mask.shape);
}

function scatterAt(x: Tensor, mask: Tensor, source: Tensor, shape: number[], maskValues: DataArray): Tensor {
  const positions = truePositions(maskValues, mask.shape, shape);
  if (positions.length > source.size) {
    throw new ShapeError(
      `maskedScatter: mask holds at ${positions.length} positions but source ${fmtShape(source.shape)} has only ${source.size} entries`,
    );
  }
  const b = x.backend;
  return tidy(() => {
    const at = fromHandle(b, b.upload(positions, 'int32'), [positions.length], 'int32');
    const flat = x.expand(shape).reshape([sizeOf(shape)]);
    const used = source.reshape([source.size]).narrow(0, 0, positions.length);
    return scatterOp('set', flat, 0, at, used, true, at).reshape(shape);
  });
}

/**
 * The indices of the nonzero entries of x (torch.nonzero): an int32 tensor
 * [count, rank], one row per entry in row-major order; NaN counts as
 * nonzero. With `asTuple`, one int32 tensor [count] per axis instead
 * (a 0-d x gives one, as PyTorch). Reads x synchronously: on a backend that
 * reads only asynchronously (webgpu) use nonzeroAsync. Indices are int32,
 * so tensors up to 2³¹ - 1 entries per axis.
 *
 * @example
 * t.tensor([[0, 1], [2, 0]]).nonzero(); // [[0, 1], [1, 0]]
 */
export function nonzero(x: Tensor, options?: { asTuple?: false }): Tensor<'int32'>;
export function nonzero(x: Tensor, options: { asTuple: true }): Tensor<'int32'>[];
export function nonzero(x: Tensor, options: { asTuple?: boolean } = {}): Tensor<'int32'> | Tensor<'int32'>[] {
  backendOf('nonzero', x);
  return indicesOf(x, readNow('nonzero', x, 'nonzeroAsync'), options.asTuple ?? false);
}

/** nonzero on every backend: awaits x's values. */
export async function nonzeroAsync(x: Tensor, options?: { asTuple?: false }): Promise<Tensor<'int32'>>;
export async function nonzeroAsync(x: Tensor, options: { asTuple: true }): Promise<Tensor<'int32'>[]>;
export async function nonzeroAsync(x: Tensor, options: { asTuple?: boolean } = {}): Promise<Tensor<'int32'> | Tensor<'int32'>[]> {
  backendOf('nonzeroAsync', x);
  return indicesOf(x, await x.data<DataArray>(), options.asTuple ?? false);
}

/**
 * The indices of the nonzero entries of x as [count, rank] int32
 * (torch.argwhere, the same as nonzero). Synchronous; see nonzero.
 */
export function argwhere(x: Tensor): Tensor<'int32'> {
  backendOf('argwhere', x);
  return indicesOf(x, readNow('argwhere', x, 'argwhereAsync'), false) as Tensor<'int32'>;
}

/** argwhere on every backend: awaits x's values. */
export async function argwhereAsync(x: Tensor): Promise<Tensor<'int32'>> {
  return nonzeroAsync(x);
}

function indicesOf(x: Tensor, values: DataArray, asTuple: boolean): Tensor<'int32'> | Tensor<'int32'>[] {
  const rank = x.rank;
  const hits: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) hits.push(i);
  const strides = stridesOf(x.shape);
  const b = x.backend;
  const upload = (data: Int32Array, shape: number[]) => fromHandle(b, b.upload(data, 'int32'), shape, 'int32') as Tensor<'int32'>;
  if (asTuple) {
    if (rank === 0) return [upload(new Int32Array(hits.length), [hits.length])];
    return x.shape.map((d, axis) =>
      upload(
        Int32Array.from(hits, (f) => Math.floor(f / strides[axis]) % d),
        [hits.length],
      ),
    );
  }
  const out = new Int32Array(hits.length * rank);
  hits.forEach((f, r) => {
    for (let axis = 0; axis < rank; axis++) out[r * rank + axis] = Math.floor(f / strides[axis]) % x.shape[axis];
  });
  return upload(out, [hits.length, rank]);
}

/** Flat positions (in the broadcast `shape`) where a mask of maskShape, broadcast to it, holds. */
function truePositions(mask: DataArray, maskShape: readonly number[], shape: readonly number[]): Int32Array {
  const lead = shape.length - maskShape.length;
  const ms = stridesOf(maskShape);
  const strides = shape.map((_, i) => (i < lead || maskShape[i - lead] === 1 ? 0 : ms[i - lead]));
  const found: number[] = [];
  const pos = new Array<number>(shape.length).fill(0);
  for (let flat = 0, at = 0; flat < sizeOf(shape); flat++) {
    if (mask[at] !== 0) found.push(flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      at += strides[d];
      if (++pos[d] < shape[d]) break;
      at -= strides[d] * shape[d];
      pos[d] = 0;
    }
  }
  return Int32Array.from(found);
}

/** x's values now, where the backend reads synchronously; else a clear error naming the async form. */
function readNow(op: string, x: Tensor, asyncName: string): DataArray {
  if (!x.backend.readSync) {
    throw new ArgumentError(
      `${op}: backend '${x.backend.name}' reads asynchronously, and ${op}'s output size depends on the values; use await t.${asyncName}(…)`,
    );
  }
  return x.dataSync<DataArray>();
}
