import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import * as t from '@tensile/core';
import { MNIST_MEAN, MNIST_STD, readIdx } from '@tensile/data';
import { ConfigError, type TrainConfig } from '../config.js';
import { buildDataset } from '../data.js';
import { loadRun } from '../model-file.js';

export interface PredictFlags {
  backend?: string;
  input?: string;
  samples?: number;
  json?: boolean;
}

/**
 * `tensile predict MODEL`: runs the model on inputs and prints class
 * probabilities (or raw outputs for regression). Inputs: `--input` a JSON
 * array of samples, or an IDX image file (uint8 pixels, preprocessed as the
 * model's training data was); otherwise the first `--samples N` test samples.
 */
export async function predict(path: string, flags: PredictFlags): Promise<number> {
  const { model, config } = await loadRun(path, flags);
  model.eval();
  let x: t.Tensor;
  let labels: number[] | null = null;
  if (flags.input) {
    x = await readInputs(flags.input, config);
  } else {
    const n = flags.samples ?? 5;
    const data = buildDataset({ ...config.data, testLimit: n }, 'test');
    const batch = (await (data.getBatch ? data.getBatch(Array.from({ length: data.length }, (_, i) => i)) : Promise.reject(new Error('dataset has no getBatch')))) as { x: t.Tensor; y: t.Tensor };
    x = batch.x;
    labels = Array.from(await batch.y.data(), Number);
    batch.y.dispose();
  }
  const output = t.noGrad(() => t.tidy(() => toProbabilities(model.forward(x) as t.Tensor, config.loss.name)));
  x.dispose();
  const rows = (await output.toArray()) as number[][] | number[];
  output.dispose();
  const results = rows.map((row, i) => {
    const values = Array.isArray(row) ? row : [row];
    const predicted = values.length > 1 ? values.indexOf(Math.max(...values)) : values[0];
    return { index: i, ...(labels ? { label: labels[i] } : {}), predicted, output: values };
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return 0;
  }
  const kind = outputKind(config.loss.name);
  for (const r of results) {
    const label = 'label' in r ? ` label ${r.label}` : '';
    if (kind === 'classes') {
      const probs = r.output.map((p, c) => `${c}:${p.toFixed(3)}`).join(' ');
      process.stdout.write(`#${r.index}${label} → ${r.predicted} (p ${r.output[r.predicted].toFixed(4)})  [${probs}]\n`);
    } else if (kind === 'binary') {
      process.stdout.write(`#${r.index}${label} → ${r.output[0] > 0.5 ? 1 : 0} (p(1) ${r.output[0].toFixed(4)})\n`);
    } else {
      process.stdout.write(`#${r.index}${label} → ${r.output.map((v) => v.toFixed(4)).join(', ')}\n`);
    }
  }
  return 0;
}

type OutputKind = 'classes' | 'binary' | 'values';

function outputKind(loss: string): OutputKind {
  if (/^(CrossEntropy|NLL)/i.test(loss)) return 'classes';
  if (/^BCE/i.test(loss)) return 'binary';
  return 'values';
}

/** Turns the model's output into what its loss says it means: softmax of logits, exp of log-probabilities, sigmoid of BCE logits. */
function toProbabilities(out: t.Tensor, loss: string): t.Tensor {
  if (/^CrossEntropy/i.test(loss)) return out.softmax(-1);
  if (/^NLL/i.test(loss)) return out.exp();
  if (/^BCEWithLogits/i.test(loss)) return out.sigmoid();
  return out;
}

/** A JSON array of samples (used as they are), or an IDX file of uint8 images (scaled, normalised and shaped like the training data). */
async function readInputs(path: string, config: TrainConfig): Promise<t.Tensor> {
  let bytes = new Uint8Array(await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new ConfigError(`--input ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }));
  if (path.endsWith('.json')) {
    const values = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (!Array.isArray(values) || values.length === 0) throw new ConfigError(`--input ${path}: expected a non-empty JSON array of samples`);
    return t.tensor(values as number[][]);
  }
  if (path.endsWith('.gz')) bytes = new Uint8Array(gunzipSync(bytes));
  const idx = readIdx(bytes, path);
  if (idx.dtype !== 'uint8' || idx.shape.length !== 3) {
    throw new ConfigError(`--input ${path}: expected IDX uint8 images [N,H,W], got ${idx.dtype} [${idx.shape.join(',')}]`);
  }
  const [n, h, w] = idx.shape;
  const settings = { ...config.data.config, ...config.data.train };
  const norm = settings.normalize === true ? { mean: MNIST_MEAN, std: MNIST_STD } : { mean: 0, std: 1 };
  const pixels = Float32Array.from(idx.data as Uint8Array, (v) => (v / 255 - norm.mean) / norm.std);
  return t.tensor(pixels, { shape: settings.flatten === true ? [n, h * w] : [n, 1, h, w] });
}
