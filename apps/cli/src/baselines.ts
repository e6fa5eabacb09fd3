import * as t from '@tensile/core';
import { type Dataset, Subset, TextDataset } from '@tensile/data';
import type { Module } from '@tensile/layers';
import type { Logs } from '@tensile/train';
import { Bigram } from './bigram.js';
import type { TrainConfig } from './config.js';
import { buildDataset, type ConfiguredLoader } from './data.js';
import { PSNR } from './metrics.js';
import { generate } from './sampling.js';

/** The TextDataset behind `dataset` (itself, or a Subset of one) and the windows it uses; null for other data. */
export function textWindows(dataset: Dataset): { text: TextDataset; indices: number[] } | null {
  if (dataset instanceof TextDataset) return { text: dataset, indices: Array.from({ length: dataset.length }, (_, i) => i) };
  if (dataset instanceof Subset && dataset.dataset instanceof TextDataset)
    return { text: dataset.dataset, indices: Array.from(dataset.indices) };
  return null;
}

/** The (previous, next) character pairs whose next character the windows predict: exactly the model's targets. */
function* targetPairs({ text, indices }: { text: TextDataset; indices: number[] }): Generator<[number, number]> {
  for (const i of indices) {
    const start = i * text.stride;
    for (let j = start; j < start + text.blockSize; j++) yield [text.ids[j], text.ids[j + 1]];
  }
}

/**
 * What the test results are measured against, as log entries: for a text
 * model, the held-out loss of a count-based bigram trained on the training
 * split (`bigram_loss`, nats per character, on the same target characters;
 * `bigram_alpha` its smoothing); for a model scored by PSNR, the PSNR of its
 * inputs themselves (`input_psnr`: the noisy images, before denoising).
 */
export async function baselines(config: TrainConfig, testSet: Dataset, testLoader: () => ConfiguredLoader): Promise<Logs> {
  const test = textWindows(testSet);
  if (test) {
    const train = textWindows(buildDataset({ ...config.data, limit: null }, 'train'));
    if (!train || train.text.vocab.size !== test.text.vocab.size) return {};
    const bigram = new Bigram(train.text.ids, train.text.vocab.size);
    const { alpha, loss } = bigram.best(() => targetPairs(test));
    return { bigram_loss: loss, bigram_alpha: alpha };
  }
  if (config.metrics.includes('psnr')) {
    const psnr = new PSNR();
    for await (const batch of testLoader()) {
      const { x, y } = batch as { x: t.Tensor; y: t.Tensor };
      psnr.update(x, y);
      x.dispose();
      y.dispose();
    }
    const value = await psnr.result();
    psnr.reset();
    return { input_psnr: value };
  }
  return {};
}

/** Lines that put the test results beside their baselines (nothing when there are none). */
export function baselineLines(test: Logs): string[] {
  const lines: string[] = [];
  if (test.bigram_loss !== undefined && test.loss !== undefined) {
    const lower = (1 - test.loss / test.bigram_loss) * 100;
    const relation = lower >= 0 ? `${lower.toFixed(1)}% lower` : `${(-lower).toFixed(1)}% higher`;
    lines.push(
      `held-out: ${test.loss.toFixed(4)} nats/char (${(test.loss / Math.LN2).toFixed(3)} bits/char); a count-based bigram (add-α, α ${test.bigram_alpha}) on the same characters: ${test.bigram_loss.toFixed(4)} nats/char → ${relation}`,
    );
  }
  if (test.input_psnr !== undefined && test.psnr !== undefined) {
    lines.push(
      `PSNR: ${test.input_psnr.toFixed(2)} dB noisy input → ${test.psnr.toFixed(2)} dB denoised (+${(test.psnr - test.input_psnr).toFixed(2)} dB)`,
    );
  }
  return lines;
}

/** A sample of a text model's writing, started from the held-out split's first window, for the end of a run. */
export async function textSample(model: Module, testSet: Dataset, seed: number): Promise<string | null> {
  const test = textWindows(testSet);
  if (!test) return null;
  const prompt = test.text.ids.subarray(0, Math.min(32, test.text.blockSize));
  const ids = await generate(model as Module<[t.Tensor], t.Tensor>, prompt, {
    maxNewTokens: 300,
    blockSize: test.text.blockSize,
    temperature: 0.8,
    topK: 20,
    rng: new t.Rng(seed),
  });
  return `${test.text.vocab.decode(prompt)}⟨${test.text.vocab.decode(ids)}⟩`;
}
