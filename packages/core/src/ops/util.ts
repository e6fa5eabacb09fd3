import type { Backend, DType } from '../backend/backend.js';
import { allocArray } from '../dtype.js';
import { ArgumentError } from '../errors.js';
import { Tensor, fromHandle } from '../tensor.js';

/** A scalar or tensor operand of a binary op. */
export type TensorLike = Tensor | number;

/** The backend all inputs share; throws naming the op when they differ or one is disposed. */
export function backendOf(op: string, ...inputs: Tensor[]): Backend {
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: input ${i} must be a tensor, got ${describe(x)}`);
  });
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
export function asTensor(v: TensorLike, like: Tensor, op = 'op', param = 'input'): Tensor {
  if (v instanceof Tensor) return v;
  checkOperand(op, param, v);
  let dtype = like.dtype;
  if (dtype === 'bool' || (dtype === 'int32' && !Number.isInteger(v))) dtype = Number.isInteger(v) ? 'int32' : 'float32';
  return scalarOn(like.backend, v, dtype);
}

/**
 * The two operands of a binary op as tensors: a number becomes a scalar next
 * to the other operand. Anything that is neither a tensor nor a number (an
 * object, a string, undefined, a boolean) is refused, naming the op and what
 * it got, before it can turn into NaN.
 */
export function tensorOperands(
  op: string,
  x: TensorLike,
  y: TensorLike,
  names: readonly [string, string] = ['input', 'other'],
): [Tensor, Tensor] {
  checkOperand(op, names[0], x);
  checkOperand(op, names[1], y);
  const like = x instanceof Tensor ? x : y instanceof Tensor ? y : null;
  if (!like) throw new ArgumentError(`${op}: needs at least one tensor operand, got two numbers (${x}, ${y}); use t.tensor(${x})`);
  const xt = asTensor(x, like, op, names[0]);
  return [xt, asTensor(y, xt, op, names[1])];
}

/** Throws unless v is a tensor (of any copy of core) or a number. */
export function checkOperand(op: string, param: string, v: unknown): asserts v is TensorLike {
  if (v instanceof Tensor || typeof v === 'number') return;
  throw new ArgumentError(`${op}: '${param}' must be a tensor or a number, got ${describe(v)}`);
}

/** Throws unless v is a number (NaN and ±Infinity included: they are numbers a user may mean). */
export function checkScalar(op: string, param: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') throw new ArgumentError(`${op}: '${param}' must be a number, got ${describe(v)}`);
}

/** What a bad argument is, for error messages: `a string ("1")`, `an object with keys {a, b}`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)})`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (typeof v === 'bigint') return `a bigint (${v}n)`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (Array.isArray(v)) return `an array of length ${v.length} (wrap it with t.tensor())`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} (wrap it with t.tensor())`;
  const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
  const cls = proto?.constructor?.name;
  if (cls && cls !== 'Object') return `an instance of ${cls}`;
  const keys = Object.keys(v as object);
  return keys.length ? `an object with keys {${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}}` : 'an empty object {}';
}
