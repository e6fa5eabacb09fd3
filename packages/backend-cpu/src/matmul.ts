import { DTypeError } from '@tensile/core';
import type { DataArray, DType, MatmulParams } from '@tensile/core';
import { allocArray, type FloatArray } from './arrays.js';
import { gemm, gemmInt32 } from './gemm.js';

/** Batched out[b] = op(a[b]) · op(b[b]) (see MatmulParams); returns [batch, m, n]. */
export function matmul(a: DataArray, b: DataArray, dtype: DType, p: MatmulParams): DataArray {
  const { batch, m, k, n, transA, transB, aBatched, bBatched } = p;
  if (dtype === 'bool') throw new DTypeError('cpu backend: matmul is not defined for dtype bool (cast first)');
  const out = allocArray(dtype, batch * m * n);
  if (out.length === 0 || k === 0) return out;
  const aStride = aBatched ? m * k : 0;
  const bStride = bBatched ? k * n : 0;
  if (dtype === 'int32') {
    for (let i = 0; i < batch; i++) {
      gemmInt32(a as Int32Array, i * aStride, b as Int32Array, i * bStride, out as Int32Array, i * m * n, m, k, n, transA, transB);
    }
    return out;
  }
  // A batch of row-major A sharing one B is a single tall product: B is packed once.
  if (aBatched && !bBatched && !transA) {
    gemm(a as FloatArray, 0, b as FloatArray, 0, out as FloatArray, 0, batch * m, k, n, false, transB);
    return out;
  }
  for (let i = 0; i < batch; i++) {
    gemm(a as FloatArray, i * aStride, b as FloatArray, i * bStride, out as FloatArray, i * m * n, m, k, n, transA, transB);
  }
  return out;
}

/** act(a·b + bias), bias of length n added to every output row. */
export function matmulBias(
  a: DataArray,
  b: DataArray,
  bias: DataArray,
  dtype: DType,
  p: MatmulParams,
  activation: 'none' | 'relu',
): DataArray {
  const out = matmul(a, b, dtype, p);
  const n = p.n;
  // Storing into an Int32Array wraps the int32 sum like C, so one loop serves every dtype.
  if (activation === 'relu') {
    for (let row = 0; row < out.length; row += n) {
      for (let j = 0; j < n; j++) {
        const v = out[row + j] + bias[j];
        out[row + j] = v < 0 ? 0 : v;
      }
    }
  } else {
    for (let row = 0; row < out.length; row += n) {
      for (let j = 0; j < n; j++) out[row + j] += bias[j];
    }
  }
  return out;
}
