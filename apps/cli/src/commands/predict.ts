import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import * as t from '@tensile/core';
import { MNIST_MEAN, MNIST_STD, readIdx } from '@tensile/data';
import { saveSafetensors } from '@tensile/io';
import { ConfigError, type TrainConfig } from '../config.js';
import { buildDataset } from '../data.js';
import { decodeImage, isImageFile, mnistDigit } from '../images.js';
import { loadRun } from '../model-file.js';

export interface PredictFlags {
  backend?: string;
  /** Image (PNG, JPEG), IDX or JSON files. */
  input?: string[];
  samples?: number;
  json?: boolean;
  /** Also write the inputs and the model's raw outputs to this safetensors file (`input`, `output`). */
  save?: string;
}

/**
 * `tensile predict MODEL`: runs the model on inputs and prints class
 * probabilities (or raw outputs for regression). Inputs: `--input` files
 * (PNG/JPEG images, IDX image files, JSON arrays), preprocessed as the
 * model's training data was; otherwise the first `--samples N` test samples.
 */
export async function predict(path: string, flags: PredictFlags): Promise<number> {
  const { model, config } = await loadRun(path, flags);
  model.eval();
  let x: t.Tensor;
  let labels: number[] | null = null;
  if (flags.input && flags.input.length > 0) {
    x = await readInputs(flags.input, config);
  } else {
    const n = flags.samples ?? 5;
    const data = buildDataset({ ...config.data, testLimit: n }, 'test');
    const batch = (await (data.getBatch
      ? data.getBatch(Array.from({ length: data.length }, (_, i) => i))
      : Promise.reject(new Error('dataset has no getBatch')))) as { x: t.Tensor; y: t.Tensor };
    x = batch.x;
    // Class labels are shown beside the predictions; other targets (images, sequences) are not.
    if (batch.y.rank === 1) labels = Array.from(await batch.y.data(), Number);
    batch.y.dispose();
  }
  const raw = t.noGrad(() => model.forward(x) as t.Tensor);
  if (flags.save) await writeFile(flags.save, await saveSafetensors({ input: x, output: raw }));
  // A sequence model's output [N, T, C]: the prediction after each sample's last position.
  const scored = raw.rank === 3 && outputKind(config.loss.name) === 'classes' ? raw.narrow(1, raw.shape[1] - 1, 1).squeeze(1) : raw;
  const output = t.noGrad(() => t.tidy(() => toProbabilities(scored.rank > 2 ? scored.flatten(1) : scored, config.loss.name)));
  for (const tensor of new Set([x, raw, scored])) tensor.dispose();
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

/** How the model's training images were preprocessed, when it was trained on MNIST (null: not an image model). */
function imageSettings(config: TrainConfig): { normalize: boolean; flatten: boolean } | null {
  if (config.data.name !== 'mnist') return null;
  const settings = { ...config.data.config, ...config.data.train };
  return { normalize: settings.normalize === true, flatten: settings.flatten === true };
}

/**
 * The samples in `--input` files, preprocessed exactly as the training data:
 * for an MNIST model, PNG/JPEG images (made MNIST-like: 28×28 grayscale,
 * light digit on black, fitted to 20×20 and centred by mass), IDX image
 * files, and JSON arrays of 28×28 (or 784) pixel values 0–255, all scaled to
 * 0–1 and normalised as the config says; for other models, JSON arrays of
 * feature rows, used as they are (those datasets have no preprocessing).
 */
async function readInputs(paths: readonly string[], config: TrainConfig): Promise<t.Tensor> {
  const image = imageSettings(config);
  const samples: Float32Array[] = [];
  const rows: unknown[] = [];
  for (const path of paths) {
    let bytes = new Uint8Array(
      await readFile(path).catch((err: NodeJS.ErrnoException) => {
        throw new ConfigError(`--input ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      }),
    );
    if (isImageFile(bytes)) {
      if (!image) throw new ConfigError(`--input ${path}: an image, but this model was trained on '${config.data.name}', not on images`);
      samples.push(mnistDigit(decodeImage(bytes, path)));
    } else if (path.endsWith('.json')) {
      let values: unknown;
      try {
        values = JSON.parse(new TextDecoder().decode(bytes));
      } catch (err) {
        throw new ConfigError(`--input ${path}: not valid JSON: ${(err as Error).message}`);
      }
      if (!Array.isArray(values) || values.length === 0)
        throw new ConfigError(`--input ${path}: expected a non-empty JSON array of samples`);
      if (image) values.forEach((v, i) => samples.push(jsonImage(v, `${path}[${i}]`)));
      else rows.push(...values);
    } else {
      if (!image)
        throw new ConfigError(`--input ${path}: this model was trained on '${config.data.name}': give its samples as a JSON array`);
      if (path.endsWith('.gz')) bytes = new Uint8Array(gunzipSync(bytes));
      const idx = readIdx(bytes, path);
      if (idx.dtype !== 'uint8' || idx.shape.length !== 3 || idx.shape[1] !== 28 || idx.shape[2] !== 28) {
        throw new ConfigError(
          `--input ${path}: expected a PNG, a JPEG, a JSON array or an IDX file of uint8 images [N,28,28], got IDX ${idx.dtype} [${idx.shape.join(',')}]`,
        );
      }
      for (let i = 0; i < idx.shape[0]; i++) samples.push(Float32Array.from((idx.data as Uint8Array).subarray(i * 784, (i + 1) * 784)));
    }
  }
  if (!image) return t.tensor(rows as number[][]);
  const norm = image.normalize ? { mean: MNIST_MEAN, std: MNIST_STD } : { mean: 0, std: 1 };
  const pixels = new Float32Array(samples.length * 784);
  samples.forEach((sample, i) => sample.forEach((v, j) => (pixels[i * 784 + j] = (v / 255 - norm.mean) / norm.std)));
  return t.tensor(pixels, { shape: image.flatten ? [samples.length, 784] : [samples.length, 1, 28, 28] });
}

/** One JSON sample of an MNIST model: 784 pixel values 0–255, flat or as 28 rows of 28. */
function jsonImage(value: unknown, where: string): Float32Array {
  const flat = Array.isArray(value) ? (value.flat(2) as unknown[]) : [];
  if (flat.length !== 784 || flat.some((v) => typeof v !== 'number' || !(v >= 0 && v <= 255))) {
    throw new ConfigError(
      `--input ${where}: expected 784 pixel values 0–255 (28×28, as in MNIST's files), got ${Array.isArray(value) ? `${flat.length} values` : JSON.stringify(value)}`,
    );
  }
  return Float32Array.from(flat as number[]);
}
