import { BINARY_OP_NAMES, BackendError, DTypeError, UNARY_KERNEL_OP_NAMES, sizeOf } from '@tensile/core';
import type {
  Backend,
  BackendMemory,
  BinaryOp,
  Conv2dGeometry,
  DataArray,
  DType,
  Handle,
  KernelUnaryOp,
  MatmulParams,
  ReduceOp,
  Shape,
  ScanOp,
  ScatterReduceOp,
  UnaryOp,
} from '@tensile/core';
import { DTYPE_CODE, DTYPES, ELEMENT_SIZE } from './dtypes.js';
import type { Heap, Block } from './heap.js';
import { STRUCT_FIELDS, writeStruct, type StructName, type StructValues } from './kernel-args.js';
import { K_OK, K_UNSUPPORTED, statusText, type KernelExports, type TaskName } from './module.js';
import type { ThreadPool } from './pool.js';

/** Op codes are the index in core's tables, as the generated C enums (csrc/op_codes.h) number them. */
const UNARY_CODE = Object.fromEntries(UNARY_KERNEL_OP_NAMES.map((op, i) => [op, i])) as Record<KernelUnaryOp, number>;
const BINARY_CODE = Object.fromEntries(BINARY_OP_NAMES.map((op, i) => [op, i])) as Record<BinaryOp, number>;

const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

const REDUCE_CODE: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3, argmax: 4, argmin: 5 };
/** csrc/scan_sort.c's ScanOp. */
const SCAN_CODE: Record<ScanOp, number> = { sum: 0, prod: 1, logsumexp: 2 };
/** csrc/scatter.c's ScatterOp. */
const SCATTER_OP_CODE: Record<ScatterReduceOp, number> = { set: 0, sum: 1, prod: 2, max: 3, min: 4 };

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
 * The int32 descriptor the C strided kernels read, [rank, shape[rank],
 * strides of each input[rank]...], for a layout core computed (a rank-0
 * shape reads as [1]), and its rows: the product of all axes but the last,
 * over which work is split.
 */
function layoutDesc(shape: Shape, strides: readonly (readonly number[])[]): { desc: number[]; rows: number } {
  const dims = shape.length ? shape : [1];
  const desc = [dims.length, ...dims];
  for (const s of strides) desc.push(...(shape.length ? s : [0]));
  let rows = 1;
  for (let d = 0; d < dims.length - 1; d++) rows *= dims[d];
  return { desc, rows };
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
      throw new BackendError(
        `wasm backend: ${this.kernel}: arguments need ${this.top} bytes, more than the ${ARG_BYTES}-byte argument area`,
      );
    }
    return this.base + at;
  }

  /** Writes int32 words; returns their pointer. */
  words(words: ArrayLike<number>): number {
    const ptr = this.reserve(words.length * 4);
    this.heap.i32.set(words, ptr / 4);
    return ptr;
  }

  /** Writes one of the structs of kernel-args.ts, fields in their declared order; returns its pointer. */
  struct<S extends StructName>(name: S, values: StructValues<S>): number {
    const ptr = this.reserve(STRUCT_FIELDS[name].length * 4);
    writeStruct(this.heap.i32, ptr, name, values);
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

/** The backend object `wasm()` resolves to. */
export type WasmBackendInstance = Backend & {
  /** Threads the kernels use (1 when single-threaded). */
  readonly threads: number;
  /** Whether the relaxed-SIMD build (fused multiply-add) runs. */
  readonly relaxedSimd: boolean;
};

/** What a backend closes over, kept for tests that drive the pool and memory directly. */
interface WasmRuntime {
  readonly heap: Heap;
  readonly pool: ThreadPool | undefined;
}

const RUNTIMES = new WeakMap<object, WasmRuntime>();

/** The heap and thread pool behind a backend made by createWasmBackend (tests only). */
export function wasmRuntime(backend: Backend): WasmRuntime {
  const rt = RUNTIMES.get(backend);
  if (!rt) throw new BackendError('wasm backend: this backend was not made by createWasmBackend');
  return rt;
}

/**
 * The wasm backend: every tensor lives in one WebAssembly.Memory, every
 * kernel is a call into the C module. Arguments larger than a few numbers are
 * written to a fixed argument area in memory first (`frame`). A plain object
 * of kernel functions closing over the module, heap and pool.
 */
export function createWasmBackend(
  k: KernelExports,
  heap: Heap,
  pool: ThreadPool | undefined,
  /** Whether the relaxed-SIMD build (fused multiply-add) runs. */
  relaxedSimd = false,
): WasmBackendInstance {
  const argArea = heap.alloc(ARG_BYTES);
  let disposed = false;

  /** Threads the kernels may use (1 without a pool, or once it failed). */
  const threads = (): number => pool?.size ?? 1;

  // ---------- memory ----------

  function alloc(size: number, dtype: DType): WasmHandle {
    return new WasmHandle(heap.alloc(size * ELEMENT_SIZE[dtype]));
  }

  /** Starts the arguments of one kernel call (the area is reused by the next call). */
  function frame(kernel: string): ArgFrame {
    return new ArgFrame(heap, argArea.ptr, kernel);
  }

  /**
   * A temporary block for the duration of one kernel. When the thread pool
   * failed during `fn`, a worker may still be writing into it: it is then
   * left allocated rather than handed to the next tensor.
   */
  function withTemp<T>(bytes: number, fn: (ptr: number) => T): T {
    const block = heap.alloc(bytes);
    const failedBefore = pool?.failed;
    try {
      return fn(block.ptr);
    } finally {
      if (pool?.failed === failedBefore) heap.free(block);
    }
  }

  /** Runs a task on up to `nt` threads; returns the thread count used. */
  function runTask(task: TaskName, args: number, nt: number): number {
    if (pool) return pool.run(task, args, nt);
    k[task](args, 0, 1);
    return 1;
  }

  function run(task: TaskName, args: number, work: number): void {
    runTask(task, args, work >= THREAD_MIN_WORK ? threads() : 1);
  }

  function free(x: Handle): void {
    heap.free((x as WasmHandle).block);
  }

  function readSync(x: Handle, dtype: DType, size: number): DataArray {
    const start = ptrOf(x) / ELEMENT_SIZE[dtype];
    // slice() copies into a fresh (unshared) ArrayBuffer.
    return heap.view(dtype).slice(start, start + size);
  }

  /** Blocks and bytes the backend holds for itself: the argument area, worker stacks and control words. */
  const internalBlocks = (): number => 1 + (pool ? pool.blocks.length : 0);
  const internalBytes = (): number => argArea.bytes + (pool ? pool.internalBytes : 0);

  /**
   * Turns a kernel's nonzero status into a BackendError (freeing `out`):
   * "does not take" for a known op the dtype lacks, else the unknown code.
   */
  function check(status: number, out: Handle, kernel: string, what: string, codes: string): void {
    if (status === K_OK) return;
    free(out);
    if (status === K_UNSUPPORTED) throw new BackendError(`wasm backend: ${kernel} ${what} does not take this dtype (${codes})`);
    throw new BackendError(`wasm backend: kernel ${kernel} failed: ${statusText(status)} (${what}; ${codes})`);
  }

  function requireNumeric(dtype: DType, op: string): void {
    if (dtype === 'bool') throw new DTypeError(`wasm backend: ${op} does not take dtype bool`);
  }

  // ---------- fused kernels shared by two entry points ----------

  function softmaxKernel(x: Handle, dtype: DType, rows: number, cols: number, log: boolean): Handle {
    const op = log ? 'logSoftmax' : 'softmax';
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new DTypeError(`wasm backend: ${op} takes float32 or float64, got ${dtype}`);
    }
    const out = alloc(rows * cols, dtype);
    if (rows * cols === 0) return out;
    const args = frame(op).struct('SoftmaxArgs', {
      dtype: DTYPE_CODE[dtype],
      x: ptrOf(x),
      out: out.ptr,
      rows,
      cols,
      log: log ? 1 : 0,
    });
    run('task_softmax', args, rows >= threads() ? rows * cols * 8 : 0);
    return out;
  }

  function gemm(a: Handle, b: Handle, bias: Handle | undefined, dtype: DType, p: MatmulParams, relu: boolean, op: string): Handle {
    if (dtype === 'bool') throw new DTypeError(`wasm backend: ${op} does not take dtype bool`);
    const out = alloc(p.batch * p.m * p.n, dtype);
    if (p.batch * p.m * p.n === 0) return out;
    const work = p.batch * p.m * p.n * p.k;
    const nt = work >= THREAD_MIN_WORK ? threads() : 1;
    // Per-thread packing buffers for the float32 GEMM (floats -> bytes, + alignment slack).
    const wsStride = dtype === 'float32' ? (k.sgemm_workspace(p.n, p.k) * 4 + 63) & ~63 : 0;
    withTemp(Math.max(64, wsStride * nt), (ws) => {
      const args = frame(op).struct('MatmulArgs', {
        dtype: DTYPE_CODE[dtype],
        a: ptrOf(a),
        b: ptrOf(b),
        out: out.ptr,
        bias: bias ? ptrOf(bias) : 0,
        batch: p.batch,
        m: p.m,
        n: p.n,
        k: p.k,
        transA: p.transA ? 1 : 0,
        transB: p.transB ? 1 : 0,
        aBatched: p.aBatched ? 1 : 0,
        bBatched: p.bBatched ? 1 : 0,
        relu: relu ? 1 : 0,
        ws,
        wsStride,
      });
      run('task_matmul', args, work);
    });
    return out;
  }

  function geometry(args: ArgFrame, g: Conv2dGeometry): number {
    return args.struct('ConvGeometry', g);
  }

  function convThreads(g: Conv2dGeometry, outChannels: number): number {
    const work = g.n * outChannels * g.outH * g.outW * g.c * g.kh * g.kw;
    return work >= THREAD_MIN_WORK ? Math.min(threads(), Math.max(1, g.n)) : 1;
  }

  function convTask(
    task: TaskName,
    in0: number,
    in1: number,
    out: number,
    partials: number,
    dtype: DType,
    g: Conv2dGeometry,
    outChannels: number,
    groups: number,
    nt = convThreads(g, outChannels),
  ): number {
    if (g.n === 0) return 1;
    const args = frame(task);
    const geo = geometry(args, g);
    const wsStride = (k.conv_workspace(DTYPE_CODE[dtype], geo, outChannels, groups) + 63) & ~63;
    return withTemp(wsStride * nt, (ws) => {
      const ptr = args.struct('ConvArgs', { dtype: DTYPE_CODE[dtype], in0, in1, out, geo, outChannels, groups, ws, wsStride, partials });
      return runTask(task, ptr, nt);
    });
  }

  function unaryKernel(op: KernelUnaryOp, x: Handle, dtype: DType, size: number): Handle {
    const outDtype = op === 'isnan' || op === 'isinf' ? 'bool' : dtype;
    const out = alloc(size, outDtype);
    if (size === 0) return out;
    // An op name this table lacks reaches C as -1, which every kernel refuses.
    const code = UNARY_CODE[op] ?? -1;
    const codes = `op code ${code}, dtype ${dtype}`;
    if (size >= THREAD_MIN_WORK * 4 && threads() > 1) {
      // Validate op/dtype on zero elements before any threading.
      check(k.unary(code, DTYPE_CODE[dtype], ptrOf(x), out.ptr, 0), out, 'unary', `'${op}'`, codes);
      const args = frame('unary').struct('UnaryArgs', {
        op: code,
        dtype: DTYPE_CODE[dtype],
        x: ptrOf(x),
        out: out.ptr,
        n: size,
        outElsize: ELEMENT_SIZE[outDtype],
      });
      run('task_unary', args, size);
    } else {
      check(k.unary(code, DTYPE_CODE[dtype], ptrOf(x), out.ptr, size), out, 'unary', `'${op}'`, codes);
    }
    return out;
  }

  const backend: WasmBackendInstance = {
    name: 'wasm',
    dtypes: DTYPES,
    relaxedSimd,
    get threads() {
      return threads();
    },

    upload(data, dtype) {
      const h = alloc(data.length, dtype);
      heap.view(dtype).set(data, h.ptr / ELEMENT_SIZE[dtype]);
      return h;
    },

    fill(size, value, dtype) {
      const h = alloc(size, dtype);
      const start = h.ptr / ELEMENT_SIZE[dtype];
      const v = dtype === 'bool' ? (value ? 1 : 0) : value;
      heap.view(dtype).fill(v, start, start + size);
      return h;
    },

    readSync,
    read: (x, dtype, size) => Promise.resolve(readSync(x, dtype, size)),
    free,

    memory(): BackendMemory {
      return {
        liveHandles: heap.liveBlocks - internalBlocks(),
        liveBytes: heap.liveBytes - internalBytes(),
        reservedBytes: heap.reservedBytes,
      };
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      pool?.dispose();
    },

    // ---------- elementwise ----------

    unary: unaryKernel,
    // The same kernel computes the composable ops (sigmoid, tanh, relu, …) core would otherwise compose.
    fusedUnary: unaryKernel,

    // binary and where read each input at ptr + offset through its strides over core's collapsed layout.
    binary(op, a, b, shape, dtype) {
      const outDtype: DType = COMPARISONS.has(op) || op === 'and' || op === 'or' ? 'bool' : dtype;
      const size = sizeOf(shape);
      const out = alloc(size, outDtype);
      if (size === 0) return out;
      const { desc, rows } = layoutDesc(shape, [a.strides, b.strides]);
      const args = frame('binary');
      const descPtr = args.words(desc);
      const code = BINARY_CODE[op] ?? -1;
      const es = ELEMENT_SIZE[dtype] ?? 0;
      const pa = ptrOf(a.handle) + a.offset * es;
      const pb = ptrOf(b.handle) + b.offset * es;
      // Validate op/dtype on zero rows before any threading.
      const status = k.binary(code, DTYPE_CODE[dtype], pa, pb, out.ptr, descPtr, 0, 0);
      check(status, out, 'binary', `'${op}'`, `op code ${code}, dtype ${dtype}`);
      if (size >= THREAD_MIN_WORK * 4 && rows >= threads() && threads() > 1) {
        const task = args.struct('BinaryArgs', {
          op: code,
          dtype: DTYPE_CODE[dtype],
          a: pa,
          b: pb,
          out: out.ptr,
          desc: descPtr,
          rows,
        });
        run('task_binary', task, size);
      } else {
        k.binary(code, DTYPE_CODE[dtype], pa, pb, out.ptr, descPtr, 0, rows);
      }
      return out;
    },

    where(cond, a, b, shape, dtype) {
      const size = sizeOf(shape);
      const out = alloc(size, dtype);
      if (size === 0) return out;
      const { desc, rows } = layoutDesc(shape, [cond.strides, a.strides, b.strides]);
      const descPtr = frame('where').words(desc);
      const es = ELEMENT_SIZE[dtype];
      const pc = ptrOf(cond.handle) + cond.offset;
      const status = k.where(pc, ptrOf(a.handle) + a.offset * es, ptrOf(b.handle) + b.offset * es, out.ptr, es, descPtr, 0, rows);
      check(status, out, 'where', 'select', `dtype ${dtype}`);
      return out;
    },

    clamp(x, dtype, size, lo, hi) {
      const out = alloc(size, dtype);
      check(k.clamp(DTYPE_CODE[dtype], ptrOf(x), out.ptr, size, lo, hi), out, 'clamp', 'clamp', `dtype ${dtype}`);
      return out;
    },

    addScaled(a, b, alpha, dtype, size) {
      const out = alloc(size, dtype);
      check(k.add_scaled(DTYPE_CODE[dtype], ptrOf(a), ptrOf(b), out.ptr, size, alpha), out, 'addScaled', 'add_scaled', `dtype ${dtype}`);
      return out;
    },

    /**
     * Converts dtypes. Float -> int32 truncates toward zero and saturates to
     * [-2^31, 2^31 - 1], NaN -> 0 (wasm's i32.trunc_sat; every backend does
     * the same); anything -> bool is x != 0.
     */
    cast(x, from, to, size) {
      const out = alloc(size, to);
      const status = k.cast(DTYPE_CODE[from] ?? -1, DTYPE_CODE[to] ?? -1, ptrOf(x), out.ptr, size);
      check(status, out, 'cast', `${from} -> ${to}`, `dtype codes ${DTYPE_CODE[from]} -> ${DTYPE_CODE[to]}`);
      return out;
    },

    // ---------- reductions ----------

    reduce(op, x, dtype, outer, size, inner) {
      const outDtype = op === 'argmax' || op === 'argmin' ? 'int32' : dtype;
      const out = alloc(outer * inner, outDtype);
      const code = REDUCE_CODE[op] ?? -1;
      const status = k.reduce(code, DTYPE_CODE[dtype], ptrOf(x), out.ptr, outer, size, inner);
      check(status, out, 'reduce', `'${op}'`, `op code ${code}, dtype ${dtype}`);
      return out;
    },

    scan(op, x, dtype, outer, size, inner) {
      const out = alloc(outer * size * inner, dtype);
      const code = SCAN_CODE[op] ?? -1;
      const status = k.scan(code, DTYPE_CODE[dtype], ptrOf(x), out.ptr, outer, size, inner);
      check(status, out, 'scan', `'${op}'`, `op code ${code}, dtype ${dtype}`);
      return out;
    },

    sort(x, dtype, outer, size, inner, descending) {
      const count = outer * size * inner;
      const values = alloc(count, dtype);
      const indices = alloc(count, 'int32');
      // Scratch for the merge sort: two int32 position buffers of one row each.
      const status = withTemp(Math.max(8, size * 8), (scratch) =>
        k.sort(DTYPE_CODE[dtype], ptrOf(x), values.ptr, indices.ptr, outer, size, inner, descending ? 1 : 0, scratch),
      );
      if (status !== K_OK) free(indices);
      check(status, values, 'sort', 'sort', `dtype ${dtype}`);
      return { values, indices };
    },

    softmax: (x, dtype, rows, cols) => softmaxKernel(x, dtype, rows, cols, false),
    logSoftmax: (x, dtype, rows, cols) => softmaxKernel(x, dtype, rows, cols, true),

    // ---------- matmul ----------

    matmul: (a, b, dtype, p) => gemm(a, b, undefined, dtype, p, false, 'matmul'),
    matmulBias: (a, b, bias, dtype, p, activation) => gemm(a, b, bias, dtype, p, activation === 'relu', 'matmulBias'),

    // ---------- movement ----------

    strided(x, dtype, outShape, strides, offset) {
      const size = sizeOf(outShape);
      const out = alloc(size, dtype);
      if (size === 0) return out;
      // Core collapsed the layout; the C copies any layout.
      const { desc, rows } = layoutDesc(outShape, [strides]);
      const es = ELEMENT_SIZE[dtype];
      const descPtr = frame('strided').words(desc);
      const status = k.strided(ptrOf(x) + offset * es, out.ptr, es, descPtr, 0, rows);
      check(status, out, 'strided', 'copy', `dtype ${dtype}`);
      return out;
    },

    concat(xs, dtype, outer, widths) {
      const total = widths.reduce((s, w) => s + w, 0);
      const out = alloc(outer * total, dtype);
      if (outer * total === 0) return out;
      // Pointers and widths in a block of their own: a concat may take any number of inputs.
      withTemp(xs.length * 8, (ptrs) => {
        heap.i32.set(xs.map(ptrOf), ptrs / 4);
        heap.i32.set(widths, ptrs / 4 + xs.length);
        k.concat(ptrs, ptrs + xs.length * 4, xs.length, outer, ELEMENT_SIZE[dtype], out.ptr);
      });
      return out;
    },

    pad(x, dtype, shape, before, after, value) {
      const rank = shape.length;
      const outShape = shape.map((s, d) => before[d]! + s + after[d]!);
      const out = alloc(sizeOf(outShape), dtype);
      if (sizeOf(outShape) === 0) return out;
      if (rank === 0) {
        heap.u8.copyWithin(out.ptr, ptrOf(x), ptrOf(x) + ELEMENT_SIZE[dtype]);
        return out;
      }
      const args = frame('pad');
      const descPtr = args.words([rank, ...shape, ...before, ...after]);
      const valuePtr = args.scalar(value, dtype);
      check(k.pad(ptrOf(x), out.ptr, ELEMENT_SIZE[dtype], descPtr, valuePtr), out, 'pad', 'pad', `dtype ${dtype}`);
      return out;
    },

    gather(x, dtype, outer, n, inner, indices, m) {
      const out = alloc(outer * m * inner, dtype);
      k.gather(ptrOf(x), out.ptr, ELEMENT_SIZE[dtype], outer, n, inner, ptrOf(indices), m);
      return out;
    },

    scatterAdd(src, dtype, outer, m, inner, indices, n) {
      const out = alloc(outer * n * inner, dtype);
      const status = k.scatter_add(DTYPE_CODE[dtype], ptrOf(src), out.ptr, outer, m, inner, ptrOf(indices), n);
      check(status, out, 'scatterAdd', 'scatter-add', `dtype ${dtype}`);
      return out;
    },
    scatterReduce(op, x, src, index, dtype, p) {
      const out = alloc(p.outer * p.n * p.inner, dtype);
      if (p.outer * p.n * p.inner === 0) return out;
      const status = k.scatter_reduce(
        SCATTER_OP_CODE[op],
        DTYPE_CODE[dtype],
        ptrOf(x),
        ptrOf(src),
        ptrOf(index),
        out.ptr,
        p.outer,
        p.n,
        p.m,
        p.inner,
        p.includeSelf ? 1 : 0,
      );
      check(status, out, 'scatterReduce', `scatter-${op}`, `dtype ${dtype}`);
      return out;
    },

    // ---------- convolution ----------

    im2col(x, dtype, g, padValue) {
      const rows = g.c * g.kh * g.kw;
      const out = alloc(g.n * rows * g.outH * g.outW, dtype);
      if (g.n * rows * g.outH * g.outW === 0) return out;
      const args = frame('im2col');
      const geo = geometry(args, g);
      const value = args.scalar(padValue, dtype);
      const ptr = args.struct('Im2colArgs', { dtype: DTYPE_CODE[dtype], x: ptrOf(x), cols: out.ptr, geo, padValue: value });
      run('task_im2col', ptr, g.n >= threads() ? g.n * rows * g.outH * g.outW : 0);
      return out;
    },

    col2im(cols, dtype, g) {
      requireNumeric(dtype, 'col2im');
      const out = alloc(g.n * g.c * g.h * g.w, dtype);
      if (g.n * g.c * g.h * g.w === 0) return out;
      const args = frame('col2im');
      const geo = geometry(args, g);
      const ptr = args.struct('Col2imArgs', { dtype: DTYPE_CODE[dtype], cols: ptrOf(cols), x: out.ptr, geo });
      run('task_col2im', ptr, g.n >= threads() ? g.n * g.c * g.kh * g.kw * g.outH * g.outW : 0);
      return out;
    },

    conv2d(x, w, dtype, g, outChannels, groups) {
      requireNumeric(dtype, 'conv2d');
      const out = alloc(g.n * outChannels * g.outH * g.outW, dtype);
      convTask('task_conv2d', ptrOf(x), ptrOf(w), out.ptr, 0, dtype, g, outChannels, groups);
      return out;
    },

    conv2dBackwardInput(dy, w, dtype, g, outChannels, groups) {
      requireNumeric(dtype, 'conv2dBackwardInput');
      const out = alloc(g.n * g.c * g.h * g.w, dtype);
      convTask('task_conv2d_bwd_input', ptrOf(dy), ptrOf(w), out.ptr, 0, dtype, g, outChannels, groups);
      return out;
    },

    conv2dBackwardFilter(x, dy, dtype, g, outChannels, groups) {
      requireNumeric(dtype, 'conv2dBackwardFilter');
      const wSize = outChannels * (g.c / groups) * g.kh * g.kw;
      const out = alloc(wSize, dtype);
      const es = ELEMENT_SIZE[dtype];
      const nt = convThreads(g, outChannels);
      // Threads past the first sum their images into partial filters, added at the end.
      withTemp(Math.max(64, (nt - 1) * wSize * es), (partials) => {
        const used = convTask('task_conv2d_bwd_filter', ptrOf(x), ptrOf(dy), out.ptr, partials, dtype, g, outChannels, groups, nt);
        for (let t = 1; t < used; t++) k.add_into(DTYPE_CODE[dtype], out.ptr, partials + (t - 1) * wSize * es, wSize);
      });
      return out;
    },
  };
  RUNTIMES.set(backend, { heap, pool });
  return backend;
}
