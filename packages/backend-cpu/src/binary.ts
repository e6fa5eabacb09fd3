import { BackendError, DTypeError } from '@tensile/core';
import type { BinaryOp, DataArray, DType, Shape } from '@tensile/core';
import { allocArray } from './arrays.js';
import { type View, forEachRow } from './rows.js';

/**
 * One strided loop: out[o + j] = f(a[ai + j*as], b[bi + j*bs]) for j < len.
 * Same-shape ops run it once over everything (as = bs = 1), scalar operands
 * get stride 0, a bias add runs it once per row. One function per op keeps
 * the loop body free of closures and dispatch.
 */
type Loop = (out: DataArray, o: number, len: number, a: DataArray, ai: number, as: number, b: DataArray, bi: number, bs: number) => void;

/** Remainder with the sign of the divisor (Python / PyTorch `remainder`). */
function floorMod(x: number, y: number): number {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

/** C's pow (PyTorch's): pow(1, y) = 1 and pow(-1, ±∞) = 1, where Math.pow gives NaN. */
function powC(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return x ** y;
}

/** int32 power by squaring, wrapping like C (Math.pow loses the low bits past 2⁵³); x⁻ⁿ truncates to 0 unless |x| = 1. */
function powInt(x: number, y: number): number {
  if (y < 0) return x === 1 ? 1 : x === -1 ? (y & 1 ? -1 : 1) : 0;
  let r = 1;
  for (; y !== 0; y >>>= 1) {
    if (y & 1) r = Math.imul(r, x);
    x = Math.imul(x, x);
  }
  return r;
}

const floatLoops: Record<BinaryOp, Loop> = {
  add(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] + b[bi];
  },
  sub(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] - b[bi];
  },
  mul(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] * b[bi];
  },
  div(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] / b[bi];
  },
  pow(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = powC(a[ai], b[bi]);
  },
  maximum(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) {
      const x = a[ai];
      const y = b[bi];
      // x !== x is true only for NaN, which must win.
      out[o + j] = x > y || x !== x ? x : y;
    }
  },
  minimum(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) {
      const x = a[ai];
      const y = b[bi];
      out[o + j] = x < y || x !== x ? x : y;
    }
  },
  mod(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = floorMod(a[ai], b[bi]);
  },
  atan2(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = Math.atan2(a[ai], b[bi]);
  },
  eq(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] === b[bi] ? 1 : 0;
  },
  ne(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] !== b[bi] ? 1 : 0;
  },
  lt(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] < b[bi] ? 1 : 0;
  },
  le(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] <= b[bi] ? 1 : 0;
  },
  gt(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] > b[bi] ? 1 : 0;
  },
  ge(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] >= b[bi] ? 1 : 0;
  },
  and(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] !== 0 && b[bi] !== 0 ? 1 : 0;
  },
  or(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = a[ai] !== 0 || b[bi] !== 0 ? 1 : 0;
  },
};

/** int32 arithmetic wraps like C; division truncates toward zero. */
const intLoops: Record<BinaryOp, Loop> = {
  ...floatLoops,
  add(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = (a[ai] + b[bi]) | 0;
  },
  sub(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = (a[ai] - b[bi]) | 0;
  },
  mul(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = Math.imul(a[ai], b[bi]);
  },
  div(out, o, len, a, ai, as, b, bi, bs) {
    // Division by zero gives 0 (|0 of ±Infinity/NaN): C leaves it undefined.
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = (a[ai] / b[bi]) | 0;
  },
  pow(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = powInt(a[ai], b[bi]);
  },
  mod(out, o, len, a, ai, as, b, bi, bs) {
    for (let j = 0; j < len; j++, ai += as, bi += bs) out[o + j] = floorMod(a[ai], b[bi]) | 0;
  },
};

const BOOL_RESULT: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or']);

/** The dtype a binary op produces from inputs of `dtype`. */
export function binaryResultDType(op: BinaryOp, dtype: DType): DType {
  return BOOL_RESULT.has(op) ? 'bool' : dtype;
}

/**
 * Elementwise a (op) b over the iteration `shape`, each operand read through
 * the view core laid out (broadcast and collapsed): out is dense.
 */
export function binary(op: BinaryOp, a: DataArray, av: View, b: DataArray, bv: View, shape: Shape, dtype: DType): DataArray {
  const loop = (dtype === 'int32' ? intLoops : floatLoops)[op];
  if (loop === undefined) throw new BackendError(`cpu backend: binary: unknown op '${op}'`);
  if (dtype === 'bool' && !BOOL_RESULT.has(op) && op !== 'maximum' && op !== 'minimum') {
    throw new DTypeError(`cpu backend: binary '${op}' is not defined for dtype bool (cast first)`);
  }
  let size = 1;
  for (const d of shape) size *= d;
  const out = allocArray(binaryResultDType(op, dtype), size);
  if (size === 0) return out;
  const rank = shape.length;
  // Rank 1 (what core sends same-shape and scalar ops): one loop over everything.
  if (rank <= 1) {
    loop(out, 0, size, a, av.offset, rank ? av.strides[0] : 0, b, bv.offset, rank ? bv.strides[0] : 0);
    return out;
  }
  const as = av.strides[rank - 1];
  const bs = bv.strides[rank - 1];
  const len = shape[rank - 1];
  forEachRow(shape, [av.strides, bv.strides], (offsets, o) =>
    loop(out, o, len, a, av.offset + offsets[0], as, b, bv.offset + offsets[1], bs),
  );
  return out;
}
