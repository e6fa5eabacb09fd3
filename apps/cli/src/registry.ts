import * as t from '@tensile/core';
import { registerData } from '@tensile/data';
import { registerLayers } from '@tensile/layers';
import { registerLosses } from '@tensile/losses';
import { registerOptimizers } from '@tensile/optim';
import { ConfigError } from './config.js';
import { registerModels } from './models/index.js';

/**
 * The kinds the CLI resolves beyond core's own. Looked up loosely: each is
 * declared by the package that owns it, and a plugin may add entries to any.
 */
export type Kind = 'layer' | 'loss' | 'optimizer' | 'scheduler' | 'dataset' | 'backend';

interface LooseRegistry {
  get(kind: string, name: string): unknown;
  has(kind: string, name: string): boolean;
  list(kind: string): string[];
}

/** Core's registry, with the kinds other packages declare. */
export const names = t.registry as unknown as LooseRegistry;

/** Registers every built-in layer, loss, optimizer, scheduler and dataset (idempotent). */
export function registerBuiltins(): void {
  registerLayers();
  registerData();
  registerLosses();
  registerOptimizers();
  registerModels();
}

/**
 * Creates a registry entry of `kind`: entries are either `{ create(...args) }`
 * objects or classes (`new Entry(...args)`).
 */
export function create<T>(kind: Kind, name: string, ...args: unknown[]): T {
  if (!names.has(kind, name)) {
    const known = names.list(kind);
    throw new ConfigError(`no ${kind} named '${name}' is registered (registered: ${known.join(', ') || 'none'})`);
  }
  const entry = names.get(kind, name) as { create?: (...a: unknown[]) => T } | (new (...a: unknown[]) => T);
  try {
    if (typeof entry === 'function') return new (entry as new (...a: unknown[]) => T)(...args);
    if (entry && typeof entry.create === 'function') return entry.create(...args);
  } catch (err) {
    if (err instanceof Error) err.message = `${kind} '${name}': ${err.message}`;
    throw err;
  }
  throw new ConfigError(`${kind} '${name}': the registry entry has neither create() nor a constructor`);
}
