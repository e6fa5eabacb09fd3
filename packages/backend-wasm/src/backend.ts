import { BackendError, DTypeError } from '@tensile/core';
import type {
  Backend,
  BackendMemory,
  BinaryOp,
  Conv2dGeometry,
  DataArray,
  DType,
  Handle,
  MatmulParams,
  ReduceOp,
  Shape,
  UnaryOp,
} from '@tensile/core';
import { DTYPE_CODE, DTYPES, ELEMENT_SIZE } from './dtypes.js';
import { Heap, type Block } from './heap.js';
import { broadcastStrides, collapse, layoutDesc, layoutRows, sizeOf, type Layout } from './layout.js';
import { statusText, type KernelExports, type TaskName } from './module.js';
import type { ThreadPool } from './pool.js';

const UNARY_CODE: Record<UnaryOp, number> = {
  neg: 0, abs: 1, sign: 2, square: 3, exp: 4, log: 5, log1p: 6, expm1: 7, sqrt: 8, rsqrt: 9,
  reciprocal: 10, sin: 11, cos: 12, tanh: 13, sigmoid: 14, erf: 15, relu: 16, floor: 17, ceil: 18,
  round: 19, not: 20, isnan: 21, isinf: 22,
};

const BINARY_CODE: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, mod: 7,
  eq: 8, ne: 9, lt: 10, le: 11, gt: 12, ge: 13, and: 14, or: 15,
};

const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

const REDUCE_CODE: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3, argmax: 4, argmin: 5 };

/** Multiply-adds below which a kernel runs on one thread (waking workers costs ~10-50 µs). */
const THREAD_MIN_WORK = 1 << 17;

/** Bytes of the kernel-argument area; it never moves (pointers into it stay valid for a whole kernel call). */
const ARG_BYTES = 4096;

/** A tensor's storage: a block of the wasm heap. */
class WasmHandle implements Handle {
  declare readonly __tensileHandle?: unknown;
  constructor(readonly block: Block) {}
  get ptr(): number {
    return this.block.ptr;
  }
}

function ptrOf(h: Handle): number {
  return (h as WasmHandle).block.ptr;
}

/**
 * Kernel arguments for one kernel call, appended one after another (8-byte
 * aligned) into the backend's fixed argument area: a pointer handed out
 * earlier in the same call is never moved or overwritten by a later one.
 */
class ArgFrame {
  private top = 0;
  constructor(
    private readonly heap: Heap,
    private readonly base: number,
    private readonly kernel: string,
  ) {}

  private reserve(bytes: number): number {
    const at = this.top;
    this.top = (at + bytes + 7) & ~7;
    if (this.top > ARG_BYTES) {
      throw new BackendError(`wasm backend: ${this.kernel}: arguments need ${this.top} bytes, more than the ${ARG_BYTES}-byte argument area`);
    }
    return this.base + at;
  }

  /** Writes int32 words; returns their pointer. */
  words(words: ArrayLike<number>): number {
    const ptr = this.reserve(words.length * 4);
    this.heap.i32.set(words, ptr / 4);
    return ptr;
  }

  /** Writes one element of `dtype`; returns its pointer. */
  scalar(value: number, dtype: DType): number {
    const ptr = this.reserve(8);
    if (dtype === 'float64') this.heap.f64[ptr / 8] = value;
    else if (dtype === 'float32') this.heap.f32[ptr / 4] = value;
    else if (dtype === 'int32') this.heap.i32[ptr / 4] = value;
    else this.heap.u8[ptr] = value ? 1 : 0;
    return ptr;
  }
}

/**
 * The wasm backend: every tensor lives in one WebAssembly.Memory, every
 * kernel is a call into the C module. Arguments larger than a few numbers are
 * written to a fixed argument area in memory first (`frame`).
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly dtypes: readonly DType[] = DTYPES;
  private readonly argArea: Block;
  private disposed = false;

  constructor(
    private readonly k: KernelExports,
    private readonly heap: Heap,
    private readonly pool: ThreadPool | undefined,
    /** Whether the relaxed-SIMD build (fused multiply-add) runs. */
    readonly relaxedSimd = false,
  ) {
    this.argArea = heap.alloc(ARG_BYTES);
  }

  /** Threads the kernels may use (1 without a pool). */
  get threads(): number {
    return this.pool?.size ?? 1;
  }

  // ---------- memory ----------

  private alloc(size: number, dtype: DType): WasmHandle {
    return new WasmHandle(this.heap.alloc(size * ELEMENT_SIZE[dtype]));
  }

  /** Starts the arguments of one kernel call (the area is reused by the next call). */
  private frame(kernel: string): ArgFrame {
    return new ArgFrame(this.heap, this.argArea.ptr, kernel);
  }

  /**
   * A temporary block for the duration of one kernel. When the thread pool
   * failed during `fn`, a worker may still be writing into it: it is then
   * left allocated rather than handed to the next tensor.
   */
  private withTemp<T>(bytes: number, fn: (ptr: number) => T): T {
    const block = this.heap.alloc(bytes);
    const failedBefore = this.pool?.failed;
    try {
      return fn(block.ptr);
    } finally {
      if (this.pool?.failed === failedBefore) this.heap.free(block);
    }
  }

  /** Runs a task on up to `nt` threads; returns the thread count used. */
  private runTask(task: TaskName, args: number, nt: number): number {
    if (this.pool) return this.pool.run(task, args, nt);
    this.k[task](args, 0, 1);
    return 1;
  }

  private run(task: TaskName, args: number, work: number): void {
    this.runTask(task, args, work >= THREAD_MIN_WORK ? this.threads : 1);
  }

  upload(data: DataArray, dtype: DType): Handle {
    const h = this.alloc(data.length, dtype);
    this.heap.view(dtype).set(data, h.ptr / ELEMENT_SIZE[dtype]);
    return h;
  }

  fill(size: number, value: number, dtype: DType): Handle {
    const h = this.alloc(size, dtype);
    const start = h.ptr / ELEMENT_SIZE[dtype];
    const v = dtype === 'bool' ? (value ? 1 : 0) : value;
    this.heap.view(dtype).fill(v, start, start + size);
    return h;
  }

  readSync(x: Handle, dtype: DType, size: number): DataArray {
    const start = ptrOf(x) / ELEMENT_SIZE[dtype];
    // slice() copies into a fresh (unshared) ArrayBuffer.
    return this.heap.view(dtype).slice(start, start + size);
  }

  read(x: Handle, dtype: DType, size: number): Promise<DataArray> {
    return Promise.resolve(this.readSync(x, dtype, size));
  }

  free(x: Handle): void {
    this.heap.free((x as WasmHandle).block);
  }

  memory(): BackendMemory {
    return {
      liveHandles: this.heap.liveBlocks - this.internalBlocks(),
      liveBytes: this.heap.liveBytes - this.internalBytes(),
      reservedBytes: this.heap.reservedBytes,
    };
  }

  /** Blocks the backend holds for itself: the argument area, worker stacks and control words. */
  private internalBlocks(): number {
    return 1 + (this.pool ? this.pool.blocks.length : 0);
  }
  private internalBytes(): number {
    return this.argArea.bytes + (this.pool ? this.pool.internalBytes : 0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pool?.dispose();
  }

  /**
   * Turns a kernel's nonzero status into a BackendError (freeing `out`):
   * "does not take" for a known op the dtype lacks, else the unknown code.
   */
  private check(status: number, out: Handle, kernel: string, what: string, codes: string): void {
    if (status === 0) return;
    this.free(out);
    if (status === 1) throw new BackendError(`wasm backend: ${kernel} ${what} does not take this dtype (${codes})`);
    throw new BackendError(`wasm backend: kernel ${kernel} failed: ${statusText(status)} (${what}; ${codes})`);
  }

  // ---------- elementwise ----------

  unary(op: UnaryOp, x: Handle, dtype: DType, size: number): Handle {
    const outDtype = op === 'isnan' || op === 'isinf' ? 'bool' : dtype;
    const out = this.alloc(size, outDtype);
    if (size === 0) return out;
    // An op name this table lacks reaches C as -1, which every kernel refuses.
    const code = UNARY_CODE[op] ?? -1;
    const codes = `op code ${code}, dtype ${dtype}`;
    if (size >= THREAD_MIN_WORK * 4 && this.threads > 1) {
      // Validate op/dtype on zero elements before any threading.
      this.check(this.k.unary(code, DTYPE_CODE[dtype], ptrOf(x), out.ptr, 0), out, 'unary', `'${op}'`, codes);
      this.run('task_unary', this.frame('unary').words([code, DTYPE_CODE[dtype], ptrOf(x), out.ptr, size]), size);
    } else {
      this.check(this.k.unary(code, DTYPE_CODE[dtype], ptrOf(x), out.ptr, size), out, 'unary', `'${op}'`, codes);
    }
    return out;
  }

  binary(op: BinaryOp, a: Handle, aShape: Shape, b: Handle, bShape: Shape, outShape: Shape, dtype: DType): Handle {
    const outDtype: DType = COMPARISONS.has(op) || op === 'and' || op === 'or' ? 'bool' : dtype;
    const size = sizeOf(outShape);
    const out = this.alloc(size, outDtype);
    if (size === 0) return out;
    const layout = collapse(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
    const rows = layoutRows(layout);
    const args = this.frame('binary');
    const descPtr = args.words(layoutDesc(layout));
    const code = BINARY_CODE[op] ?? -1;
    // Validate op/dtype on zero rows before any threading.
    const status = this.k.binary(code, DTYPE_CODE[dtype], ptrOf(a), ptrOf(b), out.ptr, descPtr, 0, 0);
    this.check(status, out, 'binary', `'${op}'`, `op code ${code}, dtype ${dtype}`);
    if (size >= THREAD_MIN_WORK * 4 && rows >= this.threads && this.threads > 1) {
      this.run('task_binary', args.words([code, DTYPE_CODE[dtype], ptrOf(a), ptrOf(b), out.ptr, descPtr, rows]), size);
    } else {
      this.k.binary(code, DTYPE_CODE[dtype], ptrOf(a), ptrOf(b), out.ptr, descPtr, 0, rows);
    }
    return out;
  }

  where(
    cond: Handle,
    condShape: Shape,
    a: Handle,
    aShape: Shape,
    b: Handle,
    bShape: Shape,
    outShape: Shape,
    dtype: DType,
  ): Handle {
    const size = sizeOf(outShape);
    const out = this.alloc(size, dtype);
    if (size === 0) return out;
    const layout = collapse(outShape, [condShape, aShape, bShape].map((s) => broadcastStrides(s, outShape)));
    const descPtr = this.frame('where').words(layoutDesc(layout));
    const status = this.k.where(ptrOf(cond), ptrOf(a), ptrOf(b), out.ptr, ELEMENT_SIZE[dtype], descPtr, 0, layoutRows(layout));
    this.check(status, out, 'where', 'select', `dtype ${dtype}`);
    return out;
  }

  clamp(x: Handle, dtype: DType, size: number, lo: number, hi: number): Handle {
    const out = this.alloc(size, dtype);
    this.check(this.k.clamp(DTYPE_CODE[dtype], ptrOf(x), out.ptr, size, lo, hi), out, 'clamp', 'clamp', `dtype ${dtype}`);
    return out;
  }

  /**
   * Converts dtypes. Float -> int32 truncates toward zero and saturates to
   * [-2^31, 2^31 - 1], NaN -> 0 (wasm's i32.trunc_sat; every backend does
   * the same); anything -> bool is x != 0.
   */
  cast(x: Handle, from: DType, to: DType, size: number): Handle {
    const out = this.alloc(size, to);
    const status = this.k.cast(DTYPE_CODE[from] ?? -1, DTYPE_CODE[to] ?? -1, ptrOf(x), out.ptr, size);
    this.check(status, out, 'cast', `${from} -> ${to}`, `dtype codes ${DTYPE_CODE[from]} -> ${DTYPE_CODE[to]}`);
    return out;
  }

  // ---------- reductions ----------

  reduce(op: ReduceOp, x: Handle, dtype: DType, outer: number, size: number, inner: number): Handle {
    const outDtype = op === 'argmax' || op === 'argmin' ? 'int32' : dtype;
    const out = this.alloc(outer * inner, outDtype);
    const code = REDUCE_CODE[op] ?? -1;
    const status = this.k.reduce(code, DTYPE_CODE[dtype], ptrOf(x), out.ptr, outer, size, inner);
    this.check(status, out, 'reduce', `'${op}'`, `op code ${code}, dtype ${dtype}`);
    return out;
  }

  softmax(x: Handle, dtype: DType, rows: number, cols: number): Handle {
    return this.softmaxKernel(x, dtype, rows, cols, false);
  }

  logSoftmax(x: Handle, dtype: DType, rows: number, cols: number): Handle {
    return this.softmaxKernel(x, dtype, rows, cols, true);
  }

  private softmaxKernel(x: Handle, dtype: DType, rows: number, cols: number, log: boolean): Handle {
    const op = log ? 'logSoftmax' : 'softmax';
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new DTypeError(`wasm backend: ${op} takes float32 or float64, got ${dtype}`);
    }
    const out = this.alloc(rows * cols, dtype);
    if (rows * cols === 0) return out;
    const args = this.frame(op).words([DTYPE_CODE[dtype], ptrOf(x), out.ptr, rows, cols, log ? 1 : 0]);
    this.run('task_softmax', args, rows >= this.threads ? rows * cols * 8 : 0);
    return out;
  }

  // ---------- matmul ----------

  matmul(a: Handle, b: Handle, dtype: DType, p: MatmulParams): Handle {
    return this.gemm(a, b, undefined, dtype, p, false, 'matmul');
  }

  matmulBias(a: Handle, b: Handle, bias: Handle, dtype: DType, p: MatmulParams, activation: 'none' | 'relu'): Handle {
    return this.gemm(a, b, bias, dtype, p, activation === 'relu', 'matmulBias');
  }

  private gemm(
    a: Handle,
    b: Handle,
    bias: Handle | undefined,
    dtype: DType,
    p: MatmulParams,
    relu: boolean,
    op: string,
  ): Handle {
    if (dtype === 'bool') throw new DTypeError(`wasm backend: ${op} does not take dtype bool`);
    const out = this.alloc(p.batch * p.m * p.n, dtype);
    if (p.batch * p.m * p.n === 0) return out;
    const work = p.batch * p.m * p.n * p.k;
    const nt = work >= THREAD_MIN_WORK ? this.threads : 1;
    // Per-thread packing buffers for the float32 GEMM (floats -> bytes, + alignment slack).
    const wsStride = dtype === 'float32' ? (this.k.sgemm_workspace(p.n, p.k) * 4 + 63) & ~63 : 0;
    this.withTemp(Math.max(64, wsStride * nt), (ws) => {
      const args = this.frame(op).words([
        DTYPE_CODE[dtype], ptrOf(a), ptrOf(b), out.ptr, bias ? ptrOf(bias) : 0, p.batch, p.m, p.n, p.k,
        p.transA ? 1 : 0, p.transB ? 1 : 0, p.aBatched ? 1 : 0, p.bBatched ? 1 : 0, relu ? 1 : 0, ws, wsStride,
      ]);
      this.run('task_matmul', args, work);
    });
    return out;
  }

  // ---------- movement ----------

  strided(x: Handle, dtype: DType, outShape: Shape, strides: Shape, offset: number): Handle {
    const size = sizeOf(outShape);
    const out = this.alloc(size, dtype);
    if (size === 0) return out;
    const layout: Layout = collapse(outShape, [strides]);
    const es = ELEMENT_SIZE[dtype];
    const descPtr = this.frame('strided').words(layoutDesc(layout));
    const status = this.k.strided(ptrOf(x) + offset * es, out.ptr, es, descPtr, 0, layoutRows(layout));
    this.check(status, out, 'strided', 'copy', `dtype ${dtype}`);
    return out;
  }

  concat(xs: readonly Handle[], dtype: DType, outer: number, widths: readonly number[]): Handle {
    const total = widths.reduce((s, w) => s + w, 0);
    const out = this.alloc(outer * total, dtype);
    if (outer * total === 0) return out;
    // Pointers and widths in a block of their own: a concat may take any number of inputs.
    this.withTemp(xs.length * 8, (ptrs) => {
      this.heap.i32.set(xs.map(ptrOf), ptrs / 4);
      this.heap.i32.set(widths, ptrs / 4 + xs.length);
      this.k.concat(ptrs, ptrs + xs.length * 4, xs.length, outer, ELEMENT_SIZE[dtype], out.ptr);
    });
    return out;
  }

  pad(x: Handle, dtype: DType, shape: Shape, before: Shape, after: Shape, value: number): Handle {
    const rank = shape.length;
    const outShape = shape.map((s, d) => before[d]! + s + after[d]!);
    const out = this.alloc(sizeOf(outShape), dtype);
    if (sizeOf(outShape) === 0) return out;
    if (rank === 0) {
      this.heap.u8.copyWithin(out.ptr, ptrOf(x), ptrOf(x) + ELEMENT_SIZE[dtype]);
      return out;
    }
    const args = this.frame('pad');
    const descPtr = args.words([rank, ...shape, ...before, ...after]);
    const valuePtr = args.scalar(value, dtype);
    this.check(this.k.pad(ptrOf(x), out.ptr, ELEMENT_SIZE[dtype], descPtr, valuePtr), out, 'pad', 'pad', `dtype ${dtype}`);
    return out;
  }

  gather(x: Handle, dtype: DType, outer: number, n: number, inner: number, indices: Handle, m: number): Handle {
    const out = this.alloc(outer * m * inner, dtype);
    this.k.gather(ptrOf(x), out.ptr, ELEMENT_SIZE[dtype], outer, n, inner, ptrOf(indices), m);
    return out;
  }

  scatterAdd(src: Handle, dtype: DType, outer: number, m: number, inner: number, indices: Handle, n: number): Handle {
    const out = this.alloc(outer * n * inner, dtype);
    const status = this.k.scatter_add(DTYPE_CODE[dtype], ptrOf(src), out.ptr, outer, m, inner, ptrOf(indices), n);
    this.check(status, out, 'scatterAdd', 'scatter-add', `dtype ${dtype}`);
    return out;
  }

  // ---------- convolution ----------

  private geometry(args: ArgFrame, g: Conv2dGeometry): number {
    return args.words([
      g.n, g.c, g.h, g.w, g.kh, g.kw, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW, g.outH, g.outW,
    ]);
  }

  im2col(x: Handle, dtype: DType, g: Conv2dGeometry, padValue: number): Handle {
    const rows = g.c * g.kh * g.kw;
    const out = this.alloc(g.n * rows * g.outH * g.outW, dtype);
    if (g.n * rows * g.outH * g.outW === 0) return out;
    const frame = this.frame('im2col');
    const geo = this.geometry(frame, g);
    const value = frame.scalar(padValue, dtype);
    const args = frame.words([DTYPE_CODE[dtype], ptrOf(x), out.ptr, geo, value]);
    this.run('task_im2col', args, g.n >= this.threads ? g.n * rows * g.outH * g.outW : 0);
    return out;
  }

  col2im(cols: Handle, dtype: DType, g: Conv2dGeometry): Handle {
    this.requireNumeric(dtype, 'col2im');
    const out = this.alloc(g.n * g.c * g.h * g.w, dtype);
    if (g.n * g.c * g.h * g.w === 0) return out;
    const frame = this.frame('col2im');
    const geo = this.geometry(frame, g);
    const args = frame.words([DTYPE_CODE[dtype], ptrOf(cols), out.ptr, geo]);
    this.run('task_col2im', args, g.n >= this.threads ? g.n * g.c * g.kh * g.kw * g.outH * g.outW : 0);
    return out;
  }

  conv2d(x: Handle, w: Handle, dtype: DType, g: Conv2dGeometry, outChannels: number, groups: number): Handle {
    this.requireNumeric(dtype, 'conv2d');
    const out = this.alloc(g.n * outChannels * g.outH * g.outW, dtype);
    this.convTask('task_conv2d', ptrOf(x), ptrOf(w), out.ptr, 0, dtype, g, outChannels, groups);
    return out;
  }

  conv2dBackwardInput(dy: Handle, w: Handle, dtype: DType, g: Conv2dGeometry, outChannels: number, groups: number): Handle {
    this.requireNumeric(dtype, 'conv2dBackwardInput');
    const out = this.alloc(g.n * g.c * g.h * g.w, dtype);
    this.convTask('task_conv2d_bwd_input', ptrOf(dy), ptrOf(w), out.ptr, 0, dtype, g, outChannels, groups);
    return out;
  }

  conv2dBackwardFilter(x: Handle, dy: Handle, dtype: DType, g: Conv2dGeometry, outChannels: number, groups: number): Handle {
    this.requireNumeric(dtype, 'conv2dBackwardFilter');
    const wSize = outChannels * (g.c / groups) * g.kh * g.kw;
    const out = this.alloc(wSize, dtype);
    const es = ELEMENT_SIZE[dtype];
    const nt = this.convThreads(g, outChannels);
    // Threads past the first sum their images into partial filters, added at the end.
    this.withTemp(Math.max(64, (nt - 1) * wSize * es), (partials) => {
      const used = this.convTask('task_conv2d_bwd_filter', ptrOf(x), ptrOf(dy), out.ptr, partials, dtype, g, outChannels, groups, nt);
      for (let t = 1; t < used; t++) this.k.add_into(DTYPE_CODE[dtype], out.ptr, partials + (t - 1) * wSize * es, wSize);
    });
    return out;
  }

  private convThreads(g: Conv2dGeometry, outChannels: number): number {
    const work = g.n * outChannels * g.outH * g.outW * g.c * g.kh * g.kw;
    return work >= THREAD_MIN_WORK ? Math.min(this.threads, Math.max(1, g.n)) : 1;
  }

  private convTask(
    task: TaskName,
    in0: number,
    in1: number,
    out: number,
    partials: number,
    dtype: DType,
    g: Conv2dGeometry,
    outChannels: number,
    groups: number,
    nt = this.convThreads(g, outChannels),
  ): number {
    if (g.n === 0) return 1;
    const frame = this.frame(task);
    const geo = this.geometry(frame, g);
    const wsStride = (this.k.conv_workspace(DTYPE_CODE[dtype], geo, outChannels, groups) + 63) & ~63;
    return this.withTemp(wsStride * nt, (ws) => {
      const args = frame.words([DTYPE_CODE[dtype], in0, in1, out, geo, outChannels, groups, ws, wsStride, partials]);
      return this.runTask(task, args, nt);
    });
  }

  private requireNumeric(dtype: DType, op: string): void {
    if (dtype === 'bool') throw new DTypeError(`wasm backend: ${op} does not take dtype bool`);
  }
}
