/** How a kernel reads one input: element strides over the iteration shape and a start offset (core's StridedInput, minus the handle). */
export interface View {
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * Walks every row (all axes but the last) of an iteration space laid out by
 * core (collapsed, so usually rank 1 or 2) and calls `row(offsets, outOffset)`
 * with each input's element offset from its start. The caller runs its own
 * tight loop over the last axis; the callback runs once per row, never per
 * element.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  row: (offsets: number[], outOffset: number) => void,
): void {
  const rank = shape.length;
  const inner = shape[rank - 1];
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= shape[d];
  if (rows === 0 || inner === 0) return;
  const offsets = strides.map(() => 0);
  const index = new Array<number>(rank).fill(0);
  for (let r = 0; r < rows; r++) {
    row(offsets, r * inner);
    // Odometer increment over the outer axes, updating each input's offset.
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      for (let i = 0; i < offsets.length; i++) offsets[i] += strides[i][d];
      if (index[d] < shape[d]) break;
      for (let i = 0; i < offsets.length; i++) offsets[i] -= strides[i][d] * shape[d];
      index[d] = 0;
    }
  }
}
