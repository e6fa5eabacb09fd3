import type { DType } from '../backend/backend.js';
import { record } from '../autograd.js';
import { assertDType, isFloat } from '../dtype.js';
import { engine } from '../engine.js';
import { type Tensor, fromHandle } from '../tensor.js';
import { backendOf } from './util.js';

/** Converts to another dtype; gradients flow between float dtypes only. */
export function cast<D extends DType>(x: Tensor, dtype: D): Tensor<D>;
export function cast(x: Tensor, dtype: DType): Tensor {
  assertDType(dtype, 'cast', 'dtype');
  if (x.dtype === dtype) return x.clone();
  engine().checkDType(dtype, 'cast');
  const b = backendOf('cast', x);
  const out = fromHandle(b, b.cast(x.handle('cast'), x.dtype, dtype, x.size), x.shape, dtype);
  const differentiable = isFloat(x.dtype) && isFloat(dtype);
  return record('cast', [x], out, differentiable ? (g) => [cast(g, x.dtype)] : null);
}
