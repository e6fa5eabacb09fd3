import type { Handle } from '@tensile/core';

/**
 * A tensor's storage on the GPU: one pooled storage buffer, 4 bytes per
 * element for every dtype (bool is stored as u32 0/1).
 */
export class GpuHandle implements Handle {
  declare readonly __tensileHandle?: unknown;
  constructor(
    readonly buffer: GPUBuffer,
    /** Logical size in bytes (elements × 4), at most buffer.size. */
    readonly bytes: number,
  ) {}
}
