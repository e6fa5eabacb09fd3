import { type Module, moduleFromSpec, type ModuleSpec } from '@tensile/layers';
import { ConfigError, isObject, type Json, type JsonObject, parseNamed } from './config.js';

/**
 * The model of a config as a module spec. `model` is a list of layers (run in
 * order, as a Sequential) or one full spec `{ type, config, children }`. Each
 * layer is `ReLU`, `{ Linear: { inFeatures: 784, outFeatures: 10 } }`,
 * `{ name: Linear, inFeatures: 784, outFeatures: 10 }` or a full spec.
 */
export function modelSpec(model: Json, where: string): ModuleSpec {
  if (Array.isArray(model)) {
    const children: Record<string, ModuleSpec> = {};
    model.forEach((layer, i) => (children[String(i)] = layerSpec(layer, `${where}: model[${i}]`)));
    return { type: 'Sequential', config: {}, children };
  }
  return layerSpec(model, `${where}: model`);
}

function layerSpec(layer: Json, where: string): ModuleSpec {
  if (isObject(layer) && typeof layer.type === 'string') {
    const children = layer.children;
    if (children !== undefined && !isObject(children) && !Array.isArray(children)) {
      throw new ConfigError(`${where}: children must be a mapping or a list of layers`);
    }
    const spec: ModuleSpec = { type: layer.type, config: (layer.config ?? {}) as JsonObject };
    if (Array.isArray(children)) spec.children = modelSpec(children, where).children;
    else if (children)
      spec.children = Object.fromEntries(Object.entries(children).map(([k, v]) => [k, layerSpec(v as Json, `${where}.${k}`)]));
    return spec;
  }
  const { name, config } = parseNamed(layer, where);
  return { type: name, config };
}

/** Builds the model through the layer registry (so plugin layers work the same as built-in ones). */
export function buildModel(spec: ModuleSpec): Module {
  return moduleFromSpec(spec);
}
