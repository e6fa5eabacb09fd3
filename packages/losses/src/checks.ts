import * as t from '@tensile/core';

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Elementwise losses take input and target of one shape (PyTorch only warns; we refuse). */
export function checkSameShape(loss: string, input: t.Tensor, target: t.Tensor, targetName = 'target', inputName = 'input'): void {
  if (input.shape.length !== target.shape.length || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new t.ShapeError(`${loss}: ${inputName} ${fmt(input.shape)} and ${targetName} ${fmt(target.shape)} must have the same shape`);
  }
}

/** Losses compute in float: an int or bool input is refused rather than silently truncated. */
export function checkFloat(loss: string, x: t.Tensor, name: string): void {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new t.DTypeError(`${loss}: ${name} must be float32 or float64, got ${x.dtype}`);
  }
}

/** A target or weight in the input's dtype (float32 labels with a float64 input, say). */
export function like(x: t.Tensor, input: t.Tensor): t.Tensor {
  return x.dtype === input.dtype ? x : x.cast(input.dtype);
}

export { fmt as fmtShape };

/** A multi-argument loss names the argument that is missing or not a tensor (a Module called with too few). */
export function checkTensor(loss: string, x: unknown, name: string): asserts x is t.Tensor {
  if (!t.isTensor(x)) throw new t.ArgumentError(`${loss}: ${name} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
}

/** Options that must be finite numbers in a range, named by loss and option. */
export function checkNumber(loss: string, name: string, v: number, ok: (v: number) => boolean, rule: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new t.ArgumentError(`${loss}: ${name} must be ${rule}, got ${v}`);
}
