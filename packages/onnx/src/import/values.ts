/**
 * What flows along an imported graph's edges: a Tensor (data the model
 * computes on, with gradients) or a HostValue (shapes, indices and scalars
 * that PyTorch's exporter computes with Shape/Gather/Concat). Shape
 * arithmetic stays on the host, so it never touches a backend.
 */
import * as t from '@tensile/core';
import { host, isHost, type HostDType, type HostValue } from '../ir.js';
import { OnnxUnsupportedError } from '../errors.js';

export type Value = t.Tensor | HostValue;

const isFloatHost = (d: HostDType) => d === 'float32' || d === 'float64';

/** A host value as a tensor: floats as float32 (or float64), integers as int32, bools as bool. */
export function toTensor(v: Value, like?: t.Tensor): t.Tensor {
  if (!isHost(v)) return v;
  let dtype: t.DType = isFloatHost(v.dtype) ? (v.dtype as t.DType) : v.dtype === 'bool' ? 'bool' : 'int32';
  if (like && t.isFloat(like.dtype) && dtype !== 'bool') dtype = like.dtype;
  return t.tensor(Array.from(v.data), { dtype }).reshape([...v.shape]);
}

/** The integers of a host value (a shape, axes, indices). */
export function ints(v: Value | undefined, what: string): number[] {
  if (v === undefined) throw new OnnxUnsupportedError(`${what} is missing`);
  if (!isHost(v))
    throw new OnnxUnsupportedError(
      `${what} is computed from tensor values at run time; only constant or shape-derived values are supported there`,
    );
  return v.data.map((x) => Math.trunc(x));
}

export function shapeOf(v: Value): readonly number[] {
  return v.shape;
}

const broadcastIndex = (shape: readonly number[], out: readonly number[], flat: number): number => {
  let idx = 0;
  let stride = 1;
  let rem = flat;
  const offset = out.length - shape.length;
  const coords = new Array<number>(out.length);
  for (let d = out.length - 1; d >= 0; d--) {
    coords[d] = rem % (out[d] as number);
    rem = Math.floor(rem / (out[d] as number));
  }
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    idx += (size === 1 ? 0 : (coords[d + offset] as number)) * stride;
    stride *= size;
  }
  return idx;
};

/** An elementwise op on two host values, with ONNX broadcasting (integer division truncates). */
export function hostBinary(a: HostValue, b: HostValue, f: (x: number, y: number) => number): HostValue {
  const out = t.broadcastShapes('onnx host op', a.shape, b.shape);
  const n = t.sizeOf(out);
  const data = new Array<number>(n);
  const intResult = !isFloatHost(a.dtype) && !isFloatHost(b.dtype);
  for (let i = 0; i < n; i++) {
    const r = f(a.data[broadcastIndex(a.shape, out, i)] as number, b.data[broadcastIndex(b.shape, out, i)] as number);
    data[i] = intResult ? Math.trunc(r) : r;
  }
  return host(isFloatHost(a.dtype) ? a.dtype : b.dtype, out, data);
}

export { host, isHost };
