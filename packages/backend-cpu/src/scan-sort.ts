import { BackendError } from '@tensile/core';
import type { DataArray, DType, ScanOp } from '@tensile/core';
import { allocLike } from './arrays.js';

/*
 * Scans and sorts along the middle axis of x viewed as [outer, size, inner]:
 * row (o, j) is x[o*size*inner + i*inner + j] for i < size.
 */

/** log(exp(a) + exp(b)) without overflow; -Inf is the identity, +Inf absorbs. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  if (a === Infinity || b === Infinity) return a !== a || b !== b ? Number.NaN : Infinity;
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** Inclusive scan of each row; int32 wraps as C, floats accumulate in doubles and round on store. */
export function scan(op: ScanOp, x: DataArray, dtype: DType, outer: number, size: number, inner: number): DataArray {
  const out = allocLike(x, x.length);
  const wrap = dtype === 'int32';
  const combine: (acc: number, v: number) => number =
    op === 'sum'
      ? wrap
        ? (acc, v) => (acc + v) | 0
        : (acc, v) => acc + v
      : op === 'prod'
        ? wrap
          ? Math.imul
          : (acc, v) => acc * v
        : op === 'logsumexp'
          ? logAddExp
          : unknownScan(op);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let at = o * size * inner + j;
      if (size === 0) continue;
      let acc = x[at];
      out[at] = acc;
      for (let i = 1; i < size; i++) {
        at += inner;
        acc = combine(acc, x[at]);
        out[at] = acc;
      }
    }
  }
  return out;
}

function unknownScan(op: never): never {
  throw new BackendError(`cpu backend: scan: unknown op '${op as string}'`);
}

/** a before b ascending: NaN above everything (+Inf included); equal values compare equal (the sort is stable). */
function ascending(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A stable sort of each row: values and the int32 positions they came from.
 * Array.prototype.sort is stable (ES2019), so equal values keep input order
 * in both directions.
 */
export function sort(
  x: DataArray,
  outer: number,
  size: number,
  inner: number,
  descending: boolean,
): { values: DataArray; indices: Int32Array } {
  const values = allocLike(x, x.length);
  const indices = new Int32Array(x.length);
  const order = Array.from({ length: size }, (_, i) => i);
  const row = new Float64Array(size);
  const compare = descending ? (a: number, b: number) => ascending(row[b], row[a]) : (a: number, b: number) => ascending(row[a], row[b]);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      for (let i = 0; i < size; i++) {
        row[i] = x[base + i * inner];
        order[i] = i;
      }
      order.sort(compare);
      for (let i = 0; i < size; i++) {
        values[base + i * inner] = row[order[i]];
        indices[base + i * inner] = order[i];
      }
    }
  }
  return { values, indices };
}
