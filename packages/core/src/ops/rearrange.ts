/**
 * Rearranging ops composed of movement ops and concat (PyTorch's repeat,
 * tile, roll, unflatten, movedim, meshgrid): no kernel of their own, and the
 * gradients come from autograd through the composition.
 */
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor } from '../tensor.js';
import { concat } from './shape.js';
import { describe } from './util.js';

function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: 'input' must be a tensor, got ${describe(x)}`);
}

function intList(op: string, param: string, v: number | readonly number[], min = -Infinity): number[] {
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? [...v] : null;
  if (!list || list.some((n) => !Number.isInteger(n) || n < min)) {
    const what = min === 0 ? 'non-negative integers' : 'integers';
    throw new ArgumentError(`${op}: '${param}' must be ${what}, got ${describe(v)}${Array.isArray(v) ? ` [${v.join(', ')}]` : ''}`);
  }
  return list;
}

/**
 * x repeated sizes[i] times along axis i, as PyTorch's Tensor.repeat (NumPy's
 * tile): sizes may be longer than x's rank, which then gains leading axes.
 *
 * @example
 * t.tensor([1, 2]).repeat([2, 2]) // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  checkTensor('repeat', x);
  const reps = intList('repeat', 'sizes', sizes, 0);
  if (reps.length < x.rank) {
    throw new ArgumentError(`repeat: needs at least one size per axis of ${fmtShape(x.shape)}, got [${reps.join(', ')}]`);
  }
  const shape = [...Array<number>(reps.length - x.rank).fill(1), ...x.shape];
  return tidy(() => {
    // Each axis d becomes (rep, d): broadcast the reps in, then merge each pair.
    const interleaved = shape.flatMap((d) => [1, d]);
    const expanded = shape.flatMap((d, i) => [reps[i], d]);
    if (sizeOf(expanded) === 0)
      return x
        .reshape(shape)
        .narrow(0, 0, 0)
        .reshape(shape.map((d, i) => d * reps[i]));
    return x
      .reshape(interleaved)
      .expand(expanded)
      .reshape(shape.map((d, i) => d * reps[i]));
  });
}

/**
 * x repeated dims[i] times along axis i, as PyTorch's tile: dims shorter than
 * x's rank are padded with leading 1s (repeat requires all of them).
 *
 * @example
 * t.tile(t.ones([2, 2]), [3]) // [2, 6]
 */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor('tile', x);
  const reps = intList('tile', 'dims', dims, 0);
  return repeat(x, [...Array<number>(Math.max(0, x.rank - reps.length)).fill(1), ...reps]);
}

/**
 * x rotated along dims: entries shifted by shifts[i] along dims[i], those
 * leaving one end coming back at the other, as PyTorch's roll. Without dims
 * the flattened tensor is rolled and the shape restored.
 *
 * @example
 * t.roll(t.tensor([1, 2, 3, 4]), 1) // [4, 1, 2, 3]
 * t.roll(t.arange(4).reshape([2, 2]), [1, -1], [0, 1])
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
  checkTensor('roll', x);
  const s = intList('roll', 'shifts', shifts);
  if (dims === undefined || dims === null) {
    if (s.length !== 1) throw new ArgumentError(`roll: without dims takes one shift, got [${s.join(', ')}]`);
    return tidy(() => rollAxis(x.reshape([x.size]), s[0], 0).reshape(x.shape));
  }
  const d = intList('roll', 'dims', dims).map((a) => normalizeAxis('roll', a, x.rank, 'dims'));
  if (d.length !== s.length) throw new ArgumentError(`roll: ${s.length} shifts for ${d.length} dims; give one shift per dim`);
  return tidy(() => d.reduce((y, axis, i) => rollAxis(y, s[i], axis), x));
}

function rollAxis(x: Tensor, shift: number, axis: number): Tensor {
  const n = x.shape[axis];
  const k = n === 0 ? 0 : ((shift % n) + n) % n;
  if (k === 0) return x.clone();
  return concat([x.narrow(axis, n - k, k), x.narrow(axis, 0, n - k)], axis);
}

/**
 * Splits axis `dim` into several with the given sizes (one may be -1), as
 * PyTorch's unflatten.
 *
 * @example
 * t.zeros([2, 12]).unflatten(1, [3, -1]) // [2, 3, 4]
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  checkTensor('unflatten', x);
  const d = normalizeAxis('unflatten', dim, x.rank, 'dim');
  const parts = intList('unflatten', 'sizes', sizes, -1);
  const free = parts.filter((p) => p === -1).length;
  const known = sizeOf(parts.filter((p) => p !== -1));
  const n = x.shape[d];
  if (parts.length === 0 || free > 1 || (free === 0 ? known !== n : known === 0 || n % known !== 0)) {
    throw new ShapeError(`unflatten: sizes [${parts.join(', ')}] do not split axis ${dim} of size ${n} of ${fmtShape(x.shape)}`);
  }
  const resolved = parts.map((p) => (p === -1 ? n / known : p));
  return x.reshape([...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
}

/**
 * Moves axes `source` to positions `destination`, the other axes keeping
 * their order, as PyTorch's movedim (alias moveaxis).
 *
 * @example
 * t.zeros([2, 3, 4]).movedim(0, -1)        // [3, 4, 2]
 * t.zeros([2, 3, 4]).movedim([0, 1], [2, 0]) // [3, 4, 2]
 */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  checkTensor('movedim', x);
  const src = intList('movedim', 'source', source).map((a) => normalizeAxis('movedim', a, x.rank, 'source'));
  const dst = intList('movedim', 'destination', destination).map((a) => normalizeAxis('movedim', a, x.rank, 'destination'));
  if (src.length !== dst.length) {
    throw new ArgumentError(`movedim: ${src.length} source axes but ${dst.length} destinations; give one destination per source`);
  }
  if (new Set(src).size !== src.length) throw new ArgumentError(`movedim: repeated axis in source [${src.join(', ')}]`);
  if (new Set(dst).size !== dst.length) throw new ArgumentError(`movedim: repeated axis in destination [${dst.join(', ')}]`);
  if (x.rank === 0) return x.reshape([]); // axis 0 of a scalar moves nowhere
  const perm = new Array<number>(x.rank).fill(-1);
  src.forEach((a, i) => (perm[dst[i]] = a));
  const others = [...x.shape.keys()].filter((a) => !src.includes(a));
  for (let i = 0, j = 0; i < perm.length; i++) if (perm[i] === -1) perm[i] = others[j++];
  return x.permute(perm);
}

/** PyTorch's alias of movedim. */
export const moveaxis = movedim;

/** meshgrid's options. */
export interface MeshgridOptions {
  /** 'ij' (default, as PyTorch's): output axis i follows input i; 'xy': the first two are swapped (NumPy's default). */
  indexing?: 'ij' | 'xy';
}

/**
 * Coordinate grids from 1-D tensors, as PyTorch's meshgrid: output i has
 * input i's values along its axis and is constant along the others, all of
 * shape [n0, n1, …] ('ij') or [n1, n0, …] ('xy').
 *
 * @example
 * const [ys, xs] = t.meshgrid([t.arange(2), t.arange(3)]) // both [2, 3]
 */
export function meshgrid(tensors: readonly Tensor[], options: MeshgridOptions = {}): Tensor[] {
  const indexing = options.indexing ?? 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') throw new ArgumentError(`meshgrid: indexing must be 'ij' or 'xy', got ${describe(indexing)}`);
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new ArgumentError(`meshgrid: takes a non-empty list of tensors, got ${describe(tensors)}`);
  tensors.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ArgumentError(`meshgrid: tensors[${i}] must be a tensor, got ${describe(x)}`);
    if (x.rank > 1) throw new ShapeError(`meshgrid: tensors[${i}] must be 0-D or 1-D, got ${fmtShape(x.shape)}`);
    if (x.dtype !== tensors[0].dtype) throw new ArgumentError(`meshgrid: tensors have different dtypes (${tensors[0].dtype}, ${x.dtype})`);
  });
  // Which output axis input i runs along: 'xy' swaps the first two.
  const axisOf = (i: number) => (indexing === 'xy' && tensors.length > 1 && i < 2 ? 1 - i : i);
  const shape = new Array<number>(tensors.length);
  tensors.forEach((x, i) => (shape[axisOf(i)] = x.size));
  return tensors.map((x, i) =>
    tidy(() => {
      const along = shape.map((_, a) => (a === axisOf(i) ? x.size : 1));
      return x.reshape(along).expand(shape);
    }),
  );
}
