import { ArgumentError, BackendError } from '@tensile/core';
import type { DataArray, DType, ReduceOp } from '@tensile/core';
import { allocLike } from './arrays.js';

/*
 * Reductions over the middle axis of x viewed as [outer, size, inner].
 * inner === 1 (the last axis) reduces each contiguous run in a local
 * accumulator; otherwise rows of `inner` are combined elementwise so the
 * inner loop stays contiguous. Float sums and products accumulate in doubles.
 */

function sumLast(x: DataArray, out: DataArray, outer: number, size: number, wrap: boolean): void {
  for (let o = 0, base = 0; o < outer; o++, base += size) {
    let acc = 0;
    if (wrap) for (let s = 0; s < size; s++) acc = (acc + x[base + s]) | 0;
    else for (let s = 0; s < size; s++) acc += x[base + s];
    out[o] = acc;
  }
}

function prodLast(x: DataArray, out: DataArray, outer: number, size: number, wrap: boolean): void {
  for (let o = 0, base = 0; o < outer; o++, base += size) {
    let acc = 1;
    if (wrap) for (let s = 0; s < size; s++) acc = Math.imul(acc, x[base + s]);
    else for (let s = 0; s < size; s++) acc *= x[base + s];
    out[o] = acc;
  }
}

/** max (sign 1) or min (sign -1) over the last axis; a NaN wins and ends the scan. */
function extremeLast(x: DataArray, out: DataArray, outer: number, size: number, isMax: boolean): void {
  for (let o = 0, base = 0; o < outer; o++, base += size) {
    let best = isMax ? -Infinity : Infinity;
    for (let s = 0; s < size; s++) {
      const v = x[base + s];
      if (v !== v) {
        best = v;
        break;
      }
      if (isMax ? v > best : v < best) best = v;
    }
    out[o] = best;
  }
}

/** Index of the first max/min (or first NaN) over the last axis. */
function argExtremeLast(x: DataArray, out: Int32Array, outer: number, size: number, isMax: boolean): void {
  for (let o = 0, base = 0; o < outer; o++, base += size) {
    let best = isMax ? -Infinity : Infinity;
    let index = 0;
    for (let s = 0; s < size; s++) {
      const v = x[base + s];
      if (v !== v) {
        index = s;
        break;
      }
      // Strict comparison keeps the first index on ties; a row of all -Inf picks 0.
      if (isMax ? v > best : v < best) {
        best = v;
        index = s;
      }
    }
    out[o] = index;
  }
}

function sumInner(x: DataArray, out: DataArray, outer: number, size: number, inner: number, wrap: boolean, isProd: boolean): void {
  const acc = wrap ? new Int32Array(inner) : new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(isProd ? 1 : 0);
    let base = o * size * inner;
    for (let s = 0; s < size; s++, base += inner) {
      if (isProd) {
        if (wrap) for (let j = 0; j < inner; j++) acc[j] = Math.imul(acc[j], x[base + j]);
        else for (let j = 0; j < inner; j++) acc[j] *= x[base + j];
      } else {
        // Int32Array storage wraps the sum like C.
        for (let j = 0; j < inner; j++) acc[j] += x[base + j];
      }
    }
    out.set(acc, o * inner);
  }
}

function extremeInner(x: DataArray, out: DataArray, outer: number, size: number, inner: number, isMax: boolean): void {
  const best = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    best.fill(isMax ? -Infinity : Infinity);
    let base = o * size * inner;
    for (let s = 0; s < size; s++, base += inner) {
      for (let j = 0; j < inner; j++) {
        const v = x[base + j];
        // Once best[j] is NaN no number replaces it; a new NaN always does.
        if ((isMax ? v > best[j] : v < best[j]) || v !== v) best[j] = v;
      }
    }
    out.set(best, o * inner);
  }
}

function argExtremeInner(x: DataArray, out: Int32Array, outer: number, size: number, inner: number, isMax: boolean): void {
  const best = new Float64Array(inner);
  const index = new Int32Array(inner);
  for (let o = 0; o < outer; o++) {
    best.fill(isMax ? -Infinity : Infinity);
    index.fill(0);
    let base = o * size * inner;
    for (let s = 0; s < size; s++, base += inner) {
      for (let j = 0; j < inner; j++) {
        const v = x[base + j];
        const b = best[j];
        // The first NaN wins (b === b: no NaN recorded yet); ties keep the first index.
        if ((isMax ? v > b : v < b) || (v !== v && b === b)) {
          best[j] = v;
          index[j] = s;
        }
      }
    }
    out.set(index, o * inner);
  }
}

/** Reduces x [outer, size, inner] to [outer, inner]. */
export function reduce(op: ReduceOp, x: DataArray, dtype: DType, outer: number, size: number, inner: number): DataArray {
  const count = outer * inner;
  const wrap = dtype === 'int32';
  if (op === 'argmax' || op === 'argmin') {
    const out = new Int32Array(count);
    if (size === 0 || count === 0) return out;
    if (inner === 1) argExtremeLast(x, out, outer, size, op === 'argmax');
    else argExtremeInner(x, out, outer, size, inner, op === 'argmax');
    return out;
  }
  const out = allocLike(x, count);
  if (count === 0) return out;
  switch (op) {
    case 'sum':
      if (inner === 1) sumLast(x, out, outer, size, wrap);
      else sumInner(x, out, outer, size, inner, wrap, false);
      break;
    case 'prod':
      if (inner === 1) prodLast(x, out, outer, size, wrap);
      else sumInner(x, out, outer, size, inner, wrap, true);
      break;
    case 'max':
    case 'min':
      if (dtype === 'int32' && size === 0) {
        throw new ArgumentError(`cpu backend: reduce '${op}' over an empty axis has no int32 value (±Infinity)`);
      }
      if (inner === 1) extremeLast(x, out, outer, size, op === 'max');
      else extremeInner(x, out, outer, size, inner, op === 'max');
      break;
    default:
      throw new BackendError(`cpu backend: reduce: unknown op '${op}'`);
  }
  return out;
}
