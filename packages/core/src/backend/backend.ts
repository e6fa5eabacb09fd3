/**
 * The backend contract.
 *
 * A backend is a plain object of kernels over opaque storage handles. Core
 * owns shapes, dtypes, broadcasting rules, layouts, autograd and memory
 * scopes; a backend only moves numbers.
 *
 * Layouts: a tensor is a view (shape, element strides, element offset) of a
 * handle, so transpose, permute, expand, slice, flip and reshape allocate
 * nothing. Core computes every layout once (layout.ts):
 * - `binary` and `where` read their inputs through a `StridedInput` each:
 *   core has broadcast every input to the output shape (stride 0 on
 *   broadcast axes) and collapsed the axes that all inputs walk
 *   contiguously, so a backend writes no broadcasting of its own.
 * - Every other kernel gets dense inputs: row-major, offset 0, exactly the
 *   tensor's elements. Core copies a view that is not dense through the
 *   `strided` kernel first (Tensor.handle), once per view.
 * - Every output is a fresh dense handle.
 *
 * Rules every implementation follows:
 * - Kernels are issued synchronously and return a new handle at once; the work
 *   may run later (a GPU queues it). Inputs are never modified.
 * - `read` is the only way back to JS and is asynchronous; `readSync` exists
 *   only where the backend can honour it.
 * - `free` releases a handle exactly once; core guarantees no use after free.
 * - Shapes and sizes passed in are already validated by core: kernels do not
 *   re-check them.
 * - The `RequiredKernels` type names every primitive, so a backend missing one
 *   does not compile. `FusedKernels` are optional fast paths; core falls back
 *   to compositions of required kernels when one is absent.
 */

export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed array that holds each dtype (bool as 0/1 bytes). */
export type DataArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The typed array of each dtype, by name. */
export interface DataTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/**
 * What `tensor.data()` resolves to for a tensor of dtype D: `Int32Array` for
 * a `Tensor<'int32'>`, and so on. A tensor whose dtype the types do not know
 * (`Tensor`, any dtype) reads as Float32Array, the common case, as before;
 * pass the array type (`data<Int32Array>()`) when you know better.
 */
export type DataFor<D extends DType> = DType extends D ? Float32Array : DataTypeMap[D];

/** Opaque storage owned by a backend. Core never looks inside. */
export interface Handle {
  readonly __tensileHandle?: unknown;
}

export type Shape = readonly number[];

/**
 * One input of an elementwise kernel (binary, where), laid out by core over
 * the kernel's iteration shape: element (i_0, …, i_{r-1}) is
 * `handle[offset + Σ i_k · strides[k]]`. Strides and offset count elements;
 * a stride is 0 along an axis the input is broadcast over, and negative on a
 * flipped view. The handle may hold more elements than the view reads (a
 * slice), and inputs may share a handle.
 *
 * Core collapses the layout first: size-1 axes are dropped and neighbouring
 * axes that every input walks contiguously are merged (rank ≥ 1). So
 * same-shape dense inputs arrive as rank 1 with strides [1] and offset 0, a
 * scalar operand with strides [0], a bias add as [rows, cols] with strides
 * [0, 1]: the fast paths are `shape.length === 1` checks. A kernel must
 * still be correct for any layout (backend tests pass uncollapsed ones).
 */
export interface StridedInput {
  readonly handle: Handle;
  readonly strides: readonly number[];
  readonly offset: number;
}

// Elementwise unary ops are declared in core's op table, with their per-op rules.
import type { FusedUnaryOp, KernelUnaryOp, RequiredUnaryOp, UnaryOp } from '../ops/unary-table.js';

export type { FusedUnaryOp, KernelUnaryOp, RequiredUnaryOp, UnaryOp };

// Elementwise binary ops are declared in core's op table, with their per-op rules.
import type { BinaryOp } from '../ops/binary-table.js';

export type { BinaryOp };

// Reductions are declared in core's reduce table; ReduceOp is its kernel ops, with their rules.
import type { ReduceOp } from '../ops/reduce-table.js';

export type { ReduceOp };

// Scans are declared in core's scan table; ScanOp is its kernel ops, with their rules.
import type { ScanOp } from '../ops/scan-table.js';

export type { ScanOp };

/** The two outputs of the sort kernel, both [outer, size, inner]. */
export interface SortResult {
  /** The sorted values, x's dtype. */
  values: Handle;
  /** int32: for each sorted value, its position in [0, size) along the sorted axis of x. */
  indices: Handle;
}

/** A batched matrix product: out[b] = op(a[b]) · op(b[b]), op = transpose when the flag is set. */
export interface MatmulParams {
  /** Number of matrices in the batch (1 for a plain matmul). */
  batch: number;
  /** Rows of op(a) and of the output. */
  m: number;
  /** Inner dimension. */
  k: number;
  /** Columns of op(b) and of the output. */
  n: number;
  /** a is stored as [batch, k, m] instead of [batch, m, k]. */
  transA: boolean;
  /** b is stored as [batch, n, k] instead of [batch, k, n]. */
  transB: boolean;
  /** false when a holds one matrix shared by every batch entry. */
  aBatched: boolean;
  /** false when b holds one matrix shared by every batch entry. */
  bBatched: boolean;
}

/**
 * Geometry of a 2-D sliding window over NCHW input (conv2d and pooling).
 * out[oh] reads input rows oh*strideH - padTop + i*dilationH, i < kh; reads
 * outside the input give the pad value.
 */
export interface Conv2dGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

/**
 * The folds of the scatterReduce kernel. `set` keeps the last source written
 * to an element; `sum`, `prod`, `max` and `min` combine all of them.
 */
export type ScatterReduceOp = 'set' | 'sum' | 'prod' | 'max' | 'min';

/** The geometry of scatterReduce: x viewed as [outer, n, inner], src and index as [outer, m, inner]. */
export interface ScatterParams {
  outer: number;
  /** Length of x's (and the output's) scattered axis. */
  n: number;
  /** Length of src's and index's scattered axis. */
  m: number;
  inner: number;
  /** Whether x's own value starts the fold of an element some index names (ignored by `set`). */
  includeSelf: boolean;
}

/** What a backend reports about its memory. */
export interface BackendMemory {
  /** Handles allocated and not yet freed. */
  liveHandles: number;
  /** Bytes held by those handles. */
  liveBytes: number;
  /** Bytes the backend holds in total (pools, heap), where it knows. */
  reservedBytes?: number;
}

export interface RequiredKernels {
  /** Copies host data into a new handle. */
  upload(data: DataArray, dtype: DType): Handle;
  /** A new handle of `size` elements, all equal to `value`. */
  fill(size: number, value: number, dtype: DType): Handle;
  /** Reads a handle back; resolves after all queued work on it is done. */
  read(x: Handle, dtype: DType, size: number): Promise<DataArray>;
  free(x: Handle): void;

  /**
   * Core calls it only with a RequiredUnaryOp (the ops without a composite in
   * its table); a backend may type its parameter so, and leave the others out.
   */
  unary(op: KernelUnaryOp, x: Handle, dtype: DType, size: number): Handle;
  /**
   * out[i] = a[i] (op) b[i] over the iteration `shape`, out dense row-major
   * with sizeOf(shape) elements (bool for comparisons and logic ops); a and b
   * are laid out by core (see StridedInput). `dtype` is the inputs' dtype.
   */
  binary(op: BinaryOp, a: StridedInput, b: StridedInput, shape: Shape, dtype: DType): Handle;
  /** out[i] = cond[i] ? a[i] : b[i] over the iteration `shape` (cond bool; a, b of dtype); laid out as binary's. */
  where(cond: StridedInput, a: StridedInput, b: StridedInput, shape: Shape, dtype: DType): Handle;
  cast(x: Handle, from: DType, to: DType, size: number): Handle;

  reduce(op: ReduceOp, x: Handle, dtype: DType, outer: number, size: number, inner: number): Handle;
  /** An inclusive scan (cumulative sum, product or logsumexp) along the middle axis of [outer, size, inner]; see ScanOp. */
  scan(op: ScanOp, x: Handle, dtype: DType, outer: number, size: number, inner: number): Handle;
  /**
   * A stable sort of each row along the middle axis of x viewed as
   * [outer, size, inner] (rows are x[o, :, j]); dtype is float32, float64 or
   * int32 (core casts bool to int32 first).
   *
   * - Ascending, or descending when `descending` is true.
   * - Stable in both directions: equal values keep their input order
   *   (descending is not the reverse of ascending). -0 and +0 are equal.
   * - NaN sorts as larger than +Inf: last when ascending, first when
   *   descending; NaNs among themselves keep their input order.
   * - size 0 or an empty tensor gives empty results.
   */
  sort(x: Handle, dtype: DType, outer: number, size: number, inner: number, descending: boolean): SortResult;
  matmul(a: Handle, b: Handle, dtype: DType, p: MatmulParams): Handle;

  /**
   * A dense copy of a strided view: out[i0..id] = x[offset + Σ i_j * strides[j]].
   * Strides may be 0 (broadcast) or negative (flip). Core calls it to make a
   * view dense, with the layout collapsed as for binary (rank ≥ 1), but any
   * layout must copy correctly.
   */
  strided(x: Handle, dtype: DType, outShape: Shape, strides: Shape, offset: number): Handle;
  /** Inputs viewed as [outer, widths[i]]; out is [outer, Σ widths]. */
  concat(xs: readonly Handle[], dtype: DType, outer: number, widths: readonly number[]): Handle;
  /** Constant padding: out shape is before[d] + shape[d] + after[d] per axis (all ≥ 0). */
  pad(x: Handle, dtype: DType, shape: Shape, before: Shape, after: Shape, value: number): Handle;

  /** x as [outer, n, inner], indices int32 of length m (all in [0, n)) -> [outer, m, inner]. */
  gather(x: Handle, dtype: DType, outer: number, n: number, inner: number, indices: Handle, m: number): Handle;
  /** src as [outer, m, inner]; out is [outer, n, inner] zeros with src[:, j] added at indices[j]. */
  scatterAdd(src: Handle, dtype: DType, outer: number, m: number, inner: number, indices: Handle, n: number): Handle;
  /**
   * Scatter along the middle axis with one index per source element
   * (torch.scatter, scatter_add, scatter_reduce, index_put). x is
   * [outer, n, inner]; src (x's dtype) and index (int32) are [outer, m, inner];
   * the output has x's shape. Each source src[o, k, i] goes to the output
   * element [o, index[o, k, i], i]:
   * - an element that no index names keeps x's value;
   * - an element some index names folds its sources with `op` in increasing
   *   k, starting from x's value when `includeSelf`, else from the op's
   *   identity (0, 1, -Infinity, +Infinity; for int32 0, 1, -2³¹, 2³¹-1), as
   *   PyTorch does. So float sums are sequential sums in that order (the same
   *   bits on every backend), and int32 sums and products wrap (two's complement).
   * - `set` keeps the source with the largest k: the last write wins, a
   *   deterministic choice where PyTorch leaves duplicates undefined.
   * - `max`/`min` propagate NaN: once a NaN is folded in, the element is NaN.
   * dtype is float32, float64 or int32 (core casts bool to int32 first).
   * Index values are in [0, n) (core checks them where the backend reads
   * synchronously); a backend skips a source whose index is outside [0, n)
   * and never writes out of bounds. m = 0 returns a copy of x.
   */
  scatterReduce(op: ScatterReduceOp, x: Handle, src: Handle, index: Handle, dtype: DType, p: ScatterParams): Handle;

  /** x NCHW -> columns [n, c*kh*kw, outH*outW]; row index is (ci*kh + i)*kw + j. */
  im2col(x: Handle, dtype: DType, g: Conv2dGeometry, padValue: number): Handle;
  /** The adjoint of im2col: columns [n, c*kh*kw, outH*outW] summed back into NCHW [n, c, h, w]. */
  col2im(cols: Handle, dtype: DType, g: Conv2dGeometry): Handle;
}

/** Fast paths a backend may provide; each must equal its composition. */
export interface FusedKernels {
  /**
   * A unary op core can compose (sigmoid, tanh, relu, square, rsqrt, expm1,
   * log1p: those with a `composite` in the table), in one kernel; null where
   * this backend does not fuse that op for that dtype, and core composes it.
   */
  fusedUnary?(op: FusedUnaryOp, x: Handle, dtype: DType, size: number): Handle | null;
  /** min(max(x, lo), hi), so lo > hi gives hi everywhere (PyTorch); NaN stays NaN. int32 gets integer bounds. */
  clamp?(x: Handle, dtype: DType, size: number, lo: number, hi: number): Handle;
  /**
   * out[i] = a[i] + alpha·b[i] over `size` dense elements of float dtype
   * (add's and sub's `alpha`; core passes -alpha for sub): alpha rounded to
   * dtype, then the product and the sum each rounded, never one FMA, so it
   * equals core's mul then add bit for bit.
   */
  addScaled?(a: Handle, b: Handle, alpha: number, dtype: DType, size: number): Handle;
  /** out = act(a·b + bias), bias of length n broadcast over rows. */
  matmulBias?(a: Handle, b: Handle, bias: Handle, dtype: DType, p: MatmulParams, activation: 'none' | 'relu'): Handle;
  /** Softmax over the last axis of x viewed as [rows, cols]. */
  softmax?(x: Handle, dtype: DType, rows: number, cols: number): Handle;
  /** Log-softmax over the last axis of x viewed as [rows, cols]. */
  logSoftmax?(x: Handle, dtype: DType, rows: number, cols: number): Handle;
  /** conv2d NCHW: x [n,c,h,w], w [o, c/groups, kh, kw] -> [n, o, outH, outW]. No bias. */
  conv2d?(x: Handle, w: Handle, dtype: DType, g: Conv2dGeometry, outChannels: number, groups: number): Handle;
  /** Gradient of conv2d with respect to x, from dy [n, o, outH, outW]. */
  conv2dBackwardInput?(dy: Handle, w: Handle, dtype: DType, g: Conv2dGeometry, outChannels: number, groups: number): Handle;
  /** Gradient of conv2d with respect to w, from x and dy. */
  conv2dBackwardFilter?(x: Handle, dy: Handle, dtype: DType, g: Conv2dGeometry, outChannels: number, groups: number): Handle;
  /**
   * Max pooling of x (float) viewed as g.n planes of g.h × g.w (core passes
   * g.c = 1): each window's maximum, [g.n, outH·outW], and (int32) the plane
   * index h·W + w of its first maximum. NaN counts as the largest, so it
   * propagates; a window whose entries are all -∞ names its first entry
   * inside the plane. Core scatters the gradient back by these indices.
   */
  maxPool2d?(x: Handle, dtype: DType, g: Conv2dGeometry): MaxPoolResult;
  /**
   * Batch normalisation of x (float, dense) viewed as [p.n, p.c, p.inner],
   * per channel c over n and inner, y = (x - mean) / sqrt(var + p.eps) ·
   * weight + bias; weight and bias ([c], x's dtype) are null when absent
   * (scale 1, shift 0). Training (`stats` null): mean and the biased variance
   * come from the batch and are returned with y ([c] each). Evaluation: they
   * are `stats` ([c], x's dtype) and only y is used. Null where the backend
   * declines (a dtype, no library, a geometry); core then composes. Must
   * equal the composition x.mean / x.sub(mean).square().mean / rsqrt up to
   * the dtype's rounding.
   */
  batchNormForward?(
    x: Handle,
    weight: Handle | null,
    bias: Handle | null,
    stats: BatchNormStats | null,
    dtype: DType,
    p: BatchNormParams,
  ): BatchNormForwardResult | null;
  /**
   * The training-mode gradient of batchNormForward, from dy (x's layout), x,
   * and the batch's mean and biased variance that the forward returned: with
   * x̂ = (x - mean)·invstd, invstd = 1/sqrt(var + eps), M = n·inner,
   * dx = weight·invstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)), dweight = Σ dy·x̂,
   * dbias = Σdy (sums per channel), all three always (weight null: scale 1).
   * Null where the backend declines; core then composes.
   * Must equal that composition. Core calls it only when no gradient graph is
   * being built (its result is not differentiable).
   */
  batchNormBackward?(
    dy: Handle,
    x: Handle,
    stats: BatchNormStats,
    weight: Handle | null,
    dtype: DType,
    p: BatchNormParams,
  ): BatchNormBackwardResult | null;
}

/** The geometry of the batch-norm kernels: x viewed as [n, c, inner], normalised per channel. */
export interface BatchNormParams {
  n: number;
  c: number;
  inner: number;
  /** Added to the variance before the square root. */
  eps: number;
}

/** Per-channel statistics, [c] each: the mean and the biased variance. */
export interface BatchNormStats {
  mean: Handle;
  variance: Handle;
}

/** What batchNormForward returns: y (x's layout); in training the batch's statistics too. */
export interface BatchNormForwardResult {
  y: Handle;
  /** The batch's mean and biased variance, [c]; absent in evaluation. */
  stats?: BatchNormStats;
}

/** What batchNormBackward returns: dx (x's layout), dweight and dbias ([c]). */
export interface BatchNormBackwardResult {
  dx: Handle;
  dweight: Handle;
  dbias: Handle;
}

/** What the maxPool2d kernel returns. */
export interface MaxPoolResult {
  values: Handle;
  indices: Handle;
}

export interface Backend extends RequiredKernels, FusedKernels {
  /** A short name: 'cpu', 'wasm', 'webgpu', or a third party's. */
  readonly name: string;
  /** The dtypes this backend stores; float32, int32 and bool are required. */
  readonly dtypes: readonly DType[];
  /** Synchronous read, only where the backend can honour it. */
  readSync?(x: Handle, dtype: DType, size: number): DataArray;
  memory(): BackendMemory;
  /** Releases everything the backend holds (workers, devices, pools). */
  dispose?(): void | Promise<void>;
}

/** How packages hand a backend to core: a factory that may need to await (wasm, webgpu). */
export type BackendFactory = () => Backend | Promise<Backend>;
