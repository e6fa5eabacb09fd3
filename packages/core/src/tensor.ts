import type { Backend, DataArray, DataFor, DType, Handle } from './backend/backend.js';
import { engine, resolveBackend } from './engine.js';
import { traceReadOut } from './flow.js';
import { isFloat } from './dtype.js';
import { ArgumentError, DTypeError, fmtShape } from './errors.js';
import type { BackwardOptions } from './autograd.js';
import { TENSOR_BRAND, brandPrototype, hasBrand } from './brand.js';
import type { GraphNode } from './node.js';
import type { MatmulOptions } from './ops/matmul.js';
import type { Axes, ValuesIndices, VarOptions } from './ops/reduce.js';
import type { ReduceMethods } from './ops/reduce-table.js';
import type { ScanMethods } from './ops/scan-table.js';
import type { NormOrder } from './ops/norm.js';
import type { TensorLike } from './ops/util.js';
import type { BinaryMethods } from './ops/binary-table.js';
import type { ComposedMethods } from './ops/composed-methods.js';
import type { UnaryMethods } from './ops/unary-table.js';
import type { MovementMethods } from './ops/movement-table.js';
import type { IndexingMethods } from './ops/indexing-table.js';
import { collapseLayout, isDense, isRowMajor, reshapeStrides } from './layout.js';
import { sizeOf, stridesOf } from './shape.js';
import { Storage } from './storage.js';

// `Symbol.dispose` (so that `using x = …` frees a tensor) is declared by
// lib.esnext.disposable and by @types/node. A consumer with neither (lib
// ["es2022"], or ["es2022", "dom"] in a browser project) would fail to compile
// our .d.ts, so we declare it too: the declarations are identical and merge.
declare global {
  interface SymbolConstructor {
    /** The method `using` calls when its block ends (explicit resource management). */
    readonly dispose: unique symbol;
  }
}

/**
 * An n-dimensional array on a backend that records the ops applied to it
 * when it requires a gradient. It is a view of a refcounted storage: shape,
 * element strides and an element offset (layout.ts), so that transpose,
 * permute, expand, slice, flip and reshape share their input's storage and
 * allocate nothing. The methods are defined in
 * tensor-methods.ts so this file stays about identity and lifetime.
 *
 * D is the dtype where the types know it (`t.tensor(data, { dtype: 'int32' })`,
 * `x.argmax()`, `x.eq(y)`, `x.cast('float64')`), so `data()` resolves to the
 * matching typed array; a plain `Tensor` is a tensor of any dtype.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface below declares the methods tensor-methods.ts installs on the prototype
export class Tensor<D extends DType = DType> {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: D;
  readonly size: number;
  /** @internal */ _requiresGrad = false;
  /** @internal */ _grad: Tensor | null = null;
  /** An optional name (parameters get theirs), shown in errors and reports. */
  name?: string;

  /** @internal */ _storage: Storage;
  /** @internal Element strides of this view of the storage (row-major when dense). */
  _strides: readonly number[];
  /** @internal Element offset of this view's first element in the storage. */
  _offset: number;
  /** @internal */ _node: GraphNode | null = null;
  /** @internal One reference for the user, one per graph node that reads this tensor. */
  _refs = 1;
  /** @internal */ _disposed = false;
  /** @internal Set by keep(): tidy() leaves it alone. */
  _kept = false;

  static {
    brandPrototype(this.prototype, TENSOR_BRAND);
  }

  /**
   * `x instanceof Tensor` also holds for tensors made by another copy of
   * @tensile/core (a nested dependency, a second bundle): they share the engine.
   */
  static [Symbol.hasInstance](value: unknown): value is Tensor {
    return isTensor(value);
  }

  /** @internal Use the creation functions (tensor, zeros, …) instead. */
  constructor(storage: Storage, shape: readonly number[], dtype: D, strides?: readonly number[], offset = 0) {
    this._storage = storage;
    this.shape = Object.freeze([...shape]);
    this._strides = strides ? [...strides] : stridesOf(shape);
    this._offset = offset;
    this.dtype = dtype;
    this.size = sizeOf(shape);
    const e = engine();
    this.id = e.nextId++;
    e.track(this);
  }

  /**
   * Whether ops on this tensor are recorded for backward. Only floating-point
   * tensors can require gradients (as in PyTorch): setting it on an int32 or
   * bool tensor throws DTypeError.
   */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (value && !isFloat(this.dtype)) {
      throw new DTypeError(`requiresGrad: only floating-point tensors can require gradients, not ${this.dtype} ${fmtShape(this.shape)}`);
    }
    this._requiresGrad = Boolean(value);
  }

  /**
   * The accumulated gradient of a leaf after backward(); owned by this tensor.
   * Setting it (to null or another tensor) disposes the previous one.
   */
  get grad(): Tensor | null {
    return this._grad;
  }

  set grad(value: Tensor | null) {
    if (this._grad && this._grad !== value) this._grad.dispose();
    this._grad = value;
  }

  get rank(): number {
    return this.shape.length;
  }

  get backend(): Backend {
    return this._storage.backend;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * @internal The backend handle holding exactly this tensor's values, dense
   * and row-major from element 0, checked to be alive: what every kernel but
   * binary/where takes. A view that is not dense is first copied by the
   * backend's `strided` kernel into storage of its own, once: the tensor
   * keeps the copy and lets go of the shared storage.
   */
  handle(op: string): Handle {
    this.assertUsable(op);
    if (!isDense(this.shape, this._strides, this._offset, this._storage.size)) this.materialize();
    return this._storage.handle;
  }

  /** @internal The raw storage handle of this view (read through _strides and _offset), checked to be alive. */
  storageHandle(op: string): Handle {
    this.assertUsable(op);
    return this._storage.handle;
  }

  /** Element strides of this tensor's view of its storage, like PyTorch's `x.stride()`. */
  stride(): number[] {
    return [...this._strides];
  }

  /** Whether the elements lie in row-major order, one after another (PyTorch's `is_contiguous`). */
  isContiguous(): boolean {
    return isRowMajor(this.shape, this._strides);
  }

  /** Replaces a view by a dense copy of its values (same tensor, same values). */
  private materialize(): void {
    const b = this.backend;
    const c = collapseLayout(this.shape, [this._strides]);
    const h = b.strided(this._storage.handle, this.dtype, c.shape, c.strides[0], this._offset);
    const old = this._storage;
    this._storage = new Storage(b, h, this.dtype, this.size);
    this._strides = stridesOf(this.shape);
    this._offset = 0;
    old.release();
  }

  /**
   * Values as a typed array (Float32Array for float32, Int32Array for int32,
   * Uint8Array for bool…), on every backend. Typed by the tensor's dtype
   * where the types know it (see DataFor).
   */
  async data<T extends DataArray = DataFor<D>>(): Promise<T> {
    this.assertUsable('data');
    traceReadOut(this);
    return (await this.backend.read(this.handle('data'), this.dtype, this.size)) as T;
  }

  /** Synchronous read, only on backends that can honour it (cpu, wasm). */
  dataSync<T extends DataArray = DataFor<D>>(): T {
    this.assertUsable('dataSync');
    traceReadOut(this);
    const b = this.backend;
    if (!b.readSync) {
      throw new ArgumentError(`dataSync: backend '${b.name}' reads asynchronously; use await tensor.data()`);
    }
    return b.readSync(this.handle('dataSync'), this.dtype, this.size) as T;
  }

  /** Values as nested arrays of numbers (booleans for bool). */
  async toArray(): Promise<unknown> {
    const flat = await this.data<DataArray>();
    return nest(flat, this.shape, this.dtype === 'bool');
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new ArgumentError(`item: tensor has ${this.size} elements ${fmtShape(this.shape)}, not 1`);
    return (await this.data<DataArray>())[0];
  }

  /**
   * @internal Throws when the storage is gone. A tensor disposed by the user
   * (or tidy) but still read by an autograd graph stays usable until backward.
   */
  assertUsable(op: string): void {
    if (this._refs === 0) throw new ArgumentError(`${op}: tensor #${this.id} ${fmtShape(this.shape)} was disposed`);
  }

  /** Frees the tensor (its storage goes once no autograd graph needs it). Safe to call twice. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    engine().untrack(this);
    releaseRef(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * This tensor on another backend (an object or a registered name), like
   * PyTorch's `.to(device)`: the values are read back and uploaded. Returns
   * this tensor itself when it already lives there (as PyTorch does), else a
   * new leaf with the same shape, dtype and requiresGrad. No gradient flows
   * across backends (the read is asynchronous, backward is not), so a
   * computed tensor that requires gradients is refused: move the leaves
   * (parameters, inputs) or `detach()` first. Throws before reading when this
   * tensor was disposed.
   *
   * @example
   * const g = await x.to('webgpu');
   */
  async to(backend: Backend | Promise<Backend> | string): Promise<Tensor<D>> {
    this.assertUsable('to');
    const b = await resolveBackend('to', backend);
    if (b === this.backend) return this;
    if (this._requiresGrad && this._node) {
      throw new ArgumentError(
        `to: tensor #${this.id} ${fmtShape(this.shape)} is computed and requires gradients, which do not flow across backends; ` +
          'move the leaves (parameters, inputs) instead, or detach() it first',
      );
    }
    const y = new Tensor(await uploadTo(b, this), this.shape, this.dtype);
    y._requiresGrad = this._requiresGrad;
    y.name = this.name;
    return y;
  }

  /**
   * @internal Moves the values (and the gradient) to `backend` in place,
   * keeping this object, so that holders of it (optimizers) see the move.
   * Used by Module.to(backend). Only for leaves: a graph recorded on the old
   * backend would mix backends in backward.
   */
  async _moveTo(backend: Backend): Promise<void> {
    this.assertUsable('to');
    if (backend === this.backend) return;
    const storage = await uploadTo(backend, this);
    const grad = this._grad ? await this._grad.to(backend) : null;
    const old = this._storage;
    this._storage = storage;
    this._strides = stridesOf(this.shape);
    this._offset = 0;
    old.release();
    if (this._grad && grad !== this._grad) {
      this._grad.dispose();
      this._grad = grad;
    }
  }

  /** Drops the accumulated gradient. */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }

  /** A summary for JSON.stringify and test reporters (a tensor's graph is too deep to serialise). */
  toJSON(): { tensor: number; shape: readonly number[]; dtype: DType } {
    return { tensor: this.id, shape: this.shape, dtype: this.dtype };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

/** Method-style ops, implemented in tensor-methods.ts (declaration merging keeps them on the class type). */
// The unary and binary methods (neg, tanh, isNaN, add, eq, logicalAnd, …) come from core's op tables (ops/unary-table.ts, ops/binary-table.ts),
// the reductions (sum, mean, amax, any, argmax, …) from ops/reduce-table.ts, the scans (cumsum, …) from ops/scan-table.ts.
// biome-ignore lint/correctness/noUnusedVariables: merging requires the class's type parameters, used or not
export interface Tensor<D extends DType = DType>
  extends UnaryMethods,
    BinaryMethods,
    ComposedMethods,
    ReduceMethods,
    ScanMethods,
    IndexingMethods,
    MovementMethods {
  /** Division rounded toward −∞ (PyTorch's `//`); int32 stays int32. */
  floorDivide(b: TensorLike): Tensor;
  logicalXor(b: Tensor): Tensor<'bool'>;
  clamp(min?: number | null, max?: number | null): Tensor;
  /** The largest value of all (ties share the gradient, as amax). */
  max(): Tensor;
  /** Along one dimension: the values and their first indices (PyTorch's max(dim)); the gradient goes to that index. */
  max(dim: number, keepdim?: boolean): ValuesIndices;
  /** Over a list of axes (all when null): as amax. */
  max(axes: readonly number[] | null | undefined, keepdims?: boolean): Tensor;
  /** The smallest value of all (ties share the gradient, as amin). */
  min(): Tensor;
  /** Along one dimension: the values and their first indices (PyTorch's min(dim)); the gradient goes to that index. */
  min(dim: number, keepdim?: boolean): ValuesIndices;
  /** Over a list of axes (all when null): as amin. */
  min(axes: readonly number[] | null | undefined, keepdims?: boolean): Tensor;
  /** Stable sort along dim (last by default): values and int32 indices; NaN sorts as the largest. */
  sort(dim?: number, descending?: boolean): ValuesIndices;
  /** The int32 indices of a stable sort along dim. */
  argsort(dim?: number, descending?: boolean): Tensor<'int32'>;
  /** The k largest (or smallest) entries along dim, sorted, with their indices. */
  topk(k: number, dim?: number, largest?: boolean, sorted?: boolean): ValuesIndices;
  /** The k-th smallest entry (k from 1) along dim, with its index. */
  kthvalue(k: number, dim?: number, keepdim?: boolean): ValuesIndices;
  /** The median of all entries (the lower middle; NaN if any is NaN). */
  median(): Tensor;
  /** The median along dim (the lower middle), with its index. */
  median(dim: number, keepdim?: boolean): ValuesIndices;
  /** The median of all entries that are not NaN. */
  nanmedian(): Tensor;
  /** The median along dim of the entries that are not NaN, with its index. */
  nanmedian(dim: number, keepdim?: boolean): ValuesIndices;
  /** The p-norm over dim (all axes when omitted): a number, ±Infinity, 0 or 'fro' (the 2-norm, default). */
  norm(p?: NormOrder, dim?: Axes, keepdim?: boolean): Tensor;
  var(axis?: Axes, options?: VarOptions): Tensor;
  std(axis?: Axes, options?: VarOptions): Tensor;
  softmax(axis?: number): Tensor;
  logSoftmax(axis?: number): Tensor;
  matmul(b: Tensor, options?: MatmulOptions): Tensor;
  linear(weight: Tensor, bias?: Tensor | null): Tensor;
  // reshape, flatten, squeeze, unsqueeze, permute, transpose, expand, slice, narrow and flip come from ops/movement-table.ts.
  view(shape: readonly number[]): Tensor;
  /** The transpose of a matrix (the last two axes). */
  readonly T: Tensor;
  pad(pads: readonly (readonly [number, number])[], value?: number): Tensor;
  split(sizes: number | readonly number[], axis?: number): Tensor[];
  /** The indices of the nonzero entries, one int32 tensor [count] per axis (see t.nonzero). */
  nonzero(options: { asTuple: true }): Tensor<'int32'>[];
  nonzero(options?: { asTuple?: false }): Tensor<'int32'>;
  nonzeroAsync(options: { asTuple: true }): Promise<Tensor<'int32'>[]>;
  nonzeroAsync(options?: { asTuple?: false }): Promise<Tensor<'int32'>>;
  /** this where cond holds, other elsewhere (PyTorch's x.where(cond, y)). */
  where(cond: Tensor, other: TensorLike): Tensor;
  cast<To extends DType>(dtype: To): Tensor<To>;
  clone(): Tensor;
  /** This tensor when its elements lie in row-major order, else a dense copy (PyTorch's `contiguous`). */
  contiguous(): Tensor;
  /** The same values cut from the autograd graph (shares storage). */
  detach(): Tensor;
  zerosLike(): Tensor;
  onesLike(): Tensor;
  fullLike(value: number): Tensor;
  /** Backpropagates from this tensor (a scalar, or pass a seed gradient of its shape). */
  backward(seedOrOptions?: Tensor | BackwardOptions | null, options?: BackwardOptions): void;
}

/** Whether value is a tensor of any copy of @tensile/core. */
export function isTensor(value: unknown): value is Tensor {
  return hasBrand(value, TENSOR_BRAND);
}

/** x's values in fresh storage on backend b (read back, then uploaded). */
async function uploadTo(b: Backend, x: Tensor): Promise<Storage> {
  const values = await x.backend.read(x.handle('to'), x.dtype, x.size);
  return new Storage(b, b.upload(values, x.dtype), x.dtype, x.size);
}

/** @internal Wraps a fresh backend handle as a tensor. */
export function fromHandle(backend: Backend, handle: Handle, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(new Storage(backend, handle, dtype, sizeOf(shape)), shape, dtype);
}

/**
 * @internal A view sharing x's storage: `shape` read with `strides` from
 * element `offset`. By default x's own layout, reshaped to `shape` (which
 * must then be possible without a copy, see reshapeStrides). Allocates nothing.
 */
export function viewOf(x: Tensor, shape: readonly number[], strides?: readonly number[], offset = x._offset): Tensor {
  const s = strides ?? reshapeStrides(x.shape, x._strides, shape);
  if (!s)
    throw new ArgumentError(
      `view: ${fmtShape(x.shape)} with strides ${fmtShape(x._strides)} cannot be viewed as ${fmtShape(shape)}; reshape copies`,
    );
  return new Tensor(x._storage.retain(), shape, x.dtype, s, offset);
}

/** @internal Drops one reference; frees storage and releases graph nodes when none is left. */
export function releaseRef(t: Tensor): void {
  const stack: Tensor[] = [t];
  while (stack.length) {
    const x = stack.pop()!;
    if (--x._refs > 0) continue;
    x._storage.release();
    engine().liveTensors--;
    x.grad = null;
    const node = x._node;
    x._node = null;
    if (node) stack.push(...node.inputs, ...node.saved);
  }
}

function nest(flat: DataArray, shape: readonly number[], asBool: boolean): unknown {
  const conv = (v: number) => (asBool ? v !== 0 : v);
  if (shape.length === 0) return conv(flat[0]);
  const build = (offset: number, axis: number): unknown[] => {
    const n = shape[axis];
    if (axis === shape.length - 1) return Array.from(flat.subarray(offset, offset + n), conv);
    const step = sizeOf(shape.slice(axis + 1));
    return Array.from({ length: n }, (_, i) => build(offset + i * step, axis + 1));
  };
  return build(0, 0);
}
