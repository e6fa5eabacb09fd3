import type { Shape } from '@tensile/core';

/**
 * The iteration layout the C broadcast kernels take: the output shape with
 * one stride list per operand, size-1 axes dropped and adjacent axes merged
 * wherever every operand stays contiguous across them. The result has rank
 * at least 1, and the last axis has operand strides 0 or 1.
 */
export interface Layout {
  shape: number[];
  strides: number[][];
}

/** Element strides of `shape` broadcast (right-aligned) to `outShape`. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const od = d + rank - shape.length;
    strides[od] = shape[d] === 1 ? 0 : step;
    step *= shape[d]!;
  }
  return strides;
}

/** Collapses a view of `shape` read with per-operand `strides`. */
export function collapse(shape: Shape, strides: readonly (readonly number[])[]): Layout {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    // Merge into the previous axis when each operand's previous stride equals
    // its stride here times this axis' size (a contiguous run).
    if (last >= 0 && strides.every((s, q) => outStrides[q]![last] === s[d]! * size)) {
      outShape[last]! *= size;
      strides.forEach((s, q) => (outStrides[q]![last] = s[d]!));
      continue;
    }
    outShape.push(size);
    strides.forEach((s, q) => outStrides[q]!.push(s[d]!));
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

/** Flattens a layout into the int32 descriptor the kernels read. */
export function layoutDesc(layout: Layout): Int32Array {
  const rank = layout.shape.length;
  const desc = new Int32Array(1 + rank * (1 + layout.strides.length));
  desc[0] = rank;
  desc.set(layout.shape, 1);
  layout.strides.forEach((s, q) => desc.set(s, 1 + rank * (q + 1)));
  return desc;
}

/** Rows of a layout: the product of all axes but the last. */
export function layoutRows(layout: Layout): number {
  let rows = 1;
  for (let d = 0; d < layout.shape.length - 1; d++) rows *= layout.shape[d]!;
  return rows;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}
