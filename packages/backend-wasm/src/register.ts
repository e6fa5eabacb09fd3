import * as t from '@tensile/core';
import { wasm } from './index.js';

/**
 * Registers this backend, with default options, as 'wasm' under kind
 * 'backend', so it can be chosen by name: `await t.setBackend('wasm')`, a
 * config file, a plugin. Idempotent; a 'wasm' someone registered first (say,
 * with other options) is left alone.
 *
 * @example
 * registerWasm();
 * await t.setBackend('wasm');
 */
export function registerWasm(registry: t.Registry = t.registry): void {
  if (!registry.has('backend', 'wasm')) registry.register('backend', 'wasm', wasm);
}
