/**
 * The webgpu backend's errors belong to core's hierarchy: WebGPUBackendError
 * is a BackendError (so a TensileError), and a kernel refusing a dtype throws it.
 */
import { BackendError, TensileError } from '@tensile/core';
import { afterAll, describe, expect, it } from 'vitest';
import { WebGPUBackendError, WebGPUUnavailableError } from '@tensile/backend-webgpu';
import { createTestBackend, up } from './gpu.js';

const setup = await createTestBackend();
const skip = setup.skip ? ` (skipped: ${setup.skip.kind}: ${setup.skip.reason})` : '';
afterAll(async () => {
  await setup.backend?.dispose?.();
});

describe('webgpu error classes', () => {
  it('extend BackendError and keep their names', () => {
    const e = new WebGPUUnavailableError('webgpu: no adapter');
    expect(e).toBeInstanceOf(WebGPUBackendError);
    expect(e).toBeInstanceOf(BackendError);
    expect(e).toBeInstanceOf(TensileError);
    expect(e.name).toBe('WebGPUUnavailableError');
    expect(new WebGPUBackendError('x').name).toBe('WebGPUBackendError');
  });
});

describe.skipIf(!setup.backend)(`webgpu kernel errors${skip}`, () => {
  it('a dtype the kernel lacks throws a BackendError naming the op', () => {
    const b = setup.backend!;
    const x = up(b, [1, 2], 'int32');
    let caught: unknown;
    try {
      b.softmax!(x, 'int32', 1, 2);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BackendError);
    expect((caught as Error).message).toMatch(/webgpu\.softmax/);
    b.free(x);
  });
});
