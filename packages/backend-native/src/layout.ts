import type { Shape } from '@tensile/core';

/*
 * Layouts handed to the addon's strided kernels: a shape and, per input, its
 * element strides, with the axes every input walks contiguously merged (a
 * dense copy becomes one flat row). Core collapses elementwise layouts
 * itself; the strided kernel's copy, and any layout too deep for the addon,
 * are collapsed here.
 */

/** The largest rank the addon's walks take (csrc/native.h MAX_RANK). */
export const MAX_RANK = 16;

/** Row-major strides of a dense shape. */
export function denseStrides(shape: Shape): number[] {
  const strides: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** A collapsed layout: never rank 0 (a scalar is [1]). */
export interface Layout {
  shape: number[];
  strides: number[][];
}

/**
 * Merges axis d into the previous kept axis when, for every input, stepping
 * the previous axis once equals stepping axis d shape[d] times; drops size-1 axes.
 */
export function collapse(shape: Shape, stridesList: readonly (readonly number[])[]): Layout {
  const out: number[] = [];
  const strides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = out.length - 1;
    if (last >= 0 && stridesList.every((s, i) => strides[i][last] === s[d] * shape[d])) {
      out[last] *= shape[d];
      stridesList.forEach((s, i) => (strides[i][last] = s[d]));
    } else {
      out.push(shape[d]);
      stridesList.forEach((s, i) => strides[i].push(s[d]));
    }
  }
  if (out.length === 0) {
    out.push(1);
    for (const s of strides) s.push(0);
  }
  return { shape: out, strides };
}
