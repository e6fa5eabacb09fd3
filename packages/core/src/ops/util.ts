import type { Backend, DType } from '../backend/backend.js';
import { allocArray } from '../dtype.js';
import { ArgumentError } from '../errors.js';
import { Tensor, fromHandle } from '../tensor.js';

/** A scalar or tensor operand of a binary op. */
export type TensorLike = Tensor | number;

/** The backend all inputs share; throws naming the op when they differ or one is disposed. */
export function backendOf(op: string, ...inputs: Tensor[]): Backend {
  const b = inputs[0].backend;
  for (const x of inputs) {
    x.assertUsable(op);
    if (x.backend !== b) {
      throw new ArgumentError(`${op}: inputs live on different backends ('${b.name}' and '${x.backend.name}'); move one first`);
    }
  }
  return b;
}

/** A 0-d tensor holding value, on the given backend. */
export function scalarOn(backend: Backend, value: number, dtype: DType): Tensor {
  const data = allocArray(dtype, 1);
  data[0] = value;
  return fromHandle(backend, backend.upload(data, dtype), [], dtype);
}

/** Turns a number operand into a tensor next to `like`; int tensors stay int for integer scalars. */
export function asTensor(v: TensorLike, like: Tensor): Tensor {
  if (v instanceof Tensor) return v;
  let dtype = like.dtype;
  if (dtype === 'bool' || (dtype === 'int32' && !Number.isInteger(v))) dtype = Number.isInteger(v) ? 'int32' : 'float32';
  return scalarOn(like.backend, v, dtype);
}
