/**
 * Errors thrown by Tensile. Each names the op, the shapes or dtypes and the
 * parameter at fault, and is thrown before any kernel is queued.
 */
export class TensileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together: `matmul: inner dimensions differ: [32,784] x [128,10]`. */
export class ShapeError extends TensileError {}

/** A dtype an op cannot take, or two that do not mix. */
export class DTypeError extends TensileError {}

/** Any other bad argument: an axis out of range, a negative size, a disposed tensor. */
export class ArgumentError extends TensileError {}

/** Formats a shape as `[2,3]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
