import * as t from '@tensile/core';
import { webgpu } from './webgpu.js';

/**
 * Registers this backend, with default options (the adapter from
 * `navigator.gpu`), as 'webgpu' under kind 'backend', so it can be chosen by
 * name: `await t.setBackend('webgpu')`, a config file, a plugin. Idempotent;
 * a 'webgpu' someone registered first (say, with a Node GPU object) is left alone.
 *
 * @example
 * registerWebGPU();
 * await t.setBackend('webgpu');
 */
export function registerWebGPU(registry: t.Registry = t.registry): void {
  if (!registry.has('backend', 'webgpu')) registry.register('backend', 'webgpu', webgpu);
}
