/**
 * importOnnx: an ONNX file (as torch.onnx.export writes it) to a trainable
 * OnnxGraph. Everything is checked before a tensor exists: the bytes (readOnnx),
 * then every operator against the supported set, all unsupported ones named.
 */
import { readOnnx } from '../read.js';
import type { OnnxLimits } from '../limits.js';
import type { GraphIR, NodeIR } from '../ir.js';
import { OnnxUnsupportedError } from '../errors.js';
import { IMPORT_OPS } from './ops.js';
import { OnnxGraph, registerOnnxGraph } from './graph-module.js';

/** The ONNX operators importOnnx maps onto Tensile ops, sorted. */
export const supportedImportOps = (): string[] => Object.keys(IMPORT_OPS).sort();

/** Throws OnnxUnsupportedError listing every operator of the graph Tensile cannot run. */
export function checkImportable(graph: GraphIR): void {
  const missing = new Map<string, string[]>();
  for (const n of graph.nodes) {
    if (IMPORT_OPS[n.op]) continue;
    missing.set(n.op, [...(missing.get(n.op) ?? []), n.name]);
  }
  if (missing.size === 0) return;
  const list = [...missing].map(([op, nodes]) => `${op} (${nodes.length} node${nodes.length > 1 ? 's' : ''}, e.g. '${nodes[0]}')`);
  throw new OnnxUnsupportedError(
    `importOnnx: unsupported ONNX operator(s): ${list.join(', ')}. Supported: ${supportedImportOps().join(', ')}`,
  );
}

/**
 * PyTorch's exporter, folding constants, keeps one copy of equal initializers
 * and aliases the rest through Identity nodes (a TransformerEncoder's
 * identical fresh layers). Each alias becomes its own parameter, with a copy
 * of the data, as in the PyTorch model it came from.
 */
function untieIdentityAliases(graph: GraphIR, weights: Record<string, Float32Array | Float64Array>): GraphIR {
  const nodes: NodeIR[] = [];
  const parameters = { ...graph.parameters };
  for (const n of graph.nodes) {
    const src = n.inputs[0] as string;
    const out = n.outputs[0] as string;
    if (n.op === 'Identity' && parameters[src] && out && weights[src]) {
      parameters[out] = { ...(parameters[src] as GraphIR['parameters'][string]) };
      weights[out] = weights[src].slice();
      continue;
    }
    nodes.push(n);
  }
  return { ...graph, parameters, nodes };
}

/**
 * Reads an ONNX model into a trainable module whose parameters are its
 * initializers.
 *
 * @example
 * const model = importOnnx(new Uint8Array(await readFile('lenet.onnx')));
 * const logits = model.call(images) as t.Tensor;
 * // fine-tune: new SGD(model.parameters(), { lr: 0.01 })
 */
export function importOnnx(bytes: Uint8Array, limits: Partial<OnnxLimits> = {}): OnnxGraph {
  const read = readOnnx(bytes, limits);
  checkImportable(read.graph);
  const graph = untieIdentityAliases(read.graph, read.weights);
  registerOnnxGraph();
  return new OnnxGraph(graph, read.weights);
}

export { OnnxUnsupportedError };
