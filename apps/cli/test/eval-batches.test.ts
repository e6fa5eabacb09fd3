/**
 * Validation and the held-out test are read in batches of the config's
 * evalBatchSize (else its batchSize, or a command's --batch-size), each freed
 * before the next: memory follows the batch, not the split. The GPT's
 * end-of-run evaluation once ran out of the wasm heap in batches of 500.
 */
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { registerData } from '@tensile/data';
import { CrossEntropyLoss } from '@tensile/losses';
import { type Batch, evaluate, type TrainableModel } from '@tensile/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, readConfig, type TrainConfig } from '../src/config.js';
import { buildDataset, evalLoader } from '../src/data.js';
import { FlattenedLoss } from '../src/loss.js';
import { GPT, registerModels } from '../src/models/index.js';

const gptConfig = new URL('../configs/sotu-gpt.yaml', import.meta.url);

beforeAll(async () => {
  await t.setBackend(cpu());
  registerData();
  registerModels();
});

/** The GPT config's test split cut to its first `n` windows. */
async function heldOut(n: number): Promise<{ config: TrainConfig; test: ReturnType<typeof buildDataset> }> {
  const config = await readConfig(gptConfig);
  config.data.testLimit = n;
  return { config, test: buildDataset(config.data, 'test') };
}

describe('evaluation batches', () => {
  it("come in the config's evalBatchSize, else its batchSize; a command's --batch-size wins", async () => {
    const { config, test } = await heldOut(100);
    expect(config.evalBatchSize).toBeNull();
    expect(evalLoader(test, config).length).toBe(4); // batchSize 32
    expect(evalLoader(test, { ...config, evalBatchSize: 10 }).length).toBe(10);
    expect(evalLoader(test, { ...config, evalBatchSize: 10 }, 50).length).toBe(2);
    const raw = { data: 'moons', model: [{ Linear: { inFeatures: 2, outFeatures: 2 } }] };
    expect(parseConfig({ ...raw, evalBatchSize: 256 }, 'x.yaml').evalBatchSize).toBe(256);
    expect(() => parseConfig({ ...raw, evalBatchSize: 0 }, 'x.yaml')).toThrow(/x\.yaml: evalBatchSize: must be an integer ≥ 1, got 0/);
  });

  it('a small GPT evaluated over six batches holds as many live tensors at each, and gets what one batch gets', async () => {
    const { config, test } = await heldOut(48);
    t.manualSeed(0);
    const model = new GPT({ vocabSize: 98, blockSize: 64, embedDim: 16, numHeads: 2, numLayers: 1, activation: 'gelu' });
    const loss = new FlattenedLoss(new CrossEntropyLoss());
    const live: number[] = [];
    async function* counted(batches: AsyncIterable<Batch>): AsyncGenerator<Batch> {
      for await (const batch of batches) {
        live.push(t.memory().tensors);
        yield batch;
      }
    }
    const before = t.memory().tensors;
    const logs = await evaluate(model as unknown as TrainableModel, {
      data: counted(evalLoader(test, { ...config, evalBatchSize: 8 })),
      loss,
      metrics: ['accuracy'],
    });
    expect(live).toHaveLength(6);
    // Flat: each batch and its activations are freed before the next. (The first batch has no running accuracy
    // sum yet, and the loader prepares one batch ahead except at the last.)
    expect(new Set(live.slice(1, -1)).size).toBe(1);
    expect(Math.max(...live)).toBe(live[1]);
    expect(t.memory().tensors).toBe(before);
    expect(logs.loss).toBeGreaterThan(Math.log(98) - 1); // untrained: about ln 98 nats/char
    const whole = await evaluate(model as unknown as TrainableModel, { data: evalLoader(test, config, 48), loss, metrics: ['accuracy'] });
    expect(whole.loss).toBeCloseTo(logs.loss, 5);
    expect(whole.accuracy).toBeCloseTo(logs.accuracy, 6);
    model.dispose();
  });
});
