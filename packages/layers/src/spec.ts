import * as t from '@tensile/core';
import type { Module, LayerConfig } from './module.js';
import { registerLayers } from './register.js';

/** The shape and dtype of one state tensor (parameter or persistent buffer). */
export interface StateShape {
  shape: number[];
  dtype: t.DType;
}

/** How the registry builds a layer: from its config, and for containers the children. */
export interface LayerEntry {
  create(config: LayerConfig, children?: Record<string, Module>): Module;
  /**
   * Optional, and worth adding: the state a module built from `config` has
   * (its own parameters and persistent buffers, and those of children it
   * builds itself, by their state-dict names), computed without allocating.
   * loadModel compares it with a file's tensors before building anything,
   * so a file claiming a huge layer is refused without allocating it.
   */
  stateShapes?(config: LayerConfig): Record<string, StateShape>;
}

declare module '@tensile/core' {
  interface RegistryKinds {
    layer: LayerEntry;
  }
}

/** A model's architecture as JSON: registry name, config, and a container's children. */
export interface ModuleSpec {
  type: string;
  config: LayerConfig;
  children?: Record<string, ModuleSpec>;
}

/**
 * Registers a layer under `name` in core's registry so that specs (and saved
 * models) naming it can be loaded; third-party layers call this too.
 * Registering the same entry twice is a no-op.
 *
 * @example
 * registerLayer('Scale', { create: (c) => new Scale(c.n as number) });
 */
export function registerLayer(name: string, entry: LayerEntry, options: { override?: boolean } = {}): void {
  t.registry.register('layer', name, entry, options);
}

/** The architecture of a module as JSON (no weights: those go in its stateDict). */
export function moduleToSpec(module: Module): ModuleSpec {
  const spec: ModuleSpec = { type: module.typeName, config: JSON.parse(JSON.stringify(module.config)) as LayerConfig };
  const children = module.specChildren();
  if (children) {
    spec.children = {};
    for (const [name, child] of Object.entries(children)) spec.children[name] = moduleToSpec(child);
  }
  return spec;
}

/**
 * Re-creates a module from its spec through the registry (built-in layers are
 * registered first). The weights are fresh: load them with loadStateDict.
 */
export function moduleFromSpec(spec: ModuleSpec): Module {
  registerLayers();
  return build(spec, 'model');
}

function build(spec: ModuleSpec, path: string): Module {
  if (spec === null || typeof spec !== 'object' || typeof spec.type !== 'string') {
    throw new t.ArgumentError(`moduleFromSpec: ${path}: expected { type, config, children? }, got ${JSON.stringify(spec)}`);
  }
  if (!t.registry.has('layer', spec.type)) {
    throw new t.ArgumentError(
      `moduleFromSpec: ${path}: no layer named '${spec.type}' is registered (registered: ${t.registry.list('layer').join(', ')}); ` +
        'a third-party layer must be registered with registerLayer() before loading',
    );
  }
  const children: Record<string, Module> = {};
  try {
    if (spec.children) {
      for (const [name, child] of Object.entries(spec.children)) children[name] = build(child, `${path}.${name}`);
    }
    try {
      const module = t.registry.get('layer', spec.type).create(spec.config ?? {}, spec.children ? children : undefined);
      // A layer that is not a container ignores children: they would be built and lost.
      const adopted = new Set(module.children());
      const lost = Object.keys(children).filter((name) => !adopted.has(children[name]));
      if (lost.length > 0) {
        module.dispose();
        throw new t.ArgumentError(`takes no child ${lost.map((n) => `'${n}'`).join(', ')} (not a container, or not of these)`);
      }
      return module;
    } catch (err) {
      // A config from a file is input: whatever a constructor throws on it becomes our named error.
      const message = `moduleFromSpec: ${path} (${spec.type}): ${err instanceof Error ? err.message : String(err)}`;
      if (err instanceof t.TensileError) {
        err.message = message;
        throw err;
      }
      throw withCause(new t.ArgumentError(message), err);
    }
  } catch (err) {
    // Children built before the failure would leak their parameters.
    for (const child of Object.values(children)) child.dispose();
    throw err;
  }
}

/**
 * The shapes and dtypes of the state dict of the module `spec` describes,
 * by name, computed from the configs alone: nothing is built or allocated.
 * Null when a layer in the spec does not declare `stateShapes` (a
 * third-party layer may not). Throws ArgumentError for a malformed spec or
 * an unregistered layer.
 *
 * @example
 * specStateShapes({ type: 'Linear', config: { inFeatures: 2, outFeatures: 3, bias: true } });
 * // { weight: { shape: [3, 2], dtype: 'float32' }, bias: { shape: [3], dtype: 'float32' } }
 */
export function specStateShapes(spec: ModuleSpec): Record<string, StateShape> | null {
  registerLayers();
  const out: Record<string, StateShape> = {};
  const walk = (s: ModuleSpec, prefix: string, path: string): boolean => {
    if (s === null || typeof s !== 'object' || typeof s.type !== 'string') {
      throw new t.ArgumentError(`specStateShapes: ${path}: expected { type, config, children? }`);
    }
    if (!t.registry.has('layer', s.type)) throw new t.ArgumentError(`specStateShapes: ${path}: no layer named '${s.type}' is registered`);
    const entry = t.registry.get('layer', s.type);
    if (!entry.stateShapes) return false;
    let own: Record<string, StateShape>;
    try {
      own = entry.stateShapes(s.config ?? {});
    } catch (err) {
      throw withCause(
        new t.ArgumentError(`specStateShapes: ${path} (${s.type}): ${err instanceof Error ? err.message : String(err)}`),
        err,
      );
    }
    for (const [name, shape] of Object.entries(own)) out[prefix + name] = shape;
    for (const [name, child] of Object.entries(s.children ?? {})) {
      if (!walk(child, `${prefix}${name}.`, `${path}.${name}`)) return false;
    }
    return true;
  };
  return walk(spec, '', 'model') ? out : null;
}

function withCause(error: Error, cause: unknown): Error {
  error.cause = cause;
  return error;
}
