/**
 * One declaration per movement op: the ops that only re-lay out their input
 * (layout.ts) and so return views that allocate nothing. Each line gives the
 * op itself, an independent float64 reference of it (its shape rule and the
 * input index each output entry reads) and the arguments the conformance
 * suite tries, from which that suite derives, on every backend, the forward
 * check against the reference, the 0-byte view check, gradcheck and
 * gradgradcheck.
 */
import type { Tensor } from '../tensor.js';
import type { SliceRange } from './shape.js';
import { expand, flatten, flip, narrow, permute, reshape, slice, squeeze, transpose, unsqueeze } from './shape.js';

/** A movement op's reference: the output shape, and the input index that output index `out` reads. */
export interface MovementRef<A extends readonly unknown[]> {
  readonly shape: (inShape: readonly number[], ...args: A) => number[];
  readonly source: (out: readonly number[], inShape: readonly number[], ...args: A) => number[];
}

export interface MovementDecl<A extends readonly unknown[]> {
  /** The op (also the Tensor method of the same name). */
  readonly fn: (x: Tensor, ...args: A) => Tensor;
  readonly ref: MovementRef<A>;
  /** Input shapes and arguments for the conformance suite (negative axes, steps and size-1 axes included). */
  readonly cases: readonly (readonly [shape: readonly number[], ...args: A])[];
}

const axis = (a: number, rank: number) => (a < 0 ? a + rank : a);

/** The row-major multi-index of flat position `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

/** The row-major flat position of `idx` in `shape`. */
function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((flat, i, d) => flat * shape[d] + i, 0);
}

/** Reshape-like ops read the same row-major position. */
const sameOrder =
  <A extends readonly unknown[]>(shapeOf: (inShape: readonly number[], ...args: A) => number[]) =>
  (out: readonly number[], inShape: readonly number[], ...args: A) =>
    unravel(ravel(out, shapeOf(inShape, ...args)), inShape);

const reshapeShape = (inShape: readonly number[], target: readonly number[]): number[] => {
  const size = inShape.reduce((p, d) => p * d, 1);
  const known = target.reduce((p, d) => (d === -1 ? p : p * d), 1);
  return target.map((d) => (d === -1 ? size / known : d));
};
const squeezeShape = (inShape: readonly number[], ax?: number | readonly number[]): number[] => {
  const list = ax === undefined ? null : (typeof ax === 'number' ? [ax] : ax).map((a) => axis(a, inShape.length));
  return inShape.filter((d, i) => d !== 1 || (list !== null && !list.includes(i)));
};
const unsqueezeShape = (inShape: readonly number[], a: number): number[] => {
  const at = axis(a, inShape.length + 1);
  return [...inShape.slice(0, at), 1, ...inShape.slice(at)];
};
const flattenShape = (inShape: readonly number[], start = 0, end = -1): number[] => {
  if (inShape.length === 0) return [1];
  const [s, e] = [axis(start, inShape.length), axis(end, inShape.length)];
  return [...inShape.slice(0, s), inShape.slice(s, e + 1).reduce((p, d) => p * d, 1), ...inShape.slice(e + 1)];
};
const swap = (rank: number, a: number, b: number): number[] => {
  const perm = [...Array(rank).keys()];
  if (rank < 2) return perm;
  const [i, j] = [axis(a, rank), axis(b, rank)];
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return perm;
};

/** Python's range over one axis of slice(): start, step and length, from a SliceRange. */
function sliceAxis(n: number, r: SliceRange): [start: number, step: number, length: number] {
  if (typeof r === 'number') return [r < 0 ? r + n : r, 1, 1];
  const step = r?.[2] ?? 1;
  const clamp = (v: number | null | undefined, dflt: number) => {
    if (v === null || v === undefined) return dflt;
    const i = v < 0 ? v + n : v;
    return step > 0 ? Math.min(Math.max(i, 0), n) : Math.min(Math.max(i, -1), n - 1);
  };
  const start = clamp(r?.[0], step > 0 ? 0 : n - 1);
  const stop = clamp(r?.[1], step > 0 ? n : -1);
  return [start, step, Math.max(0, Math.ceil((stop - start) / step))];
}

/** Typed per op, so a line's reference and cases must match its function's arguments. */
function decl<A extends readonly unknown[]>(d: MovementDecl<A>): MovementDecl<A> {
  return d;
}

export const MOVEMENT_OPS = {
  reshape: decl<[shape: readonly number[]]>({
    fn: reshape,
    ref: { shape: reshapeShape, source: sameOrder(reshapeShape) },
    cases: [
      [
        [2, 3, 4],
        [4, -1],
      ],
      [
        [2, 3],
        [3, 1, 2],
      ],
      [[6], [1, 6, 1]],
    ],
  }),
  flatten: decl<[start?: number, end?: number]>({
    fn: flatten,
    ref: { shape: flattenShape, source: sameOrder(flattenShape) },
    cases: [[[2, 3, 4]], [[2, 3, 4, 2], 1, -2]],
  }),
  squeeze: decl<[axis?: number | readonly number[]]>({
    fn: squeeze,
    ref: { shape: squeezeShape, source: sameOrder(squeezeShape) },
    cases: [
      [[1, 3, 1, 2]],
      [[1, 3, 1, 2], -2],
      [
        [2, 1, 3],
        [0, 1],
      ],
    ],
  }),
  unsqueeze: decl<[axis: number]>({
    fn: unsqueeze,
    ref: { shape: unsqueezeShape, source: sameOrder(unsqueezeShape) },
    cases: [
      [[2, 3], 0],
      [[2, 3], -1],
    ],
  }),
  permute: decl<[perm: readonly number[]]>({
    fn: permute,
    ref: {
      shape: (s, perm) => perm.map((a) => s[axis(a, s.length)]),
      source: (out, s, perm) => {
        const idx = new Array<number>(s.length);
        perm.forEach((a, i) => (idx[axis(a, s.length)] = out[i]));
        return idx;
      },
    },
    cases: [
      [
        [2, 3, 4],
        [2, 0, 1],
      ],
      [
        [2, 3, 4],
        [-1, 1, 0],
      ],
    ],
  }),
  transpose: decl<[a?: number, b?: number]>({
    fn: transpose,
    ref: {
      shape: (s, a = -2, b = -1) => swap(s.length, a, b).map((i) => s[i]),
      source: (out, s, a = -2, b = -1) => {
        const perm = swap(s.length, a, b);
        const idx = new Array<number>(s.length);
        perm.forEach((p, i) => (idx[p] = out[i]));
        return idx;
      },
    },
    cases: [[[3, 4]], [[2, 3, 4], 0, 2], [[4]]],
  }),
  expand: decl<[shape: readonly number[]]>({
    fn: expand,
    ref: {
      shape: (s, target) => target.map((d, i) => (d === -1 ? s[i - (target.length - s.length)] : d)),
      source: (out, s) => s.map((d, i) => (d === 1 ? 0 : out[i + out.length - s.length])),
    },
    cases: [
      [
        [3, 1],
        [2, 3, 4],
      ],
      [
        [1, 4],
        [-1, 4],
      ],
      [
        [2, 1, 3],
        [2, 5, 3],
      ],
    ],
  }),
  slice: decl<[ranges: readonly SliceRange[]]>({
    fn: slice,
    ref: {
      shape: (s, ranges) => s.map((n, d) => sliceAxis(n, ranges[d])[2]),
      source: (out, s, ranges) =>
        s.map((n, d) => {
          const [start, step] = sliceAxis(n, ranges[d]);
          return start + out[d] * step;
        }),
    },
    cases: [
      [
        [4, 5],
        [
          [1, 3],
          [0, 5, 2],
        ],
      ],
      [
        [3, 4, 5],
        [null, [3, null, -2], [-4, -1]],
      ],
      [[4, 3], [2]],
    ],
  }),
  narrow: decl<[axis: number, start: number, length: number]>({
    fn: narrow,
    ref: {
      shape: (s, a, _start, length) => s.map((d, i) => (i === axis(a, s.length) ? length : d)),
      source: (out, s, a, start) => out.map((v, i) => (i === axis(a, s.length) ? v + start : v)),
    },
    cases: [
      [[3, 5], 1, 1, 3],
      [[4, 2], -2, 2, 2],
    ],
  }),
  flip: decl<[axes: number | readonly number[]]>({
    fn: flip,
    ref: {
      shape: (s) => [...s],
      source: (out, s, axes) => {
        const list = (typeof axes === 'number' ? [axes] : axes).map((a) => axis(a, s.length));
        return out.map((v, i) => (list.includes(i) ? s[i] - 1 - v : v));
      },
    },
    cases: [
      [
        [2, 3, 4],
        [0, 2],
      ],
      [[3, 4], -1],
    ],
  }),
};

/** The arguments of movement op K after the tensor. */
export type MovementArgs<K extends MovementOp> = (typeof MOVEMENT_OPS)[K] extends MovementDecl<infer A> ? A : never;

/** The Tensor methods of the movement ops (`x.permute(perm)`, `x.slice(ranges)`, …), from the table. */
export type MovementMethods = { [K in MovementOp]: (...args: MovementArgs<K>) => Tensor };

/** The movement ops, by name. */
export type MovementOp = keyof typeof MOVEMENT_OPS;
export const MOVEMENT_OP_NAMES = Object.keys(MOVEMENT_OPS) as MovementOp[];
