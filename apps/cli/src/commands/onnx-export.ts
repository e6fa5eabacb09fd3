import { readFile, writeFile } from 'node:fs/promises';
import * as t from '@tensile/core';
import { decodeSafetensors, loadModel } from '@tensile/io';
import { type Module, moduleFromSpec, type ModuleSpec } from '@tensile/layers';
import { exportOnnx, registerOnnxGraph } from '@tensile/onnx';
import { ConfigError } from '../config.js';
import { buildDataset } from '../data.js';
import { loadRun } from '../model-file.js';
import { prepare } from '../setup.js';

export interface ExportFlags {
  onnx: string;
  /** One sample's shape without the batch dimension ('1,28,28'); by default that of the model's dataset. */
  inputShape?: string;
}

/**
 * `tensile export MODEL --onnx OUT`: writes a model file as ONNX (opset 17,
 * dynamic batch), traced on one sample of its dataset, or on zeros of
 * --input-shape.
 */
export async function exportCommand(path: string, flags: ExportFlags): Promise<number> {
  const bytes = new Uint8Array(
    await readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new ConfigError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    }),
  );
  const { metadata } = decodeSafetensors(bytes, { fileName: path });
  let model: Module;
  let example: t.Tensor;
  if (metadata.config) {
    const run = await loadRun(path, { backend: 'cpu' });
    model = run.model;
    example = flags.inputShape ? zerosOf(flags.inputShape) : await datasetSample(run.config.data);
  } else {
    // A model file without a training config (saveModel from code, tensile import): needs --input-shape.
    if (!flags.inputShape)
      throw new ConfigError(`${path} holds no training config: give the input shape with --input-shape (e.g. 1,28,28)`);
    await prepare({ plugins: [], backend: 'cpu' });
    registerOnnxGraph(); // a file written by tensile import holds an OnnxGraph
    model = await loadModel<Module>(bytes, { fileName: path, build: (a) => moduleFromSpec(a as ModuleSpec) });
    example = zerosOf(flags.inputShape);
  }
  const onnx = await exportOnnx(model, example);
  await writeFile(flags.onnx, onnx);
  process.stdout.write(`${flags.onnx}: ONNX opset 17, input [batch, ${example.shape.slice(1).join(', ')}], ${onnx.byteLength} bytes\n`);
  return 0;
}

function zerosOf(spec: string): t.Tensor {
  const dims = spec.split(',').map((d) => Number(d.trim()));
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 1))
    throw new ConfigError(`--input-shape: expected positive integers separated by commas, got '${spec}'`);
  return t.zeros([1, ...dims]);
}

/** The first test sample's input, as a batch of one. */
async function datasetSample(data: Parameters<typeof buildDataset>[0]): Promise<t.Tensor> {
  const sample = (await buildDataset(data, 'test').get(0)) as unknown;
  const x = Array.isArray(sample) ? sample[0] : ((sample as { x?: unknown; input?: unknown }).x ?? (sample as { input?: unknown }).input);
  if (!(x instanceof t.Tensor)) throw new ConfigError('export: the dataset sample has no input tensor; give --input-shape');
  return x.unsqueeze(0);
}
