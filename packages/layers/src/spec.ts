import * as t from '@tensile/core';
import { Module, type LayerConfig } from './module.js';
import { registerLayers } from './register.js';

/** How the registry builds a layer: from its config, and for containers the children. */
export interface LayerEntry {
  create(config: LayerConfig, children?: Record<string, Module>): Module;
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
  let children: Record<string, Module> | undefined;
  if (spec.children) {
    children = {};
    for (const [name, child] of Object.entries(spec.children)) children[name] = build(child, `${path}.${name}`);
  }
  try {
    return t.registry.get('layer', spec.type).create(spec.config ?? {}, children);
  } catch (err) {
    if (err instanceof Error) err.message = `moduleFromSpec: ${path} (${spec.type}): ${err.message}`;
    throw err;
  }
}
