/**
 * exportOnnx: a model built from registered layers to an ONNX (opset 17)
 * file, as torch.onnx.export(model, args): the example inputs fix every
 * dimension but the batch, which is named 'batch' and left dynamic.
 * Containers (Sequential) are walked; every other module needs an exporter,
 * and the error for one without says which layer and how to add it.
 */
import * as t from '@tensile/core';
import type { Module } from '@tensile/layers';
import { OnnxUnsupportedError } from '../errors.js';
import { DataType, onnx } from '../proto.js';
import { ExportContext, type ExportValue, type Flow, type NameFlow } from './context.js';
import { exporterFor } from './registry.js';
import { registerBuiltinExporters } from './builtins.js';

export interface ExportOnnxOptions {
  /** The graph's input names (default 'input', or 'input_0', 'input_1', …). */
  inputNames?: string[];
  /** The graph's output names, in the order forward's result flattens (default 'output', 'output_1', …). */
  outputNames?: string[];
  /** Leave dimension 0 of every input and output dynamic, named 'batch' (default true), unless dynamicAxes names that value. */
  dynamicBatch?: boolean;
  /**
   * Dynamic dimensions by input or output name, as torch.onnx.export's
   * dynamic_axes: `{ input: { 0: 'seq', 1: 'batch' }, output: { 0: 'seq', 1: 'batch' } }`
   * (a time-major RNN). A value named here gets exactly these.
   */
  dynamicAxes?: Record<string, Record<number, string>>;
  /** The producer name stored in the file (default 'tensile'). */
  producerName?: string;
}

export const OPSET = 17;

const ELEM: Record<t.DType, number> = { float32: DataType.FLOAT, float64: DataType.DOUBLE, int32: DataType.INT32, bool: DataType.BOOL };

/**
 * Writes `model` as ONNX bytes, traced through its layers on `example`
 * (evaluation mode: dropout is the identity, norms use running statistics).
 *
 * @example
 * const bytes = await exportOnnx(model, t.zeros([1, 784]));
 * await writeFile('model.onnx', bytes); // runs in ONNX Runtime, batch size free
 */
export async function exportOnnx(
  model: Module,
  example: t.Tensor | readonly t.Tensor[],
  options: ExportOnnxOptions = {},
): Promise<Uint8Array> {
  registerBuiltinExporters();
  const examples = Array.isArray(example) ? [...example] : [example as t.Tensor];
  const inputNames = options.inputNames ?? (examples.length === 1 ? ['input'] : examples.map((_, i) => `input_${i}`));
  if (inputNames.length !== examples.length)
    throw new t.ArgumentError(`exportOnnx: ${inputNames.length} input names for ${examples.length} example inputs`);
  const dynamic = options.dynamicBatch ?? true;
  const wasTraining = model.training;
  model.eval();
  const ctx = new ExportContext();
  let outputs: { name: string; dtype: t.DType; shape: number[] }[] = [];
  try {
    t.noGrad(() =>
      t.tidy(() => {
        const flows: Flow[] = examples.map((x, i) => ({ name: inputNames[i] as string, example: x }));
        const out = exportModule(ctx, '', model, flows);
        outputs = flatten(out).map((v) => ({ name: v.name, dtype: v.example.dtype, shape: [...v.example.shape] }));
      }),
    );
  } finally {
    model.train(wasTraining);
  }
  const outNames = options.outputNames ?? outputs.map((_, i) => (i === 0 ? 'output' : `output_${i}`));
  if (outNames.length !== outputs.length)
    throw new t.ArgumentError(`exportOnnx: ${outNames.length} output names for ${outputs.length} outputs`);
  // Graph outputs get their public names through Identity nodes (an input may also be an output).
  outputs.forEach((o, i) =>
    ctx.nodes.push(onnx.NodeProto.create({ opType: 'Identity', name: `/output_${i}`, input: [o.name], output: [outNames[i] as string] })),
  );
  const info = (name: string, dtype: t.DType, shape: readonly number[]) => {
    const axes = options.dynamicAxes?.[name] ?? (dynamic ? { 0: 'batch' } : {});
    return onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: ELEM[dtype],
          shape: { dim: shape.map((d, j) => (axes[j] !== undefined ? { dimParam: axes[j] } : { dimValue: d })) },
        },
      },
    });
  };
  const graph = onnx.GraphProto.create({
    name: model.typeName,
    node: ctx.nodes,
    initializer: await ctx.initializers(),
    input: examples.map((x, i) => info(inputNames[i] as string, x.dtype, x.shape)),
    output: outputs.map((o, i) => info(outNames[i] as string, o.dtype, o.shape)),
  });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: options.producerName ?? 'tensile',
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
  });
  return onnx.ModelProto.encode(proto).finish();
}

function flatten(flow: Flow): ExportValue[] {
  return isValue(flow) ? [flow] : (flow as readonly Flow[]).flatMap(flatten);
}

const isValue = (f: Flow): f is ExportValue => !Array.isArray(f);

/** Pairs an exporter's output names with the example outputs of running the module. */
function zip(names: NameFlow, example: unknown, where: string): Flow {
  if (typeof names === 'string') {
    if (!(example instanceof t.Tensor))
      throw new OnnxUnsupportedError(
        `exportOnnx: ${where} returns a ${example === null ? 'null' : typeof example} where its exporter wrote a tensor`,
      );
    return { name: names, example };
  }
  const items = example as unknown[];
  if (!Array.isArray(items) || items.length !== names.length)
    throw new OnnxUnsupportedError(
      `exportOnnx: ${where}'s exporter wrote ${names.length} outputs, forward returns ${Array.isArray(items) ? items.length : 1}`,
    );
  return names.map((n, i) => zip(n, items[i], where));
}

const examplesOf = (flows: readonly Flow[]): unknown[] => flows.map((f) => (isValue(f) ? f.example : examplesOf(f as readonly Flow[])));

/** Exports `module` (a child `name` of the module being exported) on `inputs`; returns its output flow. */
export function exportModule(ctx: ExportContext, name: string, module: Module, inputs: readonly Flow[]): Flow {
  const parent = ctx.prefix;
  ctx.prefix = parent && name ? `${parent}.${name}` : parent || name;
  const where = `${ctx.prefix || 'model'} (${module.typeName})`;
  try {
    if (module.typeName === 'Sequential') {
      let flow = inputs[0] as Flow;
      for (const [childName, child] of module.namedChildren()) flow = exportModule(ctx, childName, child, [flow]);
      return flow;
    }
    const exporter = exporterFor(module.typeName);
    if (!exporter)
      throw new OnnxUnsupportedError(
        `exportOnnx: ${where} has no ONNX exporter. Register one with registerOnnxExporter('${module.typeName}', (ctx, module, inputs) => …) from @tensile/onnx, writing its computation as ONNX nodes`,
      );
    const names = exporter(ctx, module, inputs, (childName, child, childInputs) => {
      const here = ctx.prefix;
      try {
        return exportModule(ctx, childName, child, childInputs);
      } finally {
        ctx.prefix = here;
      }
    });
    const example = (module.call as (...a: unknown[]) => unknown)(...examplesOf(inputs));
    return zip(names, example, where);
  } finally {
    ctx.prefix = parent;
  }
}
