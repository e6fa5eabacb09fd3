import { type CollapsedLayout, type Shape, collapseLayout } from '@tensile/core';
import { WebGPUBackendError } from '../errors.js';
import type { ParamType } from '../runtime/params.js';

/** Kernels index with at most this many axes (params stay in one 256-byte slot). */
export const MAX_RANK = 8;

/**
 * The iteration layout a kernel indexes with: core's layout as given (core
 * has broadcast and collapsed it), rank 0 read as [1], and collapsed here
 * only when a caller passes more than MAX_RANK axes. Throws when more than
 * MAX_RANK axes remain.
 */
export function iterationLayout(op: string, shape: Shape, strides: readonly Shape[]): CollapsedLayout {
  const c =
    shape.length >= 1 && shape.length <= MAX_RANK
      ? { shape: [...shape], strides: strides.map((s) => [...s]) }
      : collapseLayout(shape, strides);
  if (c.shape.length > MAX_RANK) {
    throw new WebGPUBackendError(
      `webgpu.${op}: shape [${shape.join(', ')}] needs ${c.shape.length} axes after merging; at most ${MAX_RANK} are supported`,
    );
  }
  return c;
}

/** The struct fields of a layout: the iteration shape and one stride list per input. */
export function layoutFields(rank: number, inputs: number): Record<string, ParamType> {
  const fields: Record<string, ParamType> = { shape: ['u32', rank] };
  for (let k = 0; k < inputs; k++) fields[`strides${k}`] = ['i32', rank];
  return fields;
}

/** The values for layoutFields: `shape`, `strides0`, `strides1`, … */
export function layoutValues(c: CollapsedLayout): Record<string, readonly number[]> {
  const values: Record<string, readonly number[]> = { shape: c.shape };
  c.strides.forEach((s, k) => (values[`strides${k}`] = s));
  return values;
}

/**
 * WGSL that turns the linear output index `gi` into one element index per
 * input (`idx0`, `idx1`, ...), reading the iteration shape from `P.shape` and
 * each input's strides from `P.strides0`, `P.strides1`, … (layoutFields).
 * Signed strides are allowed (i32 arithmetic); `bases` names each input's
 * start offset (a view's offset), 0 by default.
 */
export function indexCode(rank: number, inputs: number, bases: readonly string[] = []): string {
  const lines: string[] = [];
  for (let k = 0; k < inputs; k++) lines.push(`  var idx${k}: i32 = ${bases[k] ?? '0'};`);
  if (rank === 1 && inputs > 0) {
    for (let k = 0; k < inputs; k++) lines.push(`  idx${k} = idx${k} + i32(gi) * P.strides${k}[0];`);
    return lines.join('\n');
  }
  lines.push('  var rem = gi;');
  for (let axis = rank - 1; axis >= 0; axis--) {
    lines.push(`  { let dim = P.shape[${axis}]; let c = i32(rem % dim); rem = rem / dim;`);
    for (let k = 0; k < inputs; k++) {
      lines.push(`    idx${k} = idx${k} + c * P.strides${k}[${axis}];`);
    }
    lines.push('  }');
  }
  return lines.join('\n');
}
