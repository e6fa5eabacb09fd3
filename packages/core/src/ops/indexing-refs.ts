/**
 * Float64 references of the indexing ops, plain loops over flat arrays, for
 * the conformance suite (the `ref` of each line of INDEXING_OPS). Independent
 * of every backend and of the tensor ops they check.
 */
import { sizeOf, stridesOf } from '../shape.js';

/** A tensor as the references see it: a shape and row-major float64 values (indices and bools as numbers). */
export interface IndexingRef {
  shape: number[];
  data: Float64Array;
  /** The dtype the values stand for, where it matters (int32 means round down). */
  dtype?: 'float32' | 'float64' | 'int32' | 'bool';
}

const ref = (shape: readonly number[], data: ArrayLike<number>): IndexingRef => ({ shape: [...shape], data: Float64Array.from(data) });
const axisOf = (dim: number, rank: number) => (dim < 0 ? dim + rank : dim);

/** The multi-index of a flat position. */
function coords(flat: number, shape: readonly number[]): number[] {
  const s = stridesOf(shape);
  return shape.map((d, i) => Math.floor(flat / s[i]) % d);
}

function flatAt(c: readonly number[], shape: readonly number[]): number {
  const s = stridesOf(shape);
  return c.reduce((acc, v, i) => acc + v * s[i], 0);
}

/** x broadcast to shape (trailing alignment). */
function expand(x: IndexingRef, shape: readonly number[]): IndexingRef {
  const lead = shape.length - x.shape.length;
  const data = Array.from({ length: sizeOf(shape) }, (_, f) => {
    const c = coords(f, shape)
      .slice(lead)
      .map((v, i) => (x.shape[i] === 1 ? 0 : v));
    return x.data[flatAt(c, x.shape)];
  });
  return ref(shape, data);
}

function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const da = a[a.length - r + i] ?? 1;
    return da === 1 ? (b[b.length - r + i] ?? 1) : da;
  });
}

export function gatherRef(x: IndexingRef, dim: number, index: IndexingRef): IndexingRef {
  const a = axisOf(dim, x.shape.length);
  return ref(
    index.shape,
    Array.from(index.data, (j, f) => {
      const c = coords(f, index.shape);
      c[a] = j;
      return x.data[flatAt(c, x.shape)];
    }),
  );
}

export function takeAlongDimRef(x: IndexingRef, indices: IndexingRef, dim?: number | null): IndexingRef {
  if (dim === undefined || dim === null) return gatherRef(ref([x.data.length], x.data), 0, ref([indices.data.length], indices.data));
  const a = axisOf(dim, x.shape.length);
  const off = (s: readonly number[]) => s.map((d, i) => (i === a ? 1 : d));
  const shape = broadcast(off(x.shape), off(indices.shape));
  const along = (s: readonly number[]) => shape.map((d, i) => (i === a ? s[a] : d));
  return gatherRef(expand(x, along(x.shape)), a, expand(indices, along(indices.shape)));
}

export function indexSelectRef(x: IndexingRef, dim: number, indices: IndexingRef): IndexingRef {
  const a = axisOf(dim, x.shape.length);
  const shape = x.shape.map((d, i) => (i === a ? indices.data.length : d));
  return ref(
    shape,
    Array.from({ length: sizeOf(shape) }, (_, f) => {
      const c = coords(f, shape);
      c[a] = indices.data[c[a]];
      return x.data[flatAt(c, x.shape)];
    }),
  );
}

/** The scatter folds by PyTorch's reduce names, plus 'set' (last write wins). */
export type ScatterRefReduce = 'set' | 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

const FOLD: Record<Exclude<ScatterRefReduce, 'mean'>, (acc: number, v: number) => number> = {
  set: (_acc, v) => v,
  sum: (acc, v) => acc + v,
  prod: (acc, v) => acc * v,
  // NaN propagates: once folded in, it stays.
  amax: (acc, v) => (Number.isNaN(acc) ? acc : Number.isNaN(v) || v > acc ? v : acc),
  amin: (acc, v) => (Number.isNaN(acc) ? acc : Number.isNaN(v) || v < acc ? v : acc),
};

/**
 * x with src folded in at index along dim, in index's row-major order
 * (torch.scatter / scatter_reduce); `isInt` floors the mean.
 */
export function scatterRef(
  x: IndexingRef,
  dim: number,
  index: IndexingRef,
  src: IndexingRef | number,
  reduce: ScatterRefReduce = 'set',
  includeSelf = true,
  isInt = false,
): IndexingRef {
  const a = axisOf(dim, x.shape.length);
  const out = Float64Array.from(x.data);
  const count = new Float64Array(out.length).fill(includeSelf ? 1 : 0);
  const seen = new Uint8Array(out.length);
  const fold = FOLD[reduce === 'mean' ? 'sum' : reduce];
  index.data.forEach((j, f) => {
    const c = coords(f, index.shape);
    const v = typeof src === 'number' ? src : src.data[flatAt(c, src.shape)];
    c[a] = j;
    const at = flatAt(c, x.shape);
    if (!seen[at] && (!includeSelf || reduce === 'set')) out[at] = v;
    else out[at] = fold(out[at], v);
    seen[at] = 1;
    count[at]++;
  });
  if (reduce === 'mean') {
    out.forEach((v, i) => {
      if (!seen[i]) return;
      out[i] = isInt ? Math.floor(v / count[i]) : v / count[i];
    });
  }
  return ref(x.shape, out);
}

/** x with src's slices copied (or added, times alpha) along dim at index (torch.index_copy / index_add). */
export function indexCopyRef(x: IndexingRef, dim: number, index: IndexingRef, source: IndexingRef, add = false, alpha = 1): IndexingRef {
  const a = axisOf(dim, x.shape.length);
  const out = Float64Array.from(x.data);
  source.data.forEach((v, f) => {
    const c = coords(f, source.shape);
    c[a] = index.data[c[a]];
    const at = flatAt(c, x.shape);
    out[at] = add ? out[at] + alpha * v : v;
  });
  return ref(x.shape, out);
}

/** x with the slices along dim that index names set to value (torch.index_fill). */
export function indexFillRef(x: IndexingRef, dim: number, index: IndexingRef, value: IndexingRef | number): IndexingRef {
  const a = axisOf(dim, x.shape.length);
  const v = typeof value === 'number' ? value : value.data[0];
  const named = new Set(index.data);
  return ref(
    x.shape,
    Array.from(x.data, (e, f) => (named.has(coords(f, x.shape)[a]) ? v : e)),
  );
}

/** x[indices] = values (or += with accumulate), torch.index_put; negative indices wrap. */
export function indexPutRef(
  x: IndexingRef,
  indices: readonly IndexingRef[],
  values: IndexingRef | number,
  accumulate = false,
): IndexingRef {
  const shape = indices.reduce<number[]>((s, i) => broadcast(s, i.shape), []);
  const idx = indices.map((i) => expand(i, shape));
  const rest = x.shape.slice(indices.length);
  const target = [...shape, ...rest];
  const v = typeof values === 'number' ? ref(target, new Float64Array(sizeOf(target)).fill(values)) : expand(values, target);
  const out = Float64Array.from(x.data);
  v.data.forEach((value, f) => {
    const c = coords(f, target);
    const b = flatAt(c.slice(0, shape.length), shape);
    const head = idx.map((i, d) => (i.data[b] < 0 ? i.data[b] + x.shape[d] : i.data[b]));
    const at = flatAt([...head, ...c.slice(shape.length)], x.shape);
    out[at] = accumulate ? out[at] + value : value;
  });
  return ref(x.shape, out);
}

export function maskedFillRef(x: IndexingRef, mask: IndexingRef, value: IndexingRef | number): IndexingRef {
  const shape = broadcast(x.shape, mask.shape);
  const [xs, ms] = [expand(x, shape), expand(mask, shape)];
  const v = typeof value === 'number' ? value : value.data[0];
  return ref(
    shape,
    Array.from(xs.data, (e, i) => (ms.data[i] !== 0 ? v : e)),
  );
}

export function maskedSelectRef(x: IndexingRef, mask: IndexingRef): IndexingRef {
  const shape = broadcast(x.shape, mask.shape);
  const [xs, ms] = [expand(x, shape), expand(mask, shape)];
  const picked = Array.from(xs.data).filter((_, i) => ms.data[i] !== 0);
  return ref([picked.length], picked);
}

export function maskedScatterRef(x: IndexingRef, mask: IndexingRef, source: IndexingRef): IndexingRef {
  const shape = broadcast(x.shape, mask.shape);
  const [xs, ms] = [expand(x, shape), expand(mask, shape)];
  let next = 0;
  return ref(
    shape,
    Array.from(xs.data, (e, i) => (ms.data[i] !== 0 ? source.data[next++] : e)),
  );
}

export function nonzeroRef(x: IndexingRef, options: { asTuple?: boolean } = {}): IndexingRef | IndexingRef[] {
  const hits = Array.from(x.data.keys()).filter((i) => x.data[i] !== 0);
  const rows = hits.map((f) => coords(f, x.shape));
  if (options.asTuple) {
    if (x.shape.length === 0) return [ref([hits.length], new Float64Array(hits.length))];
    return x.shape.map((_, d) =>
      ref(
        [hits.length],
        rows.map((r) => r[d]),
      ),
    );
  }
  return ref([hits.length, x.shape.length], rows.flat());
}
