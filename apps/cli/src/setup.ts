import * as t from '@tensile/core';
import { registerBackends, useBackend } from './backends.js';
import { loadPlugins } from './plugins.js';
import { registerBuiltins } from './registry.js';

/**
 * Everything a command does before its work: built-ins, plugins, then the
 * backend (a plugin may bring one). Returns the backend's name ('auto'
 * resolved).
 */
export async function prepare(options: { plugins: readonly string[]; backend: string; detectAnomaly?: boolean }): Promise<string> {
  registerBuiltins();
  registerBackends();
  await loadPlugins(options.plugins);
  const backend = await useBackend(options.backend);
  if (options.detectAnomaly) t.setAnomalyDetection(true);
  return backend;
}
