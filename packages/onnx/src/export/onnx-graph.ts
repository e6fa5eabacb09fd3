/**
 * The exporter of an imported OnnxGraph: its nodes written back (fine-tuned
 * parameters as initializers under their names), so a PyTorch model
 * fine-tuned in Tensile goes back to ONNX Runtime. Value names get this
 * module's prefix, so a graph nested in a larger model cannot collide.
 */
import type { Module } from '@tensile/layers';
import type { AttrValue, GraphIR } from '../ir.js';
import { isHost } from '../ir.js';
import { OnnxUnsupportedError } from '../errors.js';
import { hostTensor, type AttrInput, type ExportContext, type ExportValue, type Flow, type NameFlow } from './context.js';
import { registerOnnxExporter } from './registry.js';

function attr(ctx: ExportContext, value: AttrValue, isFloat: boolean): AttrInput {
  if (isHost(value)) return { tensor: hostTensor(ctx.fresh('value'), value) };
  if (isFloat) return typeof value === 'number' ? { float: value } : { floats: value as number[] };
  return value as AttrInput;
}

function onnxGraph(ctx: ExportContext, m: Module, inputs: readonly Flow[]): NameFlow {
  const g = (m as unknown as { graph: GraphIR }).graph;
  if (inputs.length !== g.inputs.length)
    throw new OnnxUnsupportedError(
      `exportOnnx: ${ctx.prefix || 'model'} (OnnxGraph) takes ${g.inputs.length} inputs, got ${inputs.length}`,
    );
  const names = new Map<string, string>();
  g.inputs.forEach((spec, i) => names.set(spec.name, (inputs[i] as ExportValue).name));
  for (const [name, x] of [...m.namedParameters(), ...m.namedBuffers()]) names.set(name, ctx.initializer(name, x));
  for (const [name, v] of Object.entries(g.constants)) names.set(name, ctx.host(v));
  for (const node of g.nodes) {
    const attrs: Record<string, AttrInput> = {};
    for (const [k, v] of Object.entries(node.attrs)) attrs[k] = attr(ctx, v, node.floatAttrs?.includes(k) ?? false);
    const ins = node.inputs.map((n) => (n === '' ? '' : (names.get(n) ?? n)));
    const outs = ctx.node(node.op, ins, attrs, node.outputs.length);
    node.outputs.forEach((n, i) => names.set(n, outs[i] as string));
  }
  const outs = g.outputs.map((n) => names.get(n) as string);
  return outs.length === 1 ? (outs[0] as string) : outs;
}

export function registerOnnxGraphExporter(): void {
  registerOnnxExporter('OnnxGraph', onnxGraph);
}
