import * as t from '@tensile/core';
import { type LayerConfig, Module } from './module.js';
import { type LayerEntry, type StateShape, registerLayer } from './spec.js';

/**
 * A Module built from one JSON config object, so that nothing is written
 * twice: the config it is saved with is the one its constructor received,
 * its typeName is its class name, and registerModule(Class) derives the
 * registry entry (`new Class(config)`). A custom layer writes a constructor
 * and forward, nothing else.
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
}

/** A ConfigModule class: constructed from its config (and, for containers, a static fromConfig with children). */
export interface ConfigModuleClass<C extends LayerConfig = LayerConfig> {
  new (config: C): Module;
  readonly name: string;
  /** Optional: build from a config and (for containers) the children of a saved spec. */
  fromConfig?(config: C, children?: Record<string, Module>): Module;
  /** Optional: the state a module built from `config` has, without allocating (see LayerEntry.stateShapes). */
  stateShapes?(config: C): Record<string, StateShape>;
}

/**
 * Registers a module class under its class name (or `options.name`) with an
 * entry derived from the class: `fromConfig` when it has one, else
 * `new Class(config)`; its static `stateShapes` when it has one. Returns the
 * entry, so the same class registers once (idempotent).
 */
export function registerModule<C extends LayerConfig>(
  cls: ConfigModuleClass<C>,
  options: { name?: string; override?: boolean } = {},
): LayerEntry {
  const name = options.name ?? cls.name;
  if (!name) throw new t.ArgumentError('registerModule: the class has no name; pass options.name');
  let entry = entries.get(cls);
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

/** One entry per class, so registering a class twice is the registry's no-op. */
const entries = new WeakMap<object, LayerEntry>();
/** The name each class was registered under: the typeName its modules save in specs. */
const names = new WeakMap<object, string>();
