/**
 * Fixture op names of the scatter family (scripts/scatter_families.py)
 * mapped onto Tensile calls. nonzero's as_tuple parts are recorded once
 * each, args.output naming the axis. The ops whose output size depends on
 * values also have an async form (SCATTER_ASYNC_OPS), which the runner uses
 * on backends that read only asynchronously.
 */
import type { Tensor } from '@tensile/core';
import type { CoreApi } from './ops.js';

// biome-ignore lint/suspicious/noExplicitAny: fixture args are JSON, checked by each op
type Args = Record<string, any>;
type OpCall = (t: CoreApi, xs: Tensor[], args: Args) => Tensor;
type AsyncOpCall = (t: CoreApi, xs: Tensor[], args: Args) => Promise<Tensor>;

/** One axis of nonzero's tuple, the others freed. */
const axis = (parts: Tensor[], a: Args): Tensor => {
  if (!(a.output in parts)) throw new Error(`fixture args.output ${a.output} is not one of ${parts.length} axes`);
  for (const [k, p] of parts.entries()) if (k !== a.output) p.dispose();
  return parts[a.output];
};

export const SCATTER_OPS: Record<string, OpCall> = {
  scatter: (t, [x, index, src], a) => t.scatter(x, a.dim, index, src ?? a.value),
  scatterAdd: (t, [x, index, src], a) => t.scatterAdd(x, a.dim, index, src),
  scatterReduce: (t, [x, index, src], a) => t.scatterReduce(x, a.dim, index, src, a.reduce, { includeSelf: a.includeSelf }),
  indexPut: (t, [x, ...rest], a) => t.indexPut(x, rest.slice(0, -1), rest[rest.length - 1], { accumulate: a.accumulate }),
  indexCopy: (t, [x, index, source], a) => t.indexCopy(x, a.dim, index, source),
  indexAdd: (t, [x, index, source], a) => t.indexAdd(x, a.dim, index, source, { alpha: a.alpha }),
  indexFill: (t, [x, index, value], a) => t.indexFill(x, a.dim, index, value ?? a.value),
  takeAlongDim: (t, [x, indices], a) => t.takeAlongDim(x, indices, a.dim),
  maskedFill: (t, [x, mask, value], a) => t.maskedFill(x, mask, value ?? a.value),
  maskedSelect: (t, [x, mask]) => t.maskedSelect(x, mask),
  maskedScatter: (t, [x, mask, source]) => t.maskedScatter(x, mask, source),
  nonzero: (t, [x], a) => (a.asTuple ? axis(t.nonzero(x, { asTuple: true }), a) : t.nonzero(x)),
  argwhere: (t, [x]) => t.argwhere(x),
};

export const SCATTER_ASYNC_OPS: Record<string, AsyncOpCall> = {
  maskedSelect: (t, [x, mask]) => t.maskedSelectAsync(x, mask),
  maskedScatter: (t, [x, mask, source]) => t.maskedScatterAsync(x, mask, source),
  nonzero: async (t, [x], a) => (a.asTuple ? axis(await t.nonzeroAsync(x, { asTuple: true }), a) : t.nonzeroAsync(x)),
  argwhere: (t, [x]) => t.argwhereAsync(x),
};
