import type { Shape } from '@tensile/core';
import { WebGPUBackendError } from '../errors.js';
import type { ParamType } from '../runtime/params.js';

/** Kernels index with at most this many axes after collapsing (params stay in one 256-byte slot). */
export const MAX_RANK = 8;

/**
 * Element strides of `shape` read as if broadcast to `outShape` (NumPy rules,
 * aligned on the right): 0 on every axis where the input has size 1.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = outShape.length - shape.length + i;
    strides[axis] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

export interface Collapsed {
  shape: number[];
  /** One stride list per input, each of shape.length. */
  strides: number[][];
}

/**
 * Drops axes of size 1 and merges neighbouring axes that every input walks
 * contiguously, so that most kernels index with rank 1 or 2. Throws when
 * more than MAX_RANK axes remain.
 */
export function collapse(op: string, shape: Shape, strides: readonly (readonly number[])[]): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    if (shape[axis] === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => outStrides[k][last] === s[axis] * shape[axis]);
    if (mergeable) {
      outShape[last] *= shape[axis];
      strides.forEach((s, k) => (outStrides[k][last] = s[axis]));
    } else {
      outShape.push(shape[axis]);
      strides.forEach((s, k) => outStrides[k].push(s[axis]));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(0));
  }
  if (outShape.length > MAX_RANK) {
    throw new WebGPUBackendError(
      `webgpu.${op}: shape [${shape.join(', ')}] needs ${outShape.length} axes after merging; at most ${MAX_RANK} are supported`,
    );
  }
  return { shape: outShape, strides: outStrides };
}

/** The struct fields of a collapsed layout: the output shape and one stride list per input. */
export function layoutFields(rank: number, inputs: number): Record<string, ParamType> {
  const fields: Record<string, ParamType> = { shape: ['u32', rank] };
  for (let k = 0; k < inputs; k++) fields[`strides${k}`] = ['i32', rank];
  return fields;
}

/** The values for layoutFields: `shape`, `strides0`, `strides1`, … */
export function layoutValues(c: Collapsed): Record<string, readonly number[]> {
  const values: Record<string, readonly number[]> = { shape: c.shape };
  c.strides.forEach((s, k) => (values[`strides${k}`] = s));
  return values;
}

/**
 * WGSL that turns the linear output index `gi` into one offset per input
 * (`idx0`, `idx1`, ...), reading the output shape from `P.shape` and each
 * input's strides from `P.strides0`, `P.strides1`, … (layoutFields). Signed
 * strides are allowed (i32 arithmetic); `base` names an optional start offset per input.
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
