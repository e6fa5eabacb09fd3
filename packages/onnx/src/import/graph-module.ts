/**
 * OnnxGraph: an imported ONNX graph as a trainable Tensile module. Its
 * parameters are the graph's float initializers under their ONNX names, which
 * PyTorch's exporter sets to the state-dict names (`fc1.weight`) where the
 * graph keeps them; dotted names nest as child modules, so namedParameters()
 * and stateDict() give back PyTorch's names. BatchNormalization statistics
 * are buffers. forward evaluates the nodes in order with core ops.
 */
import * as t from '@tensile/core';
import { Module, registerLayer, type LayerConfig } from '@tensile/layers';
import type { GraphIR } from '../ir.js';
import { OnnxFormatError, OnnxUnsupportedError } from '../errors.js';
import { IMPORT_OPS } from './ops.js';
import { isHost, toTensor, type Value } from './values.js';

/** Holds the parameters under one prefix of a dotted name ('fc1' of 'fc1.weight'). */
class OnnxParams extends Module {
  readonly typeName = 'OnnxParams';
  get config(): LayerConfig {
    return {};
  }
  forward(): never {
    throw new OnnxUnsupportedError('OnnxParams only holds parameters of an imported graph');
  }
  child(name: string): OnnxParams {
    const found = [...this.namedChildren()].find(([n]) => n === name)?.[1];
    return (found as OnnxParams | undefined) ?? this.addModule(name, new OnnxParams());
  }
  add(name: string, x: t.Tensor, buffer: boolean): void {
    if (buffer) this.addBuffer(name, x);
    else this.addParameter(name, x);
  }
}

/** The initializers a graph reads as running statistics (BatchNormalization's mean and variance). */
export function statisticNames(graph: GraphIR): Set<string> {
  const names = new Set<string>();
  for (const n of graph.nodes) if (n.op === 'BatchNormalization') for (const i of [3, 4]) if (n.inputs[i]) names.add(n.inputs[i] as string);
  return names;
}

/**
 * An ONNX graph as a module. Built by importOnnx (weights from the file) or
 * by the registry from a saved model (zeros, then its state dict loads).
 *
 * @example
 * const model = importOnnx(bytes);          // an OnnxGraph
 * const y = model.call(t.randn([2, 8]));
 */
export class OnnxGraph extends Module<t.Tensor[], t.Tensor | t.Tensor[]> {
  readonly typeName = 'OnnxGraph';
  readonly graph: GraphIR;
  private readonly tensors = new Map<string, t.Tensor>();

  constructor(graph: GraphIR, weights: Record<string, Float32Array | Float64Array> = {}) {
    super();
    this.graph = graph;
    const stats = statisticNames(graph);
    const holders = new Map<string, OnnxParams>();
    for (const [name, info] of Object.entries(graph.parameters)) {
      const data = weights[name];
      const x = data ? t.fromData(data, info.shape, info.dtype) : t.zeros(info.shape, { dtype: info.dtype });
      const parts = name.split('.');
      if (parts.some((p) => p === '')) throw new OnnxFormatError(`OnnxGraph: the initializer name '${name}' has an empty part`);
      const leaf = parts.pop() as string;
      if (parts.length === 0) {
        if (stats.has(name)) this.addBuffer(leaf, x);
        else this.addParameter(leaf, x);
      } else {
        let holder = holders.get(parts[0] as string);
        if (!holder) {
          holder = this.addModule(parts[0] as string, new OnnxParams());
          holders.set(parts[0] as string, holder);
        }
        for (const p of parts.slice(1)) holder = holder.child(p);
        holder.add(leaf, x, stats.has(name));
      }
      this.tensors.set(name, x);
    }
  }

  get config(): LayerConfig {
    return { graph: this.graph as unknown as LayerConfig };
  }

  /** The graph's inputs in order (as torch.onnx.export named them); returns its output, or all outputs when there are several. */
  forward(...inputs: t.Tensor[]): t.Tensor | t.Tensor[] {
    const g = this.graph;
    if (inputs.length !== g.inputs.length)
      throw new t.ArgumentError(
        `OnnxGraph: the graph takes ${g.inputs.length} input(s) (${g.inputs.map((i) => i.name).join(', ')}), got ${inputs.length}`,
      );
    g.inputs.forEach((spec, i) => {
      const x = inputs[i] as t.Tensor;
      const fixed = spec.shape.every((d, j) => typeof d !== 'number' || d === x.shape[j]);
      if (x.rank !== spec.shape.length || !fixed)
        throw new t.ShapeError(`OnnxGraph: input '${spec.name}' must have shape [${spec.shape.join(', ')}], got [${x.shape.join(', ')}]`);
    });
    // Parameters are fetched live: a module moved with to() or loaded with loadStateDict holds new tensors.
    const live = new Map([...this.namedParameters(), ...this.namedBuffers()]);
    return t.tidy(() => {
      const env = new Map<string, Value>();
      for (const [name] of this.tensors) env.set(name, live.get(name) as t.Tensor);
      for (const [name, v] of Object.entries(g.constants)) env.set(name, v);
      g.inputs.forEach((spec, i) => env.set(spec.name, inputs[i] as t.Tensor));
      for (const node of g.nodes) {
        const impl = IMPORT_OPS[node.op];
        if (!impl) throw new OnnxUnsupportedError(`OnnxGraph: operator '${node.op}' is not supported`);
        const args = node.inputs.map((n) => (n === '' ? undefined : env.get(n)));
        const outs = impl(args, node.attrs, node);
        node.outputs.forEach((name, i) => {
          const v = outs[i];
          if (name !== '' && v !== undefined) env.set(name, v);
        });
      }
      const outs = g.outputs.map((name) => {
        const v = env.get(name) as Value;
        return isHost(v) ? toTensor(v) : v;
      });
      return outs.length === 1 ? (outs[0] as t.Tensor) : outs;
    });
  }
}

/**
 * Registers OnnxGraph in the layer registry, so saved models holding an
 * imported graph load with loadModel. importOnnx calls it; idempotent.
 */
export function registerOnnxGraph(): void {
  registerLayer('OnnxGraph', ONNX_GRAPH_ENTRY);
}

const ONNX_GRAPH_ENTRY = {
  create: (config: LayerConfig) => new OnnxGraph(config.graph as unknown as GraphIR),
  // The state, from the graph alone: loadModel checks a file's tensors against it before building.
  stateShapes: (config: LayerConfig) =>
    Object.fromEntries(
      Object.entries((config.graph as unknown as GraphIR).parameters).map(([name, p]) => [name, { shape: p.shape, dtype: p.dtype }]),
    ),
};
