import { ArgumentError, ShapeError, fmtShape } from './errors.js';

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a dense tensor. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** NumPy broadcasting of two shapes; throws naming the op when they do not broadcast. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast (axis ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative axis against a rank. */
export function normalizeAxis(op: string, axis: number, rank: number, param = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ArgumentError(`${op}: ${param} ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalises an axis list (or undefined = all axes), sorted and without duplicates. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined | null, rank: number): number[] {
  if (axes === undefined || axes === null) return [...Array(rank).keys()];
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(out).size !== out.length) throw new ArgumentError(`${op}: repeated axis in [${list.join(',')}]`);
  return out.sort((x, y) => x - y);
}

/** Most axes a tensor may have (NumPy 2's limit); deeper nesting is a mistake, not data. */
export const MAX_RANK = 64;

/**
 * Validates a shape at the boundary, once, before anything is allocated or
 * queued: a list (at most MAX_RANK long) of non-negative integers whose
 * product is an exact integer (at most 2^53 - 1). Whether the backend can
 * hold that many elements is the backend's to say (OutOfMemoryError).
 * Returns a plain copy, so later mutation of the caller's array is harmless.
 *
 * @example
 * checkShape('zeros', [2, 3]) // [2, 3]
 * checkShape('arange', [NaN], 'length') // throws ShapeError naming arange and length
 */
export function checkShape(op: string, shape: unknown, param = 'shape'): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(`${op}: ${param} must be an array of non-negative integers, got ${describe(shape)}`);
  }
  if (shape.length > MAX_RANK) {
    throw new ShapeError(`${op}: ${param} has ${shape.length} axes; at most ${MAX_RANK} are allowed`);
  }
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      const shown = shape.map((x) => (typeof x === 'number' ? String(x) : describe(x))).join(',');
      const tooLarge = Number.isInteger(d) && (d as number) > 0 ? ', beyond 2^53 - 1' : '';
      throw new ShapeError(`${op}: ${param} [${shown}] must hold non-negative integers (axis ${i} is ${describe(d)}${tooLarge})`);
    }
    size *= d;
  }
  if (!Number.isSafeInteger(size)) {
    throw new ShapeError(`${op}: ${param} ${fmtShape(shape)} has ${size} elements, more than any tensor can hold (2^53 - 1)`);
  }
  return [...shape] as number[];
}

/** A value as an error message shows it: numbers as written, strings quoted, others by type. */
function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
