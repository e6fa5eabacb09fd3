import type { BackendFactory } from './backend/backend.js';
import { ArgumentError } from './errors.js';

/**
 * The one shape of every registered layer, loss, optimizer, scheduler and
 * dataset: something that creates its thing from arguments (a layer from its
 * config and children, a loss from its options, an optimizer from parameters
 * and options, a dataset from its config). A class with a static `create`
 * is an entry as it is: Loss, Optimizer and the LR schedulers inherit one,
 * so `registry.get('optimizer', 'SGD')` is the SGD class itself.
 * Backends are factories instead (`registry.get('backend', 'cpu')()`).
 *
 * @example
 * registry.register('loss', 'MyLoss', { create: (options) => new MyLoss(options) });
 * const loss = registry.create('loss', 'MyLoss', { reduction: 'sum' });
 */
export interface RegistryEntry<Args extends unknown[] = never, T = unknown> {
  create(...args: Args): T;
  /** One line for listings (`tensile train --help`). */
  readonly description?: string;
}

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

/** The kinds whose entries are RegistryEntry objects (all but backend): those `registry.create` builds. */
export type EntryKind = {
  // biome-ignore lint/suspicious/noExplicitAny: any arguments: each kind declares its own
  [K in RegistryKind]: RegistryKinds[K] extends { create(...args: any[]): unknown } ? K : never;
}[RegistryKind];

/** The arguments `registry.create(kind, …)` takes for a kind. */
// biome-ignore lint/suspicious/noExplicitAny: see EntryKind
export type EntryArgs<K extends EntryKind> = RegistryKinds[K] extends { create(...args: infer A): any } ? A : never;
/** What `registry.create(kind, …)` returns for a kind. */
// biome-ignore lint/suspicious/noExplicitAny: see EntryKind
export type EntryResult<K extends EntryKind> = RegistryKinds[K] extends { create(...args: any[]): infer R } ? R : never;

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

  /**
   * Creates a thing of an entry kind by name: `create('optimizer', 'SGD',
   * params, { lr: 0.1 })` is `get('optimizer', 'SGD').create(params, { lr: 0.1 })`.
   * Throws, listing the registered names, when there is none by that name.
   */
  create<K extends EntryKind>(kind: K, name: string, ...args: EntryArgs<K>): EntryResult<K> {
    const entry = this.get(kind, name) as unknown as { create?: unknown };
    if (typeof entry?.create !== 'function') {
      throw new ArgumentError(`registry: the ${kind} '${name}' has no create(…): register { create } or a class with a static create`);
    }
    return (entry.create as (...a: unknown[]) => EntryResult<K>).call(entry, ...args);
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
