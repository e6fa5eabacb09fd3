import * as t from '@tensile/core';
import { registerData } from '@tensile/data';
import { registerLayers } from '@tensile/layers';
import { registerLosses } from '@tensile/losses';
import { registerOptimizers } from '@tensile/optim';
import { ConfigError } from './config.js';
import { registerModels } from './models/index.js';

/**
 * The kinds the CLI creates things of: each declared by the package that
 * owns it (with core's one entry shape, `{ create(...args) }`), and a plugin
 * may add entries to any.
 */
export type Kind = t.EntryKind;

/** Registers every built-in layer, loss, optimizer, scheduler and dataset (idempotent). */
export function registerBuiltins(): void {
  registerLayers();
  registerData();
  registerLosses();
  registerOptimizers();
  registerModels();
}

/**
 * Creates a thing of `kind` by name through core's registry
 * (`t.registry.create`), as the type T the caller works with. The arguments
 * come from a config file, so they are checked by the entry (each layer,
 * loss, optimizer… checks its own), not here; its errors name the entry.
 */
export function create<T>(kind: Kind, name: string, ...args: unknown[]): T {
  if (!t.registry.has(kind, name)) {
    const known = t.registry.list(kind);
    throw new ConfigError(`no ${kind} named '${name}' is registered (registered: ${known.join(', ') || 'none'})`);
  }
  try {
    return t.registry.create(kind, name, ...(args as t.EntryArgs<Kind>)) as T;
  } catch (err) {
    if (err instanceof Error) err.message = `${kind} '${name}': ${err.message}`;
    throw err;
  }
}
