import type { DataArray, DType } from '../backend/backend.js';
import { allocArray, assertDType, dtypeOfArray, isFloat } from '../dtype.js';
import { engine } from '../engine.js';
import { traceFromHost } from '../flow.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { defaultRng, type Rng } from '../rng.js';
import { MAX_RANK, checkShape, sizeOf } from '../shape.js';
import { type Tensor, fromHandle } from '../tensor.js';

export interface TensorOptions {
  dtype?: DType;
  /** Needed with flat data (a typed array or a flat list) of rank other than 1. */
  shape?: readonly number[];
  requiresGrad?: boolean;
}

type Nested = number | boolean | readonly Nested[];

/** The dtype each of the four storage arrays holds; other typed arrays need an explicit dtype. */
const ARRAY_DTYPES: readonly [new (n: number) => DataArray, DType][] = [
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
  [Int32Array, 'int32'],
  [Uint8Array, 'bool'],
];

/** `data[1][0]` for error messages. */
const at = (path: readonly number[]) => `data${path.map((i) => `[${i}]`).join('')}`;

function describeValue(v: unknown): string {
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)})`;
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return typeof v === 'object' ? `an object` : `${typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`}`;
}

/**
 * Flattens nested arrays of numbers/booleans, checking every leaf and that
 * the nesting is rectangular. Iterative, so deep nesting cannot overflow the
 * stack (the rank is bounded by checkShape first).
 */
function flattenNested(data: Nested): { shape: number[]; values: number[]; allBool: boolean } {
  const shape: number[] = [];
  for (let level: unknown = data; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (shape.length > MAX_RANK) throw new ShapeError(`tensor: data is nested more than ${MAX_RANK} levels deep`);
  }
  checkShape('tensor', shape, 'nested data shape');
  const values: number[] = [];
  let allBool = true;
  // A depth-first walk in row-major order; each frame is [array, next index, its depth].
  const stack: [readonly unknown[], number, number][] = [];
  const path: number[] = [];
  const visit = (v: unknown): void => {
    const axis = path.length;
    if (axis < shape.length) {
      if (!Array.isArray(v) || v.length !== shape[axis]) {
        const got = Array.isArray(v) ? `${v.length} entries` : describeValue(v);
        throw new ShapeError(
          `tensor: nested data is ragged: ${at(path)} has ${got}, expected ${shape[axis]} entries (shape ${fmtShape(shape)})`,
        );
      }
      stack.push([v, 0, axis]);
      return;
    }
    if (typeof v === 'number') {
      allBool = false;
      values.push(v);
    } else if (typeof v === 'boolean') {
      values.push(Number(v));
    } else {
      const what = Array.isArray(v) ? `an array (nested deeper than shape ${fmtShape(shape)})` : describeValue(v);
      const Err = Array.isArray(v) ? ShapeError : ArgumentError;
      throw new Err(`tensor: ${at(path)} is ${what}; tensor values must be numbers or booleans`);
    }
  };
  visit(data);
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top[1] === top[0].length) {
      stack.pop();
      continue;
    }
    const i = top[1]++;
    path.length = top[2];
    path.push(i);
    visit(top[0][i]);
  }
  return { shape, values, allBool: allBool && values.length > 0 };
}

/** Uploads host data as a tensor on the current backend. */
export function fromData(data: DataArray, shape: readonly number[], dtype: DType, requiresGrad = false): Tensor {
  const dims = checkShape('fromData', shape);
  if (sizeOf(dims) !== data.length) {
    throw new ShapeError(`fromData: ${data.length} values do not fill shape ${fmtShape(dims)} (${sizeOf(dims)} elements)`);
  }
  checkRequiresGrad('fromData', dtype, requiresGrad);
  const e = engine();
  e.checkDType(dtype, 'tensor');
  const b = e.getBackend();
  const t = fromHandle(b, b.upload(data, dtype), dims, dtype);
  t.requiresGrad = requiresGrad;
  traceFromHost(t);
  return t;
}

/** PyTorch's rule: only floating-point tensors can require gradients. Checked before anything is allocated. */
function checkRequiresGrad(op: string, dtype: DType, requiresGrad: unknown): void {
  if (requiresGrad !== undefined && typeof requiresGrad !== 'boolean') {
    throw new ArgumentError(`${op}: requiresGrad must be a boolean, got ${describeValue(requiresGrad)}`);
  }
  if (requiresGrad && !isFloat(dtype)) {
    throw new DTypeError(`${op}: only floating-point tensors can require gradients, not ${dtype} (requiresGrad: true)`);
  }
}

/** A number argument that must be finite (a range bound, a fill value that feeds a loop). */
function checkFinite(op: string, param: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ArgumentError(`${op}: ${param} must be a finite number, got ${typeof v === 'number' ? v : describeValue(v)}`);
  }
  return v;
}

/** @internal A number argument that may be any number, NaN and ±Infinity included (fill values). */
export function checkNumber(op: string, param: string, v: unknown): number {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v !== 'number') throw new ArgumentError(`${op}: ${param} must be a number, got ${describeValue(v)}`);
  return v;
}

/**
 * Makes a tensor from a number, nested arrays or a typed array.
 *
 * @example
 * tensor([[1, 2], [3, 4]], { requiresGrad: true }) // float32 [2,2]
 * tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] }) // int32 [2,2]
 */
export function tensor<D extends DType>(data: Nested | DataArray, options: TensorOptions & { dtype: D }): Tensor<D>;
export function tensor(data: Nested | DataArray, options?: TensorOptions): Tensor;
export function tensor(data: Nested | DataArray, options: TensorOptions = {}): Tensor {
  if (options.dtype !== undefined) assertDType(options.dtype, 'tensor', 'dtype');
  let flat: ArrayLike<number>;
  let shape: number[];
  let dtype: DType;
  if (ArrayBuffer.isView(data)) {
    const kind = ARRAY_DTYPES.find(([Ctor]) => data instanceof Ctor)?.[1];
    const numeric = !(data instanceof DataView) && !(data instanceof BigInt64Array) && !(data instanceof BigUint64Array);
    if (!numeric) throw new ArgumentError(`tensor: data is ${describeValue(data)}; pass nested arrays or a typed array of numbers`);
    if (!kind && options.dtype === undefined) {
      throw new DTypeError(`tensor: ${describeValue(data)} has no matching dtype; pass { dtype } (float32, float64, int32 or bool)`);
    }
    flat = data as ArrayLike<number>;
    dtype = options.dtype ?? kind!;
    shape = checkShape('tensor', options.shape ?? [flat.length]);
  } else {
    if (!Array.isArray(data) && typeof data !== 'number' && typeof data !== 'boolean') {
      throw new ArgumentError(`tensor: data is ${describeValue(data)}; pass a number, a boolean, nested arrays of them or a typed array`);
    }
    const nested = flattenNested(data);
    flat = nested.values;
    dtype = options.dtype ?? (nested.allBool ? 'bool' : 'float32');
    shape = options.shape === undefined ? nested.shape : checkShape('tensor', options.shape);
  }
  checkRequiresGrad('tensor', dtype, options.requiresGrad);
  if (sizeOf(shape) !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values do not fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements)`);
  }
  let array: DataArray;
  if (ArrayBuffer.isView(flat) && dtypeOfArray(flat as DataArray) === dtype && ARRAY_DTYPES.some(([C]) => flat instanceof C)) {
    array = flat as DataArray;
  } else {
    array = allocArray(dtype, flat.length, 'tensor');
    for (let i = 0; i < flat.length; i++) array[i] = flat[i];
  }
  return fromData(array, shape, dtype, options.requiresGrad ?? false);
}

export interface CreationOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** A tensor of `shape` filled with `value`. */
export function full<D extends DType>(shape: readonly number[], value: number, options: CreationOptions & { dtype: D }): Tensor<D>;
export function full(shape: readonly number[], value: number, options?: CreationOptions): Tensor;
export function full(shape: readonly number[], value: number, options: CreationOptions = {}): Tensor {
  return fill('full', shape, value, options);
}

function fill(op: string, shape: readonly number[], value: number, options: CreationOptions): Tensor {
  const dims = checkShape(op, shape);
  const v = checkNumber(op, 'value', value);
  const dtype = options.dtype ?? 'float32';
  assertDType(dtype, op, 'dtype');
  checkRequiresGrad(op, dtype, options.requiresGrad);
  const e = engine();
  e.checkDType(dtype, op);
  const b = e.getBackend();
  const t = fromHandle(b, b.fill(sizeOf(dims), v, dtype), dims, dtype);
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

/** zeros/ones: a tensor of the given dtype (typed as such) or float32. */
interface Filled {
  <D extends DType>(shape: readonly number[], options: CreationOptions & { dtype: D }): Tensor<D>;
  (shape: readonly number[], options?: CreationOptions): Tensor;
}
export const zeros: Filled = (shape: readonly number[], options: CreationOptions = {}) => fill('zeros', shape, 0, options);
export const ones: Filled = (shape: readonly number[], options: CreationOptions = {}) => fill('ones', shape, 1, options);

/**
 * Evenly spaced values in [start, stop). `arange(5)` is 0..4. Integer
 * arguments give int32 unless a dtype is passed.
 */
export function arange(start: number, stop?: number, step = 1, options: { dtype?: DType } = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  checkFinite('arange', 'start', start);
  checkFinite('arange', 'end', stop);
  checkFinite('arange', 'step', step);
  if (step === 0) throw new ArgumentError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const [length] = checkShape('arange', [n], 'length');
  const dtype = options.dtype ?? ([start, stop, step].every(Number.isInteger) ? 'int32' : 'float32');
  assertDType(dtype, 'arange', 'dtype');
  const data = allocArray(dtype, length, 'arange');
  for (let i = 0; i < length; i++) data[i] = start + i * step;
  return fromData(data, [length], dtype);
}

/** `count` evenly spaced values from start to stop, both included. */
export function linspace(start: number, stop: number, count: number, options: { dtype?: DType } = {}): Tensor {
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'end', stop);
  const [n] = checkShape('linspace', [count], 'steps');
  const dtype = options.dtype ?? 'float32';
  assertDType(dtype, 'linspace', 'dtype');
  const data = allocArray(dtype, n, 'linspace');
  const step = n > 1 ? (stop - start) / (n - 1) : 0;
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromData(data, [n], dtype);
}

/** An n×m identity matrix (m defaults to n). */
export function eye(n: number, m = n, options: { dtype?: DType } = {}): Tensor {
  const [rows, cols] = checkShape('eye', [n, m], '[n, m]');
  const dtype = options.dtype ?? 'float32';
  assertDType(dtype, 'eye', 'dtype');
  const data = allocArray(dtype, rows * cols, 'eye');
  for (let i = 0; i < Math.min(rows, cols); i++) data[i * cols + i] = 1;
  return fromData(data, [rows, cols], dtype);
}

export interface RandomOptions {
  rng?: Rng;
  dtype?: DType;
  requiresGrad?: boolean;
}

function random(op: string, shape: readonly number[], options: RandomOptions, draw: (rng: Rng) => number): Tensor {
  const dims = checkShape(op, shape);
  const dtype = options.dtype ?? 'float32';
  assertDType(dtype, op, 'dtype');
  checkRequiresGrad(op, dtype, options.requiresGrad);
  const rng = options.rng ?? defaultRng();
  const data = allocArray(dtype, sizeOf(dims), op);
  for (let i = 0; i < data.length; i++) data[i] = draw(rng);
  return fromData(data, dims, dtype, options.requiresGrad ?? false);
}

/** Uniform values in [low, high) (default [0, 1)). */
export function rand(shape: readonly number[], options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const low = checkFinite('rand', 'low', options.low ?? 0);
  const span = checkFinite('rand', 'high', options.high ?? 1) - low;
  return random('rand', shape, options, (r) => low + span * r.uniform());
}

/** Normal values with the given mean and std (default 0, 1). */
export function randn(shape: readonly number[], options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const mean = checkFinite('randn', 'mean', options.mean ?? 0);
  const std = checkFinite('randn', 'std', options.std ?? 1);
  if (std < 0) throw new ArgumentError(`randn: std ${std} must be non-negative`);
  return random('randn', shape, options, (r) => mean + std * r.normal());
}

/** Uniform integers in [low, high), int32. */
export function randint(low: number, high: number, shape: readonly number[], options: Omit<RandomOptions, 'dtype'> = {}): Tensor<'int32'> {
  for (const [param, v] of [
    ['low', low],
    ['high', high],
  ] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX + 1) {
      throw new ArgumentError(`randint: ${param} must be an integer in int32 range, got ${typeof v === 'number' ? v : describeValue(v)}`);
    }
  }
  if (!(high > low)) throw new ArgumentError(`randint: high ${high} must exceed low ${low}`);
  return random('randint', shape, { ...options, dtype: 'int32' }, (r) => r.int(low, high)) as Tensor<'int32'>;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
