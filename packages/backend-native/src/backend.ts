import { availableParallelism } from 'node:os';
import {
  ArgumentError,
  BINARY_OP_NAMES,
  BackendError,
  DTypeError,
  OutOfMemoryError,
  UNARY_KERNEL_OP_NAMES,
  allocArray,
} from '@tensile/core';
import type {
  Backend,
  BinaryOp,
  Conv2dGeometry,
  DataArray,
  DType,
  Handle,
  KernelUnaryOp,
  MatmulParams,
  ReduceOp,
  ScanOp,
  ScatterReduceOp,
  Shape,
  StridedInput,
} from '@tensile/core';
import { type Addon, loadAddon } from './addon.js';
import { DTYPE_CODE, DTYPES } from './dtypes.js';
import { MAX_RANK, collapse, denseStrides } from './layout.js';

export interface NativeOptions {
  /**
   * Threads of the kernels (OpenMP loops, oneDNN and OpenBLAS); default: every core
   * (os.availableParallelism()). Results are identical run to run for a
   * fixed count.
   */
  threads?: number;
  /**
   * How float32 convolutions run: 'onednn' (the default where the addon was
   * built with oneDNN: forward and input gradient on oneDNN, the filter
   * gradient by im2col) or 'im2col' (im2col + one OpenBLAS GEMM per group
   * for all three, what float64 always uses).
   */
  convolution?: 'onednn' | 'im2col';
}

/** The backend object `native()` returns. */
export type NativeBackend = Backend & {
  /** Threads the kernels use. */
  readonly threads: number;
  /** How float32 convolutions run. */
  readonly convolution: 'onednn' | 'im2col';
  /** Handles the GC finalizer freed because they were never freed (process-wide). */
  finalized(): number;
};

const REDUCE_CODE: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3, argmax: 4, argmin: 5 };
const SCAN_CODE: Record<ScanOp, number> = { sum: 0, prod: 1, logsumexp: 2 };
const SCATTER_CODE: Record<ScatterReduceOp, number> = { set: 0, sum: 1, prod: 2, max: 3, min: 4 };
const BOOL_RESULT_UNARY = new Set<KernelUnaryOp>(['isnan', 'isinf', 'not']);
const BOOL_RESULT_BINARY = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or']);
/** Arithmetic a bool tensor may take (as logic): everything else core casts first. */
const BOOL_ARITHMETIC = new Set<BinaryOp>(['maximum', 'minimum']);

/** Core's op names mapped onto the addon's tables, checked once: a stale build missing an op is named at start. */
function opCodes(addon: Addon): { unary: Record<KernelUnaryOp, number>; binary: Record<BinaryOp, number> } {
  const names = addon.opNames();
  const map = <K extends string>(wanted: readonly K[], have: string[], kind: string) => {
    const missing = wanted.filter((op) => !have.includes(op));
    if (missing.length) {
      throw new BackendError(
        `native backend: the addon has no ${kind} kernel for ${missing.join(', ')}; it is older than @tensile/core: rebuild it (pnpm --filter @tensile/backend-native build:addon)`,
      );
    }
    return Object.fromEntries(wanted.map((op) => [op, have.indexOf(op)])) as Record<K, number>;
  };
  return { unary: map(UNARY_KERNEL_OP_NAMES, names.unary, 'unary'), binary: map(BINARY_OP_NAMES, names.binary, 'binary') };
}

/**
 * The addon's walk of an elementwise layout: core's, as it is (core collapses
 * it); a rank-0 shape becomes [1], and a rank beyond the addon's 16 is collapsed here.
 */
function layoutOf(shape: Shape, inputs: readonly StridedInput[]): { shape: number[]; strides: number[][] } {
  if (shape.length >= 1 && shape.length <= MAX_RANK) return { shape: shape as number[], strides: inputs.map((x) => x.strides as number[]) };
  return collapse(
    shape,
    inputs.map((x) => x.strides),
  );
}

/** Conv2dGeometry as the addon's Geom (csrc/native.h), field by field. */
function geometry(g: Conv2dGeometry): number[] {
  return [g.n, g.c, g.h, g.w, g.kh, g.kw, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW, g.outH, g.outW];
}

function matmulArgs(p: MatmulParams): [number, number, number, number, boolean, boolean, boolean, boolean] {
  return [p.batch, p.m, p.k, p.n, p.transA, p.transB, p.aBatched, p.bBatched];
}

/** The storage an upload needs: data as dtype's own typed array (bool normalised by the addon). */
function asDType(data: DataArray, dtype: DType): DataArray {
  const want = allocArray(dtype, 0);
  if (data.constructor === want.constructor) return data;
  const out = allocArray(dtype, data.length);
  out.set(data);
  return out;
}

/** A backend's process-wide settings, and those the addon was last set to (OpenMP and OpenBLAS hold one thread count per process). */
interface Settings {
  threads: number;
  convolution: 'onednn' | 'im2col';
}
let current: Settings | null = null;

/**
 * Creates the native backend: every tensor lives in memory the addon owns
 * (dispose frees it at once; a GC finalizer frees what was forgotten), GEMM
 * runs on OpenBLAS and oneDNN, convolution, batch norm and softmax on oneDNN
 * (where installed), elementwise and reduction loops are C
 * vectorised by the compiler, threaded with OpenMP. float32, float64, int32
 * and bool; reads are the only copies into JS. Throws a BackendError saying
 * what to install where the addon could not be built.
 *
 * @example
 * import * as t from '@tensile/core';
 * import { native } from '@tensile/backend-native';
 * await t.setBackend(native({ threads: 1 }));
 */
export function native(options: NativeOptions = {}): NativeBackend {
  const addon = loadAddon();
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ArgumentError(`native backend: threads must be a positive integer, got ${threads}`);
  }
  const convolution = options.convolution ?? (addon.convWith() as 'onednn' | 'im2col');
  if (convolution === 'onednn') addon.convWith('onednn'); // throws where the build has no oneDNN
  const codes = opCodes(addon);
  const D = DTYPE_CODE;

  const readSync = (x: Handle, dtype: DType, size: number): DataArray => addon.read(x, D[dtype], size);

  const kernels: NativeBackend = {
    name: 'native',
    dtypes: DTYPES,
    threads,
    convolution,
    finalized: () => addon.memory()[2],

    upload: (data, dtype) => addon.upload(asDType(data, dtype), D[dtype]),
    fill: (size, value, dtype) => addon.fill(size, value, D[dtype]),
    // Kernels run synchronously on this thread: by the time read is called, the data is there.
    read: (x, dtype, size) => Promise.resolve(readSync(x, dtype, size)),
    readSync,
    free: (x) => addon.free(x),
    memory() {
      const [liveHandles, liveBytes, , pooled] = addon.memory();
      return { liveHandles, liveBytes, reservedBytes: liveBytes + pooled };
    },

    unary: (op, x, dtype, size) => addon.unary(codes.unary[op], x, D[dtype], D[BOOL_RESULT_UNARY.has(op) ? 'bool' : dtype], size),
    fusedUnary: (op, x, dtype, size) => (dtype === 'bool' ? null : addon.unary(codes.unary[op], x, D[dtype], D[dtype], size)),
    binary(op, a, b, shape, dtype) {
      if (dtype === 'bool' && !BOOL_RESULT_BINARY.has(op) && !BOOL_ARITHMETIC.has(op)) {
        throw new DTypeError(`native backend: binary '${op}' is not defined for dtype bool (cast first)`);
      }
      const l = layoutOf(shape, [a, b]);
      const out = BOOL_RESULT_BINARY.has(op) ? 'bool' : dtype;
      return addon.binary(codes.binary[op], a.handle, a.offset, b.handle, b.offset, D[dtype], D[out], l.shape, l.strides[0], l.strides[1]);
    },
    where(cond, a, b, shape, dtype) {
      const l = layoutOf(shape, [cond, a, b]);
      return addon.where(cond.handle, cond.offset, a.handle, a.offset, b.handle, b.offset, D[dtype], l.shape, ...l.strides);
    },
    clamp(x, dtype, size, lo, hi) {
      // int32 takes integer bounds, as the other backends: clamp(x, 0.5, 2.5) keeps 1..2.
      if (dtype === 'int32') [lo, hi] = [Math.ceil(lo), Math.floor(hi)];
      return addon.clamp(x, D[dtype], size, lo, hi);
    },
    addScaled: (a, b, alpha, dtype, size) => addon.addScaled(a, b, alpha, D[dtype], size),
    cast: (x, from, to, size) => addon.cast(x, D[from], D[to], size),

    reduce(op, x, dtype, outer, size, inner) {
      if (dtype === 'int32' && size === 0 && (op === 'max' || op === 'min')) {
        throw new ArgumentError(`native backend: reduce '${op}' over an empty axis has no int32 value (±Infinity)`);
      }
      return addon.reduce(REDUCE_CODE[op], x, D[dtype], outer, size, inner);
    },
    scan: (op, x, dtype, outer, size, inner) => addon.scan(SCAN_CODE[op], x, D[dtype], outer, size, inner),
    sort(x, dtype, outer, size, inner, descending) {
      const [values, indices] = addon.sort(x, D[dtype], outer, size, inner, descending);
      return { values, indices };
    },
    matmul(a, b, dtype, p) {
      if (dtype === 'bool') throw new DTypeError('native backend: matmul is not defined for dtype bool (cast first)');
      return addon.matmul(a, b, D[dtype], ...matmulArgs(p));
    },
    matmulBias(a, b, bias, dtype, p, activation) {
      if (dtype === 'bool') throw new DTypeError('native backend: matmulBias is not defined for dtype bool (cast first)');
      return addon.matmulBias(a, b, bias, D[dtype], ...matmulArgs(p), activation === 'relu');
    },
    softmax: (x, dtype, rows, cols) => addon.softmax(x, D[dtype], rows, cols),
    logSoftmax: (x, dtype, rows, cols) => addon.logSoftmax(x, D[dtype], rows, cols),

    strided(x, dtype, outShape, strides, offset) {
      const l = collapse(outShape, [strides, denseStrides(outShape)]);
      return addon.strided(x, D[dtype], l.shape, l.strides[0], offset);
    },
    concat: (xs, dtype, outer, widths) => addon.concat(xs, D[dtype], outer, widths),
    pad: (x, dtype, shape, before, after, value) => addon.pad(x, D[dtype], shape, before, after, value),
    gather: (x, dtype, outer, n, inner, indices, m) => addon.gather(x, D[dtype], outer, n, inner, indices, m),
    scatterAdd: (src, dtype, outer, m, inner, indices, n) => addon.scatterAdd(src, D[dtype], outer, m, inner, indices, n),
    scatterReduce: (op, x, src, index, dtype, p) =>
      addon.scatterReduce(SCATTER_CODE[op], x, src, index, D[dtype], p.outer, p.n, p.m, p.inner, p.includeSelf),
    im2col: (x, dtype, g, padValue) => addon.im2col(x, D[dtype], geometry(g), padValue),
    col2im: (cols, dtype, g) => addon.col2im(cols, D[dtype], geometry(g)),

    conv2d: (x, w, dtype, g, o, groups) => addon.conv2d(x, w, D[dtype], geometry(g), o, groups),
    conv2dBackwardInput: (dy, w, dtype, g, o, groups) => addon.conv2dBackwardInput(dy, w, D[dtype], geometry(g), o, groups),
    conv2dBackwardFilter: (x, dy, dtype, g, o, groups) => addon.conv2dBackwardFilter(x, dy, D[dtype], geometry(g), o, groups),
    maxPool2d(x, dtype, g) {
      const [values, indices] = addon.maxPool2d(x, D[dtype], geometry(g));
      return { values, indices };
    },
    // oneDNN's batch normalization (float32); null where the addon declines, and core composes.
    batchNormForward(x, weight, bias, stats, dtype, p) {
      const r = addon.batchNormForward(x, weight, bias, stats?.mean ?? null, stats?.variance ?? null, D[dtype], p.n, p.c, p.inner, p.eps);
      if (!r) return null;
      return r.length === 3 ? { y: r[0], stats: { mean: r[1], variance: r[2] } } : { y: r[0] };
    },
    batchNormBackward(dy, x, stats, weight, dtype, p) {
      const r = addon.batchNormBackward(dy, x, stats.mean, stats.variance, weight, D[dtype], p.n, p.c, p.inner, p.eps);
      return r && { dx: r[0], dweight: r[1], dbias: r[2] };
    },
  };
  return withSettingsAndErrors(kernels, addon, { threads, convolution });
}

/**
 * Every kernel first sets the addon's thread count and convolution when
 * another native backend changed them (they are process-wide), and turns the
 * addon's errors into core's: ENOMEM -> OutOfMemoryError, EDTYPE ->
 * DTypeError, anything else -> BackendError, each naming the kernel.
 */
function withSettingsAndErrors(backend: NativeBackend, addon: Addon, settings: Settings): NativeBackend {
  const wrapped: Record<string, unknown> = { ...backend };
  for (const [name, kernel] of Object.entries(backend)) {
    if (typeof kernel !== 'function' || name === 'memory' || name === 'finalized') continue;
    wrapped[name] = (...args: unknown[]) => {
      if (current !== settings) {
        addon.setThreads(settings.threads);
        addon.convWith(settings.convolution);
        current = settings;
      }
      try {
        return (kernel as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        throw translate(error, name);
      }
    };
  }
  return wrapped as unknown as NativeBackend;
}

function translate(error: unknown, kernel: string): unknown {
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message;
  if (code === 'ENOMEM') {
    const bytes = Number(/(\d+) bytes/.exec(message)?.[1] ?? Number.NaN);
    return new OutOfMemoryError(`native backend: ${kernel}`, bytes, Number.POSITIVE_INFINITY);
  }
  if (code === 'EDTYPE') return new DTypeError(`native backend: ${message}`);
  if (typeof code === 'string' && code.startsWith('E')) return new BackendError(`native backend: ${message}`);
  return error;
}
