import * as t from '@tensile/core';
import type { Module } from '@tensile/layers';

export interface SampleOptions {
  /** Divides the logits: below 1 sharper, above 1 flatter; 0 takes the most likely token (default 1). */
  temperature?: number;
  /** Sample only among the k most likely tokens (default: all). */
  topK?: number | null;
  /** The generator the draws come from (default core's). */
  rng?: t.Rng;
}

/**
 * Draws a token id from one row of logits, as nanoGPT's sampler: divide by the
 * temperature, keep the top k (ties at the k-th value stay in), softmax, draw.
 *
 * @example
 * sampleLogits(new Float32Array([2, 1, 0.1]), { temperature: 0.8, topK: 2, rng }) // 0 or 1
 */
export function sampleLogits(logits: ArrayLike<number>, options: SampleOptions = {}): number {
  const temperature = options.temperature ?? 1;
  const row = Array.from(logits);
  if (temperature === 0) return row.indexOf(Math.max(...row));
  const k = Math.min(options.topK ?? row.length, row.length);
  const cutoff = [...row].sort((a, b) => b - a)[k - 1];
  const top = Math.max(...row);
  const weights = row.map((v) => (v >= cutoff ? Math.exp((v - top) / temperature) : 0));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = (options.rng ?? t.defaultRng()).uniform() * total;
  let drawn = 0;
  for (let i = 0; i < weights.length && u >= 0; i++) {
    if (weights[i] === 0) continue;
    drawn = i; // the last candidate also takes what rounding leaves over
    u -= weights[i];
  }
  return drawn;
}

export interface GenerateOptions extends SampleOptions {
  /** Tokens to add to the prompt. */
  maxNewTokens: number;
  /** The longest context the model takes: the prompt is cropped to its last blockSize tokens. */
  blockSize: number;
}

/**
 * Continues `prompt` (token ids) with `maxNewTokens` tokens sampled from an
 * autoregressive model mapping ids [1, T] to logits [1, T, V], feeding
 * each draw back in. Returns the new tokens only.
 *
 * @example
 * const ids = await generate(gpt, vocab.encode('Fellow-Citizens'), { maxNewTokens: 200, blockSize: 64, temperature: 0.8, topK: 20 });
 * vocab.decode(ids);
 */
export async function generate(
  model: Module<[t.Tensor], t.Tensor>,
  prompt: ArrayLike<number>,
  options: GenerateOptions,
): Promise<Int32Array> {
  if (prompt.length === 0) throw new t.ArgumentError('generate: the prompt needs at least one token');
  const { temperature = 1, topK = null } = options;
  if (!(temperature >= 0)) throw new t.ArgumentError(`generate: temperature must be ≥ 0, got ${temperature}`);
  if (topK !== null && !(Number.isInteger(topK) && topK >= 1))
    throw new t.ArgumentError(`generate: topK must be a positive integer, got ${topK}`);
  const wasTraining = model.training;
  model.eval();
  const ids = Array.from(prompt);
  const out = new Int32Array(options.maxNewTokens);
  try {
    for (let n = 0; n < options.maxNewTokens; n++) {
      const context = ids.slice(-options.blockSize);
      const last = t.noGrad(() =>
        t.tidy(() => {
          const logits = model.call(t.tensor(Int32Array.from(context), { shape: [1, context.length] }));
          return logits.narrow(1, context.length - 1, 1).reshape([-1]);
        }),
      );
      const row = await last.data<Float32Array>();
      last.dispose();
      out[n] = sampleLogits(row, options);
      ids.push(out[n]);
    }
  } finally {
    model.train(wasTraining);
  }
  return out;
}
