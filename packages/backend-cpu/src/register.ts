import * as t from '@tensile/core';
import { cpu } from './backend.js';

/**
 * Registers this backend as 'cpu' under kind 'backend', so it can be chosen
 * by name: `await t.setBackend('cpu')`, a config file, a plugin. Idempotent;
 * a 'cpu' someone registered first is left alone.
 *
 * @example
 * registerCpu();
 * await t.setBackend('cpu');
 */
export function registerCpu(registry: t.Registry = t.registry): void {
  if (!registry.has('backend', 'cpu')) registry.register('backend', 'cpu', cpu);
}
