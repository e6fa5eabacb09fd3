import type { Backend, DataArray, DType, Handle, StridedInput } from '@tensile/core';
import { WebGPUBackendError } from './errors.js';
import { type GpuInput, binary, where } from './kernels/binary.js';
import { col2im, conv2d, conv2dBackwardFilter, conv2dBackwardInput, im2col } from './kernels/conv.js';
import { cast, clamp, fill, unary } from './kernels/elementwise.js';
import { gather, scatterAdd } from './kernels/indexing.js';
import { scatterReduce } from './kernels/scatter.js';
import { matmul } from './kernels/matmul.js';
import { concat, pad, strided } from './kernels/movement.js';
import { reduce } from './kernels/reduce.js';
import { scan, sort } from './kernels/scan-sort.js';
import { softmax } from './kernels/softmax.js';
import { wgslType } from './kernels/wgsl.js';
import type { GpuHandle } from './runtime/handle.js';
import type { GpuRuntime } from './runtime/runtime.js';

const h = (x: Handle) => x as GpuHandle;
const hs = (x: StridedInput) => x as GpuInput;

/** Host data in the layout the GPU stores: 4 bytes per element, bool as u32 0/1. */
function toDeviceArray(data: DataArray, dtype: DType): Float32Array | Int32Array | Uint32Array {
  wgslType(dtype, 'upload');
  if (dtype === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (dtype === 'int32') return data instanceof Int32Array ? data : Int32Array.from(data);
  return Uint32Array.from(data, (v) => (v !== 0 ? 1 : 0));
}

function fromDeviceBytes(bytes: ArrayBuffer, dtype: DType): DataArray {
  if (dtype === 'float32') return new Float32Array(bytes);
  if (dtype === 'int32') return new Int32Array(bytes);
  if (dtype === 'bool') return Uint8Array.from(new Uint32Array(bytes));
  throw new WebGPUBackendError(`webgpu.read: dtype ${dtype} is not supported`);
}

/**
 * The WebGPU backend: a plain object of kernel functions closing over one
 * runtime (device, buffer pools, queue), as the cpu and wasm backends close
 * over their own state.
 */
export function createWebGPUBackend(rt: GpuRuntime): Backend & { readonly runtime: GpuRuntime } {
  return {
    name: 'webgpu',
    dtypes: ['float32', 'int32', 'bool'],
    runtime: rt,

    upload(data, dtype) {
      const words = toDeviceArray(data, dtype);
      return rt.upload('upload', words, data.length);
    },
    fill: (size, value, dtype) => fill(rt, size, value, dtype),
    async read(x, dtype, size) {
      wgslType(dtype, 'read');
      return fromDeviceBytes(await rt.read('read', h(x), size * 4), dtype);
    },
    free: (x) => rt.free(h(x)),

    unary: (op, x, dtype, size) => unary(rt, op, h(x), dtype, size),
    // The same shaders compute the composable ops (sigmoid, tanh, relu, …) core would otherwise compose.
    fusedUnary: (op, x, dtype, size) => unary(rt, op, h(x), dtype, size),
    binary: (op, a, b, shape, dtype) => binary(rt, op, hs(a), hs(b), shape, dtype),
    where: (c, a, b, shape, dtype) => where(rt, hs(c), hs(a), hs(b), shape, dtype),
    clamp: (x, dtype, size, lo, hi) => clamp(rt, h(x), dtype, size, lo, hi),
    cast: (x, from, to, size) => cast(rt, h(x), from, to, size),

    reduce: (op, x, dtype, outer, size, inner) => reduce(rt, op, h(x), dtype, outer, size, inner),
    scan: (op, x, dtype, outer, size, inner) => scan(rt, op, h(x), dtype, outer, size, inner),
    sort: (x, dtype, outer, size, inner, descending) => sort(rt, h(x), dtype, outer, size, inner, descending),
    matmul: (a, b, dtype, p) => matmul(rt, h(a), h(b), dtype, p),

    strided: (x, dtype, outShape, strides, offset) => strided(rt, h(x), dtype, outShape, strides, offset),
    concat: (xs, dtype, outer, widths) => concat(rt, xs.map(h), dtype, outer, widths),
    pad: (x, dtype, shape, before, after, value) => pad(rt, h(x), dtype, shape, before, after, value),

    gather: (x, dtype, outer, n, inner, idx, m) => gather(rt, h(x), dtype, outer, n, inner, h(idx), m),
    scatterAdd: (src, dtype, outer, m, inner, idx, n) => scatterAdd(rt, h(src), dtype, outer, m, inner, h(idx), n),
    scatterReduce: (op, x, src, idx, dtype, p) => scatterReduce(rt, op, h(x), h(src), h(idx), dtype, p),

    im2col: (x, dtype, g, padValue) => im2col(rt, h(x), dtype, g, padValue),
    col2im: (cols, dtype, g) => col2im(rt, h(cols), dtype, g),

    matmulBias: (a, b, bias, dtype, p, activation) => matmul(rt, h(a), h(b), dtype, p, h(bias), activation),
    softmax: (x, dtype, rows, cols) => softmax(rt, h(x), dtype, rows, cols, false),
    logSoftmax: (x, dtype, rows, cols) => softmax(rt, h(x), dtype, rows, cols, true),
    conv2d: (x, w, dtype, g, o, groups) => conv2d(rt, h(x), h(w), dtype, g, o, groups),
    conv2dBackwardInput: (dy, w, dtype, g, o, groups) => conv2dBackwardInput(rt, h(dy), h(w), dtype, g, o, groups),
    conv2dBackwardFilter: (x, dy, dtype, g, o, groups) => conv2dBackwardFilter(rt, h(x), h(dy), dtype, g, o, groups),

    memory: () => ({ liveHandles: rt.liveHandles, liveBytes: rt.liveBytes, reservedBytes: rt.reservedBytes }),
    dispose: () => rt.dispose(),
  };
}
