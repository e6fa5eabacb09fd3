import { record } from '../autograd.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { broadcastStrides, collapseLayout, reshapeStrides } from '../layout.js';
import { broadcastShapes, checkShape, normalizeAxes, normalizeAxis, shapesEqual, sizeOf, stridesOf } from '../shape.js';
import { tidy } from '../scope.js';
import { type Tensor, fromHandle, viewOf } from '../tensor.js';
import { unbroadcast } from './broadcast.js';
import { indexAddOp } from './indexing.js';
import { backendOf, checkScalar } from './util.js';

// The movement ops below (reshape, permute, transpose, expand, slice, narrow,
// flip, squeeze, unsqueeze, flatten) return views: a new layout over the same
// storage (layout.ts), no kernel, no allocation. Only clone and a reshape
// that no strides can express copy.

/** A dense copy of x's values under `shape` (the `strided` kernel over x's collapsed layout), not recorded. */
function denseCopy(x: Tensor, op: string, shape: readonly number[] = x.shape): Tensor {
  const b = backendOf(op, x);
  const c = collapseLayout(x.shape, [x._strides]);
  return fromHandle(b, b.strided(x.storageHandle(op), x.dtype, c.shape, c.strides[0], x._offset), shape, x.dtype);
}

/** Resolves one -1 in a target shape and checks the element count. */
function resolveShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const free = out.indexOf(-1);
  if (out.indexOf(-1, free + 1) !== -1 && free !== -1) throw new ShapeError(`${op}: only one -1 allowed in ${fmtShape(shape)}`);
  if (free !== -1) {
    const known = sizeOf(out.filter((_, i) => i !== free));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`${op}: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
    }
    out[free] = x.size / known;
  }
  if (out.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(out) !== x.size) {
    throw new ShapeError(`${op}: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
  }
  return out;
}

/**
 * The same data under another shape (one axis may be -1). A view sharing
 * x's storage whenever strides can express it (always for a contiguous x);
 * otherwise (a transposed x flattened, say) a copy, as PyTorch's reshape.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x.assertUsable('reshape');
  const target = resolveShape('reshape', x, shape);
  const strides = reshapeStrides(x.shape, x._strides, target);
  const out = strides ? viewOf(x, target, strides) : denseCopy(x, 'reshape', target);
  return record('reshape', [x], out, (g) => [g.reshape(x.shape)]);
}

/** Flattens axes start..end (inclusive) into one. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', start, x.rank, 'start');
  const e = normalizeAxis('flatten', end, x.rank, 'end');
  if (e < s) throw new ArgumentError(`flatten: end axis ${end} comes before start axis ${start}`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Removes size-1 axes (the given ones, or all). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axis, x.rank);
  return reshape(
    x,
    x.shape.filter((d, i) => !(axes.includes(i) && d === 1)),
  );
}

/** Inserts a size-1 axis at `axis` (negative counts from the end of the result). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis('unsqueeze', axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** Reorders axes: out.shape[i] = x.shape[perm[i]]. A view. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.rank) {
    throw new ShapeError(`permute: perm [${perm.join(',')}] has ${perm.length} axes, tensor ${fmtShape(x.shape)} has ${x.rank}`);
  }
  const p = perm.map((a) => normalizeAxis('permute', a, x.rank));
  x.assertUsable('permute');
  if (new Set(p).size !== p.length) throw new ArgumentError(`permute: perm [${perm.join(',')}] repeats an axis`);
  const out = viewOf(
    x,
    p.map((a) => x.shape[a]),
    p.map((a) => x._strides[a]),
  );
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => (inverse[a] = i));
  return record('permute', [x], out, (g) => [permute(g, inverse)]);
}

/** Swaps two axes (the last two by default). A view. */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  if (x.rank < 2) return permute(x, [...x.shape.keys()]);
  const perm = [...x.shape.keys()];
  const i = normalizeAxis('transpose', a, x.rank);
  const j = normalizeAxis('transpose', b, x.rank);
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return permute(x, perm);
}

/** Broadcasts to a larger shape (NumPy rules; -1 keeps an axis). A view: stride 0 along the broadcast axes. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  x.assertUsable('expand');
  const lead = shape.length - x.rank;
  if (lead < 0) throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to fewer axes ${fmtShape(shape)}`);
  const target = checkShape(
    'expand',
    shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d)),
  );
  if (!shapesEqual(broadcastShapes('expand', x.shape, target), target)) {
    throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  }
  const out = viewOf(x, target, broadcastStrides(x.shape, target, x._strides));
  return record('expand', [x], out, (g) => [unbroadcast(g, x.shape)]);
}

/** A dense copy with the same values; the gradient passes through. */
export function clone(x: Tensor): Tensor {
  const out = denseCopy(x, 'clone');
  return record('clone', [x], out, (g) => [g]);
}

/**
 * x itself when its elements already lie in row-major order (PyTorch's
 * `contiguous`), else a dense copy of the view (a clone). Kernels never need
 * it: core hands them dense data itself; it is for code that wants a
 * tensor's own compact storage (to let a large base tensor go, say).
 *
 * @example
 * const rows = big.T.contiguous(); // big's storage can be freed now
 */
export function contiguous(x: Tensor): Tensor {
  x.assertUsable('contiguous');
  return x.isContiguous() ? x : clone(x);
}

/** One axis range of slice(): [start, end) with a step; null/undefined mean the whole axis. */
export type SliceRange =
  | number
  | null
  | undefined
  | readonly [number | null | undefined, (number | null | undefined)?, (number | null | undefined)?];

/**
 * Python-style slicing, one range per leading axis: `x.slice([[0, 2], null, [1, null, 2]])`.
 * A plain number selects one index and keeps the axis (size 1). Negative
 * indices count from the end; steps may be negative. A view.
 */
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor {
  if (ranges.length > x.rank) throw new ShapeError(`slice: ${ranges.length} ranges for a tensor of rank ${x.rank} ${fmtShape(x.shape)}`);
  x.assertUsable('slice');
  const xs = x._strides;
  const shape: number[] = [];
  const strides: number[] = [];
  const starts: number[] = [];
  const steps: number[] = [];
  let offset = x._offset;
  x.shape.forEach((n, axis) => {
    const r = ranges[axis];
    let start: number, stop: number, step: number;
    if (typeof r === 'number') {
      const i = r < 0 ? r + n : r;
      if (i < 0 || i >= n) throw new ArgumentError(`slice: index ${r} out of range for axis ${axis} of size ${n}`);
      [start, stop, step] = [i, i + 1, 1];
    } else {
      step = r?.[2] ?? 1;
      if (step === 0 || !Number.isInteger(step)) throw new ArgumentError(`slice: step ${step} on axis ${axis} must be a non-zero integer`);
      const clampIndex = (v: number | null | undefined, dflt: number) => {
        if (v === null || v === undefined) return dflt;
        const i = v < 0 ? v + n : v;
        return step > 0 ? Math.min(Math.max(i, 0), n) : Math.min(Math.max(i, -1), n - 1);
      };
      start = clampIndex(r?.[0], step > 0 ? 0 : n - 1);
      stop = clampIndex(r?.[1], step > 0 ? n : -1);
    }
    const len = Math.max(0, Math.ceil((stop - start) / step));
    shape.push(len);
    strides.push(xs[axis] * step);
    starts.push(start);
    steps.push(step);
    if (len > 0) offset += start * xs[axis];
  });
  // An empty result reads nothing: keep the offset inside the storage.
  const out = viewOf(x, shape, strides, shape.includes(0) ? x._offset : offset);
  return record('slice', [x], out, (g) => [sliceBackward(g, x.shape, shape, starts, steps)]);
}

function sliceBackward(g: Tensor, inShape: readonly number[], outShape: readonly number[], starts: number[], steps: number[]): Tensor {
  if (steps.every((s) => s === 1)) {
    const before = starts.map((s, i) => (outShape[i] === 0 ? 0 : s));
    const after = inShape.map((n, i) => n - before[i] - outShape[i]);
    return pad(
      g,
      before.map((b, i) => [b, after[i]] as [number, number]),
    );
  }
  // General steps: scatter the gradient back to the flat positions it was read from.
  const inStrides = stridesOf(inShape);
  const idx = new Int32Array(g.size);
  const pos = new Array<number>(outShape.length).fill(0);
  for (let k = 0; k < g.size; k++) {
    let flat = 0;
    for (let a = 0; a < pos.length; a++) flat += (starts[a] + pos[a] * steps[a]) * inStrides[a];
    idx[k] = flat;
    for (let a = pos.length - 1; a >= 0; a--) {
      if (++pos[a] < outShape[a]) break;
      pos[a] = 0;
    }
  }
  const b = g.backend;
  const indices = fromHandle(b, b.upload(idx, 'int32'), [g.size], 'int32');
  // A recorded scatter-add, so the gradient is differentiable too (createGraph).
  return indexAddOp(g.reshape([g.size]), 0, indices, sizeOf(inShape)).reshape(inShape);
}

/** `length` entries of `axis` from `start`. */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const a = normalizeAxis('narrow', axis, x.rank);
  if (start < 0 || length < 0 || start + length > x.shape[a]) {
    throw new ArgumentError(`narrow: [${start}, ${start + length}) is outside axis ${a} of size ${x.shape[a]} in ${fmtShape(x.shape)}`);
  }
  const ranges: SliceRange[] = x.shape.map(() => null);
  ranges[a] = [start, start + length];
  return slice(x, ranges);
}

/** Reverses the order along the given axes. A view (negative strides). */
export function flip(x: Tensor, axes: number | readonly number[]): Tensor {
  const list = normalizeAxes('flip', axes, x.rank);
  x.assertUsable('flip');
  let offset = x._offset;
  const strides = x._strides.map((s, i) => {
    if (!list.includes(i)) return s;
    if (x.shape[i] > 0) offset += (x.shape[i] - 1) * s;
    return -s;
  });
  const out = viewOf(x, x.shape, strides, x.size === 0 ? x._offset : offset);
  return record('flip', [x], out, (g) => [flip(g, list)]);
}

/**
 * Constant padding. `pads` holds [before, after] pairs for the last
 * pads.length axes, in axis order: `pad(x, [[1, 1], [2, 2]])` pads H by 1 and W by 2 of NCHW.
 * A negative pad crops that many entries from its side, as PyTorch's F.pad:
 * `pad(x, [[-1, 2]])` drops the first column and appends two.
 */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  checkScalar('pad', 'value', value);
  if (pads.length > x.rank) throw new ShapeError(`pad: ${pads.length} pad pairs for a tensor of rank ${x.rank} ${fmtShape(x.shape)}`);
  const lead = x.rank - pads.length;
  const before = x.shape.map((_, i) => (i < lead ? 0 : pads[i - lead][0]));
  const after = x.shape.map((_, i) => (i < lead ? 0 : pads[i - lead][1]));
  for (const p of [...before, ...after]) {
    if (!Number.isInteger(p)) throw new ArgumentError(`pad: pads must be integers, got ${JSON.stringify(pads)}`);
  }
  if (before.some((p) => p < 0) || after.some((p) => p < 0)) {
    // Crop first (a slice, whose gradient scatters back), then pad what is left.
    const ranges = x.shape.map((d, i): [number, number] => [Math.max(0, -before[i]), d - Math.max(0, -after[i])]);
    ranges.forEach(([start, stop], i) => {
      if (stop < start) {
        throw new ShapeError(
          `pad: pads ${JSON.stringify(pads)} crop ${start + x.shape[i] - stop} entries from axis ${i} of ${fmtShape(x.shape)}, which has ${x.shape[i]}`,
        );
      }
    });
    const positive = pads.map(([b, a]) => [Math.max(0, b), Math.max(0, a)] as [number, number]);
    return tidy(() => pad(slice(x, ranges), positive, value));
  }
  const b = backendOf('pad', x);
  const shape = x.shape.map((d, i) => before[i] + d + after[i]);
  const out = fromHandle(b, b.pad(x.handle('pad'), x.dtype, x.shape, before, after, value), shape, x.dtype);
  return record('pad', [x], out, (g) => [
    slice(
      g,
      x.shape.map((d, i) => [before[i], before[i] + d] as const),
    ),
  ]);
}

/** Joins tensors along an existing axis. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ArgumentError('concat: needs at least one tensor');
  const first = xs[0];
  const a = normalizeAxis('concat', axis, first.rank);
  xs.forEach((x, i) => {
    if (x.rank !== first.rank || x.shape.some((d, j) => j !== a && d !== first.shape[j])) {
      throw new ShapeError(`concat: tensor ${i} ${fmtShape(x.shape)} does not match tensor 0 ${fmtShape(first.shape)} outside axis ${a}`);
    }
    if (x.dtype !== first.dtype) throw new ShapeError(`concat: tensor ${i} is ${x.dtype}, tensor 0 is ${first.dtype}`);
  });
  const b = backendOf('concat', ...xs);
  const outer = sizeOf(first.shape.slice(0, a));
  const inner = sizeOf(first.shape.slice(a + 1));
  const shape = [...first.shape];
  shape[a] = xs.reduce((n, x) => n + x.shape[a], 0);
  const h = b.concat(
    xs.map((x) => x.handle('concat')),
    first.dtype,
    outer,
    xs.map((x) => x.shape[a] * inner),
  );
  const out = fromHandle(b, h, shape, first.dtype);
  return record('concat', xs, out, (g, _o, needs) => {
    let start = 0;
    return xs.map((x, i) => {
      const part = needs[i] ? narrow(g, a, start, x.shape[a]) : null;
      start += x.shape[a];
      return part;
    });
  });
}

/** Joins tensors of one shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ArgumentError('stack: needs at least one tensor');
  const a = normalizeAxis('stack', axis, xs[0].rank + 1);
  xs.forEach((x, i) => {
    if (!shapesEqual(x.shape, xs[0].shape))
      throw new ShapeError(`stack: tensor ${i} ${fmtShape(x.shape)} differs from tensor 0 ${fmtShape(xs[0].shape)}`);
  });
  return tidy(() =>
    concat(
      xs.map((x) => unsqueeze(x, a)),
      a,
    ),
  );
}

/** Splits along an axis into pieces of the given sizes, or into equal pieces of one size. */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis('split', axis, x.rank);
  const n = x.shape[a];
  let list: number[];
  if (typeof sizes === 'number') {
    if (sizes <= 0) throw new ArgumentError(`split: size ${sizes} must be positive`);
    list = Array.from({ length: Math.ceil(n / sizes) }, (_, i) => Math.min(sizes, n - i * sizes));
  } else {
    list = [...sizes];
    if (list.reduce((s, v) => s + v, 0) !== n) {
      throw new ShapeError(`split: sizes [${list.join(',')}] do not add up to axis ${a} of ${fmtShape(x.shape)}`);
    }
  }
  let start = 0;
  return list.map((len) => {
    const part = narrow(x, a, start, len);
    start += len;
    return part;
  });
}
