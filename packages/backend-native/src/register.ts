import * as t from '@tensile/core';
import { native } from './backend.js';

/**
 * Registers this backend as 'native' under kind 'backend', so it can be
 * chosen by name: `await t.setBackend('native')`, a config file, a plugin.
 * Idempotent; a 'native' someone registered first is left alone. Registering
 * loads nothing: the addon is loaded when the backend is created.
 *
 * @example
 * registerNative();
 * await t.setBackend('native');
 */
export function registerNative(registry: t.Registry = t.registry): void {
  if (!registry.has('backend', 'native')) registry.register('backend', 'native', () => native());
}
