/**
 * Buffer size classes. Sizes round up to one of four steps per power of two
 * (1, 1.25, 1.5, 1.75 × 2^k), so a pooled buffer wastes at most 25% while
 * tensors of nearly equal sizes still share buffers.
 */
const MIN_BYTES = 256;

export function sizeClass(bytes: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  const pow = 2 ** Math.floor(Math.log2(bytes));
  const step = pow / 4;
  return Math.ceil(bytes / step) * step;
}
