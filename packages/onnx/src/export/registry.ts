/**
 * The exporter registry: how each layer (by typeName) becomes ONNX nodes.
 * Built-in layers register theirs here; a third-party layer registers its
 * own with registerOnnxExporter, exactly like the built-in ones.
 */
import type { Module } from '@tensile/layers';
import type { ExportContext, Flow, NameFlow } from './context.js';

/**
 * Writes `module`'s computation on the input flows (its forward's arguments)
 * and returns the names of its outputs, shaped like forward's result. `ctx.prefix` is the module's dotted path, so
 * `ctx.initializer('weight', m.param('weight'))` names it as PyTorch would.
 * `exportChild` exports a child module in place (for containers and blocks).
 */
export type LayerExporter<M extends Module = Module> = (
  ctx: ExportContext,
  module: M,
  inputs: readonly Flow[],
  exportChild: (name: string, child: Module, inputs: readonly Flow[]) => Flow,
) => NameFlow;

const exporters = new Map<string, LayerExporter>();

/**
 * Registers how a layer type exports to ONNX; a later call for the same
 * name replaces the earlier one.
 *
 * @example
 * registerOnnxExporter('Scale', (ctx, m, [x]) => {
 *   const s = ctx.scalar((m as Scale).factor);
 *   return ctx.op('Mul', [(x as ExportValue).name, s]);
 * });
 */
export function registerOnnxExporter<M extends Module>(typeName: string, exporter: LayerExporter<M>): void {
  exporters.set(typeName, exporter as unknown as LayerExporter);
}

/** The exporter for a type name, if one is registered. */
export function exporterFor(typeName: string): LayerExporter | undefined {
  return exporters.get(typeName);
}

/** The type names with an exporter, sorted. */
export function exportableLayers(): string[] {
  return [...exporters.keys()].sort();
}
