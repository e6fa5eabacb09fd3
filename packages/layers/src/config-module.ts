import * as t from '@tensile/core';
import { type LayerConfig, Module } from './module.js';
import { type LayerEntry, type StateShape, registerLayer } from './spec.js';

/**
 * A Module built from one JSON config object, so that nothing is written
 * twice: the config it is saved with is the one its constructor received,
 * its typeName is its class name, and the class is its own registry entry
 * (core's one entry shape: a static `create(config, children?)`, which is
 * `new Class(config)` or the class's `fromConfig`), so registerModule(Class)
 * only names it. A custom layer writes a constructor and forward, nothing else.
 *
 * @example
 * class Scale extends ConfigModule<{ n: number }, [t.Tensor], t.Tensor> {
 *   declare readonly weight: Parameter;
 *   constructor(config: { n: number }) {
 *     super(config);
 *     this.addParameter('weight', t.ones([config.n]));
 *   }
 *   forward(x: t.Tensor) { return x.mul(this.weight); }
 * }
 * registerModule(Scale); // specs and saved models naming 'Scale' now load
 */
// biome-ignore lint/suspicious/noExplicitAny: as Module's default, any arguments
export abstract class ConfigModule<C extends LayerConfig = LayerConfig, In extends unknown[] = any[], Out = unknown> extends Module<
  In,
  Out
> {
  /**
   * The name the class was registered under (registerModule), else its class
   * name. A bundle that minifies class names should register with an
   * explicit name: `registerModule(Scale, { name: 'Scale' })`.
   */
  get typeName(): string {
    return names.get(this.constructor) ?? this.constructor.name;
  }
  /** The constructor's config, frozen: the module's saved architecture. */
  readonly config: Readonly<C>;

  constructor(config: C) {
    super();
    this.config = Object.freeze({ ...config });
  }

  /** The registry's entry shape (LayerEntry.create): `fromConfig` when the class has one, else `new Class(config)`. */
  static create<C extends LayerConfig>(this: ConfigModuleClass<C>, config: C, children?: Record<string, Module>): Module {
    return this.fromConfig ? this.fromConfig(config, children) : new this(config);
  }
}

/** A ConfigModule class: constructed from its config (and, for containers, a static fromConfig with children). */
export interface ConfigModuleClass<C extends LayerConfig = LayerConfig> {
  new (config: C): Module;
  readonly name: string;
  /** Inherited from ConfigModule: the class as its own registry entry. */
  create?(config: C, children?: Record<string, Module>): Module;
  /** Optional: build from a config and (for containers) the children of a saved spec. */
  fromConfig?(config: C, children?: Record<string, Module>): Module;
  /** Optional: the state a module built from `config` has, without allocating (see LayerEntry.stateShapes). */
  stateShapes?(config: C): Record<string, StateShape>;
}

/**
 * Registers a module class under its class name (or `options.name`): a
 * ConfigModule class is its own entry (its inherited static create, its
 * static `stateShapes` when it has one); another class with a one-config
 * constructor gets an entry derived from it. Returns the entry; registering
 * the same class again is a no-op.
 */
export function registerModule<C extends LayerConfig>(
  cls: ConfigModuleClass<C>,
  options: { name?: string; override?: boolean } = {},
): LayerEntry {
  const name = options.name ?? cls.name;
  if (!name) throw new t.ArgumentError('registerModule: the class has no name; pass options.name');
  let entry = entries.get(cls) ?? (cls.create ? (cls as unknown as LayerEntry) : undefined);
  if (!entry) {
    entry = {
      create: (config, children) => (cls.fromConfig ? cls.fromConfig(config as C, children) : new cls(config as C)),
      ...(cls.stateShapes ? { stateShapes: (config: LayerConfig) => cls.stateShapes!(config as C) } : {}),
    };
    entries.set(cls, entry);
  }
  registerLayer(name, entry, { override: options.override });
  names.set(cls, name);
  return entry;
}

/** One derived entry per class that is not its own entry, so registering it twice is the registry's no-op. */
const entries = new WeakMap<object, LayerEntry>();
/** The name each class was registered under: the typeName its modules save in specs. */
const names = new WeakMap<object, string>();
