/**
 * torch.scatter, scatter_add and scatter_reduce: one recorded op over the
 * backend's scatterReduce kernel, with PyTorch's gradients written in
 * tensor ops (so they have gradients too).
 */
import type { DType, ScatterReduceOp } from '../backend/backend.js';
import { record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { normalizeAxis, shapesEqual, sizeOf } from '../shape.js';
import { tidy } from '../scope.js';
import { type Tensor, fromHandle } from '../tensor.js';
import { cast } from './cast.js';
import { where } from './elementwise.js';
import { checkIndices, gatherOp } from './indexing.js';
import { pad, slice } from './shape.js';
import { backendOf, checkOperand, scalarOn } from './util.js';

/** The reductions of scatterReduce, by PyTorch's names. */
export type ScatterReduction = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

export interface ScatterReduceOptions {
  /** Whether x's own values take part in the reduction (default true, as PyTorch). */
  includeSelf?: boolean;
}

const KERNEL_OP: Record<Exclude<ScatterReduction, 'mean'>, ScatterReduceOp> = { sum: 'sum', prod: 'prod', amax: 'max', amin: 'min' };
const REDUCTIONS = ['sum', 'prod', 'mean', 'amax', 'amin'];

/**
 * x with the values of src written along `dim` at index (torch.scatter):
 * out[i][index[i][j]] = src[i][j] for dim 1. index is int32 with x's rank,
 * no larger than src anywhere and than x off `dim`; src is a tensor of x's
 * dtype or a number. Where index repeats a position, the last write (in
 * index's row-major order along `dim`) wins, on every backend; PyTorch
 * leaves that case undefined. Gradients: to x where nothing was written,
 * to src where it was kept (with repeats only the last write gets one, the
 * derivative of that rule; PyTorch gives every duplicate one).
 *
 * @example
 * const out = t.zeros([2, 3]).scatter(1, t.tensor([[2], [0]], { dtype: 'int32' }), 5);
 * // [[0, 0, 5], [5, 0, 0]]
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  return tidy(() => {
    const srcT = typeof src === 'number' ? valueTensor('scatter', x, index.shape, src) : src;
    const p = prepare('scatter', x, dim, index, srcT);
    return scatterOp('set', x, p.a, p.index, p.src, true, p.gatherIndex);
  });
}

/**
 * x plus src added along `dim` at index (torch.scatter_add): repeated
 * positions accumulate, in index order, so the sum is the same on every
 * backend.
 *
 * @example
 * t.zeros([3]).scatterAdd(0, t.tensor([0, 0, 2], { dtype: 'int32' }), t.tensor([1, 2, 3])); // [3, 0, 3]
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return tidy(() => {
    const p = prepare('scatterAdd', x, dim, index, src);
    return scatterOp('sum', x, p.a, p.index, p.src, true, p.gatherIndex);
  });
}

/**
 * Reduces the src values scattered to each position along `dim`
 * (torch.scatter_reduce): 'sum', 'prod', 'mean', 'amax' or 'amin', with x's
 * own value included unless `includeSelf` is false; positions that no index
 * names keep x's value. int32 'mean' rounds down (floor), as PyTorch; bool
 * takes every reduction but 'mean' (sum and amax are or, prod and amin and).
 * Gradients follow PyTorch: amax/amin share the gradient evenly among ties;
 * prod handles zeros by exclusive products. One deliberate difference: with
 * includeSelf false, an excluded x that happens to equal the result takes
 * no share of the gradient (PyTorch counts it, and loses part of src's).
 *
 * @example
 * const x = t.tensor([1, 2, 3]);
 * x.scatterReduce(0, t.tensor([0, 0], { dtype: 'int32' }), t.tensor([5, 4]), 'amax'); // [5, 2, 3]
 */
export function scatterReduce(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduction,
  options: ScatterReduceOptions = {},
): Tensor {
  if (!REDUCTIONS.includes(reduce)) {
    throw new ArgumentError(`scatterReduce: reduce must be one of ${REDUCTIONS.join(', ')}, got ${JSON.stringify(reduce)}`);
  }
  const includeSelf = options.includeSelf ?? true;
  if (typeof includeSelf !== 'boolean') throw new ArgumentError(`scatterReduce: includeSelf must be a boolean, got ${includeSelf}`);
  if (reduce === 'mean' && x.dtype === 'bool') throw new DTypeError("scatterReduce: 'mean' does not take bool tensors");
  return tidy(() => {
    const p = prepare('scatterReduce', x, dim, index, src);
    if (reduce !== 'mean') return scatterOp(KERNEL_OP[reduce], x, p.a, p.index, p.src, includeSelf, p.gatherIndex);
    // mean = sum / count, the count including x's own value when it takes part (1 where nothing lands).
    const total = scatterOp('sum', x, p.a, p.index, p.src, includeSelf, p.gatherIndex);
    const count = countAt(x, p.a, p.index, includeSelf);
    return isFloat(x.dtype) ? total.div(count) : total.floorDivide(count);
  });
}

/** How many values each position of x averages: sources landing there, plus x's own when included; at least 1. */
function countAt(x: Tensor, a: number, index: Tensor, includeSelf: boolean): Tensor {
  const dtype = x.dtype;
  const start = constantOn(x, x.shape, includeSelf ? 1 : 0, dtype);
  return scatterOp('sum', start, a, index, constantOn(x, index.shape, 1, dtype), true, index).maximum(1);
}

/** A number as a src tensor of x's dtype and `shape`, on x's backend. */
function valueTensor(op: string, x: Tensor, shape: readonly number[], value: number): Tensor {
  checkOperand(op, 'value', value);
  return scalarOn(x.backend, asValueOf(x, value), x.dtype).expand(shape);
}

/** A tensor of `shape` filled with value, on like's backend (a broadcast view of one element). */
function constantOn(like: Tensor, shape: readonly number[], value: number, dtype: DType): Tensor {
  return scalarOn(like.backend, value, dtype).expand(shape);
}

/** A number converted to x's dtype as PyTorch does: truncated for int32, nonzero for bool. */
export function asValueOf(x: Tensor, v: number): number {
  return x.dtype === 'int32' ? Math.trunc(v) : x.dtype === 'bool' ? Number(v !== 0) : v;
}

interface Prepared {
  a: number;
  /** index and src grown to x's size off `dim` (extra entries -1: the kernel skips them). */
  index: Tensor;
  src: Tensor;
  /** index with those -1s as 0, for gathering in the backward. */
  gatherIndex: Tensor;
}

/**
 * Checks a scatter's arguments (PyTorch's rules) and lays them out for the
 * kernel, which takes index and src with x's sizes off `dim`: src is cut to
 * index's shape, and both are padded where index is smaller than x.
 */
export function prepare(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor): Prepared {
  backendOf(op, x, index, src);
  const a = normalizeAxis(op, dim, x.rank, 'dim');
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: index must be int32, got ${index.dtype}`);
  if (src.dtype !== x.dtype) throw new DTypeError(`${op}: src is ${src.dtype} but x is ${x.dtype}; they must match`);
  const shapes = `index ${fmtShape(index.shape)}, x ${fmtShape(x.shape)}, src ${fmtShape(src.shape)}`;
  if (index.rank !== x.rank || src.rank !== x.rank) throw new ShapeError(`${op}: index and src must have x's rank (${shapes})`);
  index.shape.forEach((d, i) => {
    if (d > src.shape[i] || (i !== a && d > x.shape[i])) {
      throw new ShapeError(`${op}: index is larger than src, or than x off dim ${a}, along axis ${i} (${shapes})`);
    }
  });
  checkIndices(op, index, x.shape[a], 'index');
  const cut = shapesEqual(src.shape, index.shape)
    ? src
    : slice(
        src,
        index.shape.map((d) => [0, d] as const),
      );
  const grow = x.shape.map((d, i): [number, number] => [0, i === a ? 0 : d - index.shape[i]]);
  if (grow.every(([, after]) => after === 0)) return { a, index, src: cut, gatherIndex: index };
  const padded = pad(index, grow, -1);
  return { a, index: padded, src: pad(cut, grow, 0), gatherIndex: padded.maximum(0) };
}

/**
 * The recorded scatter: x with src folded in at index along axis a (checked,
 * laid out as the kernel takes them). gatherIndex is index with no skipped
 * entries, for the backward's gathers.
 */
export function scatterOp(
  op: ScatterReduceOp,
  x: Tensor,
  a: number,
  index: Tensor,
  src: Tensor,
  includeSelf: boolean,
  gatherIndex: Tensor,
): Tensor {
  const b = backendOf('scatterReduce', x, src, index);
  if (x.dtype === 'bool') {
    // Over 0/1: sum and max are or, prod and min are and.
    return tidy(() => scatterOp(op, cast(x, 'int32'), a, index, cast(src, 'int32'), includeSelf, gatherIndex).ne(0));
  }
  const p = {
    outer: sizeOf(x.shape.slice(0, a)),
    n: x.shape[a],
    m: index.shape[a],
    inner: sizeOf(x.shape.slice(a + 1)),
    includeSelf,
  };
  const h = b.scatterReduce(op, x.handle('scatterReduce'), src.handle('scatterReduce'), index.handle('scatterReduce'), x.dtype, p);
  const out = fromHandle(b, h, x.shape, x.dtype);
  const name = op === 'set' ? 'scatter' : op === 'sum' ? 'scatterAdd' : 'scatterReduce';
  return record(
    name,
    [x, src],
    out,
    (g, result, needs) => tidy(() => scatterGrads(op, g, result, x, a, index, src, includeSelf, gatherIndex, needs)),
    [index, gatherIndex],
  );
}

/** PyTorch's scatter_reduce_backward, written with tensor ops. */
function scatterGrads(
  op: ScatterReduceOp,
  g: Tensor,
  out: Tensor,
  x: Tensor,
  a: number,
  index: Tensor,
  src: Tensor,
  includeSelf: boolean,
  gi: Tensor,
  needs: readonly boolean[],
): (Tensor | null)[] {
  // x's gradient is cut where a source landed and x took no part.
  const unlessHit = (t: Tensor) => (includeSelf && op !== 'set' ? t : where(hitAt(x.shape, a, index), 0, t));
  const along = (t: Tensor) => gatherOp(t, a, gi);
  switch (op) {
    case 'set':
      return [needs[0] ? unlessHit(g) : null, needs[1] ? where(lastWrites(x.shape, a, index, gi), along(g), 0) : null];
    case 'sum':
      return [needs[0] ? unlessHit(g) : null, needs[1] ? along(g) : null];
    case 'max':
    case 'min': {
      // Ties share evenly: each of the values equal to the result gets g / (how many there are).
      let selfWins = x.eq(out);
      if (!includeSelf) selfWins = selfWins.logicalAnd(hitAt(x.shape, a, index).logicalNot());
      const srcWins = src.eq(along(out));
      const winners = scatterOp('sum', cast(selfWins, g.dtype), a, index, cast(srcWins, g.dtype), true, gi);
      const share = g.div(winners);
      return [needs[0] ? where(selfWins, share, 0) : null, needs[1] ? where(srcWins, along(share), 0) : null];
    }
    case 'prod': {
      // Exclusive products, so that a zero factor still gets the product of the others.
      let gx: Tensor | null = null;
      if (needs[0]) {
        const selfOr1 = where(x.eq(0), 1, x);
        gx = unlessHit(g.mul(scatterOp('prod', selfOr1, a, index, src, includeSelf, gi)).div(selfOr1));
      }
      let gs: Tensor | null = null;
      if (needs[1]) {
        const srcZero = src.eq(0);
        const zerosThere = scatterOp('sum', constantOn(x, x.shape, 0, g.dtype), a, index, cast(srcZero, g.dtype), true, gi);
        const onlyZero = srcZero.logicalAnd(along(zerosThere).eq(1));
        const others = scatterOp('prod', x, a, index, where(onlyZero, 1, src), includeSelf, gi);
        gs = where(onlyZero, along(g.mul(others)), along(g.mul(out)).div(where(srcZero, 1, src)));
      }
      return [gx, gs];
    }
  }
}

/** Which sources survive a 'set' scatter (the last write to their position), as a bool tensor of index's shape. */
function lastWrites(shape: readonly number[], a: number, index: Tensor, gi: Tensor): Tensor {
  const column = index.shape.map((d, i) => (i === a ? d : 1));
  const b = index.backend;
  const k = fromHandle(
    b,
    b.upload(
      Int32Array.from({ length: index.shape[a] }, (_, i) => i),
      'int32',
    ),
    column,
    'int32',
  ).expand(index.shape);
  const winner = scatterOp('set', constantOn(index, shape, -1, 'int32'), a, index, k, true, gi);
  return gatherOp(winner, a, gi).eq(k);
}

/** Whether some index names each position of a tensor of `shape` (bool). */
function hitAt(shape: readonly number[], a: number, index: Tensor): Tensor {
  const marks = scatterOp('set', constantOn(index, shape, 0, 'int32'), a, index, constantOn(index, index.shape, 1, 'int32'), true, index);
  return marks.ne(0);
}
