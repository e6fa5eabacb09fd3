import * as t from '@tensile/core';
import type { Module } from '@tensile/layers';
import { textWindows } from '../baselines.js';
import { ConfigError } from '../config.js';
import { buildDataset } from '../data.js';
import { loadRun } from '../model-file.js';
import { generate } from '../sampling.js';

export interface GenerateFlags {
  backend?: string;
  prompt?: string;
  length?: number;
  temperature?: number;
  topK?: number;
  seed?: number;
  samples?: number;
  json?: boolean;
}

/**
 * `tensile generate MODEL`: text from a character-level model, sampled one
 * character at a time with a temperature and top-k, from a prompt (default:
 * the corpus's document separator, so the model starts a new document, or
 * its first character). The vocabulary comes from the model's dataset.
 */
export async function generateCommand(path: string, flags: GenerateFlags): Promise<number> {
  const { model, config } = await loadRun(path, flags);
  const windows = textWindows(buildDataset({ ...config.data, limit: 1 }, 'train'));
  if (!windows) {
    throw new ConfigError(
      `${path}: generate needs a model trained on a text dataset (such as sotu); this one was trained on '${config.data.name}'`,
    );
  }
  const { vocab, blockSize: trainedOn } = windows.text;
  const blockSize = Number((model as { config?: { blockSize?: number } }).config?.blockSize ?? trainedOn);
  const prompt = flags.prompt ?? (vocab.chars.includes('\n') ? '\n' : vocab.chars[0]);
  let ids: Int32Array;
  try {
    ids = vocab.encode(prompt);
  } catch (err) {
    throw new ConfigError(`--prompt: ${(err as Error).message.replace(/^CharVocab.encode: /, '')}`);
  }
  if (ids.length === 0) throw new ConfigError('--prompt: must not be empty');
  const rng = new t.Rng(flags.seed ?? 0);
  const texts: string[] = [];
  for (let i = 0; i < (flags.samples ?? 1); i++) {
    const out = await generate(model as Module<[t.Tensor], t.Tensor>, ids, {
      maxNewTokens: flags.length ?? 500,
      blockSize,
      temperature: flags.temperature ?? 0.8,
      topK: flags.topK ?? null,
      rng,
    });
    texts.push(vocab.decode(out));
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(texts.map((text) => ({ prompt, text })))}\n`);
  else for (const text of texts) process.stdout.write(`${prompt}${text}\n${texts.length > 1 ? '\n' : ''}`);
  return 0;
}
