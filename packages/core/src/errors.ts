import { ERROR_BRAND, brandPrototype, brandedInstanceOf } from './brand.js';

/**
 * Errors thrown by Tensile. Each names the op, the shapes or dtypes and the
 * parameter at fault, and is thrown before any kernel is queued.
 */
export class TensileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  static {
    brandPrototype(this.prototype, ERROR_BRAND);
  }

  /** `instanceof` also holds for the errors of another copy of @tensile/core (matched by class name). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedInstanceOf(this, value, ERROR_BRAND);
  }
}

/** Shapes that do not fit together: `matmul: inner dimensions differ: [32,784] x [128,10]`. */
export class ShapeError extends TensileError {}

/** A dtype an op cannot take, or two that do not mix. */
export class DTypeError extends TensileError {}

/** Any other bad argument: an axis out of range, a negative size, a disposed tensor. */
export class ArgumentError extends TensileError {}

/**
 * An allocation the backend cannot satisfy. Thrown before anything changes:
 * after it the backend is exactly as it was, and smaller requests still work.
 */
export class OutOfMemoryError extends TensileError {
  constructor(
    /** Who asked: `wasm backend: alloc`, `cpu backend: zeros`… */
    readonly where: string,
    /** Bytes asked for. */
    readonly requestedBytes: number,
    /** The most the backend can hold, in bytes (Infinity when unknown). */
    readonly limitBytes: number,
    detail = '',
  ) {
    const limit = Number.isFinite(limitBytes) ? `${limitBytes} bytes` : 'unknown';
    super(`${where}: out of memory: asked for ${requestedBytes} bytes; limit ${limit}${detail ? `; ${detail}` : ''}`);
  }
}

/** A backend failed in a way that is not the caller's input: a kernel error, a stuck thread pool, a lost device. */
export class BackendError extends TensileError {}

/** Formats a shape as `[2,3]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
