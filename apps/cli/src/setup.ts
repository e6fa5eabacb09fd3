import * as t from '@tensile/core';
import { registerBackends, useBackend } from './backends.js';
import { loadPlugins } from './plugins.js';
import { registerBuiltins } from './registry.js';

/** Everything a command does before its work: built-ins, plugins, then the backend (a plugin may bring one). */
export async function prepare(options: { plugins: readonly string[]; backend: string; detectAnomaly?: boolean }): Promise<void> {
  registerBuiltins();
  registerBackends();
  await loadPlugins(options.plugins);
  await useBackend(options.backend);
  if (options.detectAnomaly) t.setAnomalyDetection(true);
}
