import type { DataArray, DType } from '../backend/backend.js';
import { allocArray, assertDType, dtypeOfArray } from '../dtype.js';
import { engine } from '../engine.js';
import { traceFromHost } from '../flow.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { defaultRng, type Rng } from '../rng.js';
import { assertShape, sizeOf } from '../shape.js';
import { Tensor, fromHandle } from '../tensor.js';

export interface TensorOptions {
  dtype?: DType;
  /** Needed with flat data (a typed array or a flat list) of rank other than 1. */
  shape?: readonly number[];
  requiresGrad?: boolean;
}

type Nested = number | boolean | readonly Nested[];

/** Shape of nested arrays, checking they are rectangular. */
function inferShape(data: Nested): number[] {
  const shape: number[] = [];
  let level: Nested = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function flattenNested(data: Nested, shape: readonly number[], out: number[], axis = 0): void {
  if (axis === shape.length) {
    if (Array.isArray(data)) throw new ShapeError(`tensor: nested data is ragged (too deep at axis ${axis})`);
    out.push(typeof data === 'boolean' ? Number(data) : (data as number));
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[axis]) {
    throw new ShapeError(`tensor: nested data is ragged: expected ${shape[axis]} entries at axis ${axis}, shape ${fmtShape(shape)}`);
  }
  for (const v of data) flattenNested(v, shape, out, axis + 1);
}

/** Uploads host data as a tensor on the current backend. */
export function fromData(data: DataArray, shape: readonly number[], dtype: DType, requiresGrad = false): Tensor {
  const e = engine();
  e.checkDType(dtype, 'tensor');
  const b = e.getBackend();
  const t = fromHandle(b, b.upload(data, dtype), shape, dtype);
  t.requiresGrad = requiresGrad;
  traceFromHost(t);
  return t;
}

/**
 * Makes a tensor from a number, nested arrays or a typed array.
 *
 * @example
 * tensor([[1, 2], [3, 4]], { requiresGrad: true }) // float32 [2,2]
 * tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] }) // int32 [2,2]
 */
export function tensor(data: Nested | DataArray, options: TensorOptions = {}): Tensor {
  let flat: number[] | DataArray;
  let shape: readonly number[];
  let dtype: DType;
  if (ArrayBuffer.isView(data)) {
    flat = data;
    shape = options.shape ?? [data.length];
    dtype = options.dtype ?? dtypeOfArray(data);
  } else {
    const inferred = inferShape(data);
    const values: number[] = [];
    flattenNested(data, inferred, values);
    flat = values;
    shape = options.shape ?? inferred;
    const leaf = (function first(v: Nested): Nested {
      return Array.isArray(v) ? first(v[0]) : v;
    })(data);
    dtype = options.dtype ?? (typeof leaf === 'boolean' ? 'bool' : 'float32');
  }
  assertDType(dtype, 'tensor', 'dtype');
  assertShape('tensor', shape);
  if (sizeOf(shape) !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values do not fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements)`);
  }
  let array: DataArray;
  if (ArrayBuffer.isView(flat) && dtypeOfArray(flat) === dtype) {
    array = flat;
  } else {
    array = allocArray(dtype, flat.length);
    for (let i = 0; i < flat.length; i++) array[i] = flat[i];
  }
  return fromData(array, shape, dtype, options.requiresGrad ?? false);
}

export interface CreationOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, options: CreationOptions = {}): Tensor {
  const dtype = options.dtype ?? 'float32';
  assertDType(dtype, 'full', 'dtype');
  assertShape('full', shape);
  const e = engine();
  e.checkDType(dtype, 'full');
  const b = e.getBackend();
  const t = fromHandle(b, b.fill(sizeOf(shape), value, dtype), shape, dtype);
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

export const zeros = (shape: readonly number[], options?: CreationOptions) => full(shape, 0, options);
export const ones = (shape: readonly number[], options?: CreationOptions) => full(shape, 1, options);

/**
 * Evenly spaced values in [start, stop). `arange(5)` is 0..4. Integer
 * arguments give int32 unless a dtype is passed.
 */
export function arange(start: number, stop?: number, step = 1, options: { dtype?: DType } = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new ArgumentError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = options.dtype ?? ([start, stop, step].every(Number.isInteger) ? 'int32' : 'float32');
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromData(data, [n], dtype);
}

/** `count` evenly spaced values from start to stop, both included. */
export function linspace(start: number, stop: number, count: number, options: { dtype?: DType } = {}): Tensor {
  if (!Number.isInteger(count) || count < 0) throw new ArgumentError(`linspace: count ${count} must be a non-negative integer`);
  const dtype = options.dtype ?? 'float32';
  const data = allocArray(dtype, count);
  const step = count > 1 ? (stop - start) / (count - 1) : 0;
  for (let i = 0; i < count; i++) data[i] = start + i * step;
  return fromData(data, [count], dtype);
}

/** An n×m identity matrix (m defaults to n). */
export function eye(n: number, m = n, options: { dtype?: DType } = {}): Tensor {
  assertShape('eye', [n, m]);
  const dtype = options.dtype ?? 'float32';
  const data = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromData(data, [n, m], dtype);
}

export interface RandomOptions {
  rng?: Rng;
  dtype?: DType;
  requiresGrad?: boolean;
}

function random(op: string, shape: readonly number[], options: RandomOptions, draw: (rng: Rng) => number): Tensor {
  assertShape(op, shape);
  const dtype = options.dtype ?? 'float32';
  const rng = options.rng ?? defaultRng();
  const data = allocArray(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = draw(rng);
  return fromData(data, shape, dtype, options.requiresGrad ?? false);
}

/** Uniform values in [low, high) (default [0, 1)). */
export function rand(shape: readonly number[], options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const low = options.low ?? 0;
  const span = (options.high ?? 1) - low;
  return random('rand', shape, options, (r) => low + span * r.uniform());
}

/** Normal values with the given mean and std (default 0, 1). */
export function randn(shape: readonly number[], options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  return random('randn', shape, options, (r) => mean + std * r.normal());
}

/** Uniform integers in [low, high), int32. */
export function randint(low: number, high: number, shape: readonly number[], options: Omit<RandomOptions, 'dtype'> = {}): Tensor {
  if (!(high > low)) throw new ArgumentError(`randint: high ${high} must exceed low ${low}`);
  return random('randint', shape, { ...options, dtype: 'int32' }, (r) => r.int(low, high));
}
