/**
 * Fixture op names of the scan_sort family (scripts/scan_sort_families.py)
 * mapped onto Tensile calls. Ops that return { values, indices } are
 * recorded once per part, args.output naming it.
 */
import type { Tensor, ValuesIndices } from '@tensile/core';
import type { CoreApi } from './ops.js';

// biome-ignore lint/suspicious/noExplicitAny: fixture args are JSON, checked by each op
type Args = Record<string, any>;
type OpCall = (t: CoreApi, xs: Tensor[], args: Args) => Tensor;

/** The part of a { values, indices } result the fixture recorded. */
const part = (r: ValuesIndices, a: Args): Tensor => {
  if (a.output !== 'values' && a.output !== 'indices')
    throw new Error(`fixture args.output must be 'values' or 'indices', got ${a.output}`);
  const [keep, drop] = a.output === 'values' ? [r.values, r.indices] : [r.indices, r.values];
  drop.dispose();
  return keep;
};

/** JSON has no Infinity: the generator writes it as a string. */
const order = (p: number | string): number | 'fro' => (p === 'Infinity' ? Infinity : p === '-Infinity' ? -Infinity : (p as number | 'fro'));

export const SCAN_SORT_OPS: Record<string, OpCall> = {
  cumsum: (t, [x], a) => t.cumsum(x, a.dim),
  cumprod: (t, [x], a) => t.cumprod(x, a.dim),
  logcumsumexp: (t, [x], a) => t.logcumsumexp(x, a.dim),
  sort: (t, [x], a) => part(t.sort(x, a.dim, a.descending), a),
  argsort: (t, [x], a) => t.argsort(x, a.dim, a.descending),
  topk: (t, [x], a) => part(t.topk(x, a.k, a.dim, a.largest), a),
  kthvalue: (t, [x], a) => part(t.kthvalue(x, a.k, a.dim, a.keepdim), a),
  median: (t, [x], a) => (a.dim === undefined ? t.median(x) : part(t.median(x, a.dim, a.keepdim), a)),
  nanmedian: (t, [x], a) => (a.dim === undefined ? t.nanmedian(x) : part(t.nanmedian(x, a.dim, a.keepdim), a)),
  maxDim: (t, [x], a) => part(t.max(x, a.dim as number, a.keepdim), a),
  minDim: (t, [x], a) => part(t.min(x, a.dim as number, a.keepdim), a),
  amax: (t, [x], a) => t.amax(x, a.axis ?? null, a.keepdims ?? false),
  amin: (t, [x], a) => t.amin(x, a.axis ?? null, a.keepdims ?? false),
  any: (t, [x], a) => t.any(x, a.axis ?? null, a.keepdims ?? false),
  all: (t, [x], a) => t.all(x, a.axis ?? null, a.keepdims ?? false),
  countNonzero: (t, [x], a) => t.countNonzero(x, a.axis ?? null, a.keepdims ?? false),
  norm: (t, [x], a) => t.norm(x, order(a.p), a.dim ?? null, a.keepdim ?? false),
};
