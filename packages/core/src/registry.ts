import type { BackendFactory } from './backend/backend.js';
import { ArgumentError } from './errors.js';

/**
 * What the registry holds, by kind. Packages add kinds by augmenting this
 * interface, so lookups stay typed:
 *
 * @example
 * declare module '@tensile/core' {
 *   interface RegistryKinds { layer: LayerEntry }
 * }
 */
export interface RegistryKinds {
  backend: BackendFactory;
}

export type RegistryKind = keyof RegistryKinds & string;

/**
 * The names the CLI, config files and model files resolve: every package
 * (ours or a third party's) registers its layers, losses, optimizers,
 * datasets and backends here, and Tensile itself needs no change to use them.
 */
export class Registry {
  private readonly kinds = new Map<string, Map<string, unknown>>();

  /** Adds an entry; registering a taken name throws unless `override` is set. */
  register<K extends RegistryKind>(kind: K, name: string, entry: RegistryKinds[K], options: { override?: boolean } = {}): void {
    let table = this.kinds.get(kind);
    if (!table) this.kinds.set(kind, (table = new Map()));
    if (table.has(name) && !options.override && table.get(name) !== entry) {
      throw new ArgumentError(`registry: ${kind} '${name}' is already registered (pass { override: true } to replace it)`);
    }
    table.set(name, entry);
  }

  has<K extends RegistryKind>(kind: K, name: string): boolean {
    return this.kinds.get(kind)?.has(name) ?? false;
  }

  /** The entry, or an error listing the names that are registered. */
  get<K extends RegistryKind>(kind: K, name: string): RegistryKinds[K] {
    const table = this.kinds.get(kind);
    const entry = table?.get(name);
    if (entry === undefined) {
      const known = table ? [...table.keys()].sort().join(', ') : 'none';
      throw new ArgumentError(`registry: no ${kind} named '${name}' (registered: ${known})`);
    }
    return entry as RegistryKinds[K];
  }

  list<K extends RegistryKind>(kind: K): string[] {
    return [...(this.kinds.get(kind)?.keys() ?? [])].sort();
  }

  unregister<K extends RegistryKind>(kind: K, name: string): void {
    this.kinds.get(kind)?.delete(name);
  }
}

const KEY = Symbol.for('tensile.registry');
const holder = globalThis as unknown as { [KEY]?: Registry };

/** The process-wide registry (shared between copies of @tensile/core). */
export const registry: Registry = (holder[KEY] ??= new Registry());
