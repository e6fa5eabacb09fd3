import { BackendError, OutOfMemoryError } from '@tensile/core';
import type { Backend, BackendMemory, DataArray, DType, Handle } from '@tensile/core';
import { allocArray } from './arrays.js';
import { binary } from './binary.js';
import { cast } from './cast.js';
import { col2im, conv2d, conv2dBackwardFilter, conv2dBackwardInput, im2col } from './conv.js';
import { gather, scatterAdd } from './gather.js';
import { scatterReduce } from './scatter.js';
import { matmul, matmulBias } from './matmul.js';
import { reduce } from './reduce.js';
import { scan, sort } from './scan-sort.js';
import { logSoftmax, softmax } from './softmax.js';
import { concat, pad, strided } from './strided.js';
import { addScaled, clamp, unary } from './unary.js';
import { where } from './where.js';

/** A cpu handle: the typed array itself, dropped on free so a use after free fails loudly. */
class CpuHandle implements Handle {
  declare readonly __tensileHandle?: unknown;
  constructor(public data: DataArray | null) {}
}

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/**
 * Creates the cpu backend: every kernel in TypeScript on typed arrays,
 * synchronous (readSync works), float32, float64, int32 and bool.
 *
 * @example
 * import * as t from '@tensile/core';
 * import { cpu } from '@tensile/backend-cpu';
 * await t.setBackend(cpu());
 */
export function cpu(): Backend {
  let liveHandles = 0;
  let liveBytes = 0;

  function wrap(data: DataArray): Handle {
    liveHandles++;
    liveBytes += data.byteLength;
    return new CpuHandle(data);
  }

  function get(h: Handle, op: string): DataArray {
    if (!(h instanceof CpuHandle)) {
      throw new BackendError(`cpu backend: ${op}: the handle was not made by a cpu backend`);
    }
    if (h.data === null) throw new BackendError(`cpu backend: ${op}: the handle was already freed`);
    return h.data;
  }

  return guardAllocations({
    name: 'cpu',
    dtypes: DTYPES,

    upload(data, dtype) {
      const out = allocArray(dtype, data.length);
      if (dtype === 'bool') for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? 1 : 0;
      else out.set(data);
      return wrap(out);
    },
    fill(size, value, dtype) {
      const out = allocArray(dtype, size);
      if (value !== 0) out.fill(dtype === 'bool' ? (value !== 0 ? 1 : 0) : value);
      return wrap(out);
    },
    read(x) {
      // A copy: the caller may write to it, handles never change.
      return Promise.resolve(get(x, 'read').slice());
    },
    readSync(x) {
      return get(x, 'readSync').slice();
    },
    free(x) {
      const data = get(x, 'free');
      liveHandles--;
      liveBytes -= data.byteLength;
      (x as CpuHandle).data = null;
    },
    memory(): BackendMemory {
      return { liveHandles, liveBytes };
    },

    unary: (op, x, dtype) => wrap(unary(op, get(x, `unary '${op}'`), dtype)),
    // The same loops compute the composable ops (sigmoid, tanh, relu, …) core would otherwise compose.
    fusedUnary: (op, x, dtype) => wrap(unary(op, get(x, `unary '${op}'`), dtype)),
    binary: (op, a, b, shape, dtype) =>
      wrap(binary(op, get(a.handle, `binary '${op}'`), a, get(b.handle, `binary '${op}'`), b, shape, dtype)),
    where: (cond, a, b, shape) =>
      wrap(where(get(cond.handle, 'where') as Uint8Array, cond, get(a.handle, 'where'), a, get(b.handle, 'where'), b, shape)),
    clamp: (x, _dtype, _size, lo, hi) => wrap(clamp(get(x, 'clamp'), lo, hi)),
    addScaled: (a, b, alpha) => wrap(addScaled(get(a, 'addScaled'), get(b, 'addScaled'), alpha)),
    cast: (x, _from, to) => wrap(cast(get(x, 'cast'), to)),

    reduce: (op, x, dtype, outer, size, inner) => wrap(reduce(op, get(x, `reduce '${op}'`), dtype, outer, size, inner)),
    scan: (op, x, dtype, outer, size, inner) => wrap(scan(op, get(x, `scan '${op}'`), dtype, outer, size, inner)),
    sort: (x, _dtype, outer, size, inner, descending) => {
      const { values, indices } = sort(get(x, 'sort'), outer, size, inner, descending);
      return { values: wrap(values), indices: wrap(indices) };
    },
    matmul: (a, b, dtype, p) => wrap(matmul(get(a, 'matmul'), get(b, 'matmul'), dtype, p)),

    strided: (x, _dtype, outShape, strides, offset) => wrap(strided(get(x, 'strided'), outShape, strides, offset)),
    concat: (xs, dtype, outer, widths) => {
      const arrays = xs.map((x) => get(x, 'concat'));
      return wrap(concat(arrays, arrays[0] ?? allocArray(dtype, 0), outer, widths));
    },
    pad: (x, _dtype, shape, before, after, value) => wrap(pad(get(x, 'pad'), shape, before, after, value)),

    gather: (x, _dtype, outer, n, inner, indices, m) =>
      wrap(gather(get(x, 'gather'), outer, n, inner, get(indices, 'gather') as Int32Array, m)),
    scatterAdd: (src, _dtype, outer, m, inner, indices, n) =>
      wrap(scatterAdd(get(src, 'scatterAdd'), outer, m, inner, get(indices, 'scatterAdd') as Int32Array, n)),
    scatterReduce: (op, x, src, index, _dtype, p) =>
      wrap(scatterReduce(op, get(x, 'scatterReduce'), get(src, 'scatterReduce'), get(index, 'scatterReduce') as Int32Array, p)),

    im2col: (x, _dtype, g, padValue) => wrap(im2col(get(x, 'im2col'), g, padValue)),
    col2im: (cols, _dtype, g) => wrap(col2im(get(cols, 'col2im'), g)),

    matmulBias: (a, b, bias, dtype, p, activation) =>
      wrap(matmulBias(get(a, 'matmulBias'), get(b, 'matmulBias'), get(bias, 'matmulBias'), dtype, p, activation)),
    softmax: (x, _dtype, rows, cols) => wrap(softmax(get(x, 'softmax'), rows, cols)),
    logSoftmax: (x, _dtype, rows, cols) => wrap(logSoftmax(get(x, 'logSoftmax'), rows, cols)),
    conv2d: (x, w, _dtype, g, outChannels, groups) => wrap(conv2d(get(x, 'conv2d'), get(w, 'conv2d'), g, outChannels, groups)),
    conv2dBackwardInput: (dy, w, _dtype, g, outChannels, groups) =>
      wrap(conv2dBackwardInput(get(dy, 'conv2dBackwardInput'), get(w, 'conv2dBackwardInput'), g, outChannels, groups)),
    conv2dBackwardFilter: (x, dy, _dtype, g, outChannels, groups) =>
      wrap(conv2dBackwardFilter(get(x, 'conv2dBackwardFilter'), get(dy, 'conv2dBackwardFilter'), g, outChannels, groups)),
  });
}

/**
 * Names the kernel in allocation failures. Every kernel allocates its output
 * (through allocArray, which throws OutOfMemoryError instead of a bare
 * RangeError) before `wrap` counts it, so a refused request leaves the
 * handle and byte counts exactly as they were.
 */
function guardAllocations(backend: Backend): Backend {
  const guarded: Record<string, unknown> = { ...backend };
  for (const [name, kernel] of Object.entries(backend)) {
    if (typeof kernel !== 'function' || name === 'memory' || name === 'free') continue;
    guarded[name] = (...args: unknown[]) => {
      try {
        return (kernel as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        if (!(error instanceof OutOfMemoryError)) throw error;
        const detail = /; limit [^;]+; (.*)$/.exec(error.message)?.[1] ?? '';
        throw new OutOfMemoryError(`cpu backend: ${name}`, error.requestedBytes, error.limitBytes, detail);
      }
    };
  }
  return guarded as unknown as Backend;
}
