import * as t from '@tensile/core';

/** How per-element losses become the returned value. */
export type Reduction = 'mean' | 'sum' | 'none';

const REDUCTIONS: readonly string[] = ['mean', 'sum', 'none'];

/** Throws naming the loss when `reduction` is not one of `allowed`. */
export function checkReduction(loss: string, reduction: string, allowed: readonly string[] = REDUCTIONS): void {
  if (!allowed.includes(reduction)) {
    throw new t.ArgumentError(`${loss}: reduction must be one of ${allowed.map((r) => `'${r}'`).join(', ')}, got '${reduction}'`);
  }
}

/** Applies a reduction to per-element losses. */
export function reduce(loss: string, values: t.Tensor, reduction: Reduction): t.Tensor {
  checkReduction(loss, reduction);
  if (reduction === 'none') return values;
  return reduction === 'sum' ? values.sum() : values.mean();
}
