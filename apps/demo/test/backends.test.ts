import { describe, expect, it } from 'vitest';
import { isSoftwareAdapter } from '../src/worker/backends.js';

describe('the demo names software WebGPU adapters', () => {
  it("flags the browser's fallback adapter and the known CPU rasterisers, not real GPUs", () => {
    expect(isSoftwareAdapter('google swiftshader')).toBe(true); // Chromium without a GPU
    expect(isSoftwareAdapter('mesa llvmpipe (LLVM 15.0.7, 256 bits)')).toBe(true);
    expect(isSoftwareAdapter('Microsoft Basic Render Driver')).toBe(true);
    expect(isSoftwareAdapter('some gpu', true)).toBe(true); // isFallbackAdapter
    expect(isSoftwareAdapter('nvidia ampere')).toBe(false);
    expect(isSoftwareAdapter('apple metal-3')).toBe(false);
    expect(isSoftwareAdapter('intel gen-12lp Intel(R) UHD Graphics 770')).toBe(false);
  });
});
