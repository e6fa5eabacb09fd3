import * as t from '@tensile/core';
import { createDataset, DataLoader, type Dataset, Subset, type Transform } from '@tensile/data';
import type { Batch } from '@tensile/train';
import { ConfigError, type DataConfig, type JsonObject, type TrainConfig } from './config.js';

/** The split of a configured dataset: shared config, then the split's overrides, then the limit. */
export function buildDataset(data: DataConfig, split: 'train' | 'test'): Dataset {
  const overrides = split === 'train' ? data.train : data.test;
  if (overrides === null) throw new Error(`data: '${data.name}' has no test split in this config (data.test is off)`);
  const dataset = createDataset(data.name, { ...data.config, ...overrides } as JsonObject) as Dataset;
  const limit = split === 'train' ? data.limit : data.testLimit;
  if (limit === null || limit >= dataset.length) return dataset;
  return new Subset(
    dataset,
    Array.from({ length: limit }, (_, i) => i),
  );
}

/**
 * Holds out the last part of a training set for validation (a fraction or a
 * count of samples, as `data.validation` says): the samples validation sees
 * are never trained on, and the test split stays untouched until the end.
 */
export function splitValidation(dataset: Dataset, validation: number): { train: Dataset; val: Dataset | null } {
  const n = dataset.length;
  const held = validation >= 1 ? validation : Math.round(n * validation);
  if (held === 0) return { train: dataset, val: null };
  if (held >= n) throw new ConfigError(`data.validation: holding out ${held} of ${n} training samples leaves none to train on`);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  return { train: new Subset(dataset, range(0, n - held)), val: new Subset(dataset, range(n - held, n)) };
}

/**
 * A loader's batches as fit takes them, with the config's target conversion
 * and (for training) augmentation applied. Delegates stateDict/loadStateDict so checkpoints hold the loader's
 * position.
 */
export class ConfiguredLoader implements AsyncIterable<Batch> {
  constructor(
    readonly loader: DataLoader,
    private readonly target: DataConfig['target'],
    private readonly augment: Transform | null = null,
  ) {}

  get length(): number {
    return this.loader.length;
  }

  stateDict(): ReturnType<DataLoader['stateDict']> {
    return this.loader.stateDict();
  }

  loadStateDict(state: ReturnType<DataLoader['stateDict']>): void {
    this.loader.loadStateDict(state);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
    for await (const batch of this.loader) {
      const { x: raw, y } = batch as { x: t.Tensor; y: t.Tensor };
      const x = this.augment ? this.augment(raw) : raw;
      if (x !== raw) raw.dispose();
      if (this.target === 'as-is' || (y.dtype === 'float32' && y.rank > 1)) {
        yield { x, y };
        continue;
      }
      // Binary cross-entropy and one-output regression want float targets shaped like the output: [N, 1].
      const converted = t.tidy(() => (y.rank === 1 ? y.reshape([-1, 1]) : y).cast('float32'));
      y.dispose();
      yield { x, y: converted };
    }
  }
}

export interface LoaderOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /** Applied to each batch's x: the training loader's augmentation (default none). */
  augment?: Transform | null;
}

export function makeLoader(dataset: Dataset, data: DataConfig, options: LoaderOptions): ConfiguredLoader {
  const { augment = null, ...loader } = options;
  return new ConfiguredLoader(new DataLoader(dataset, loader), data.target, augment);
}

/**
 * The loader validation and test evaluation read: in order, unaugmented, in
 * batches of `batchSize` (a command's --batch-size), else the config's
 * evalBatchSize, else its batchSize. A batch's tensors are freed before the
 * next is made, so memory depends on the batch, not on the split's size.
 */
export function evalLoader(
  dataset: Dataset,
  config: Pick<TrainConfig, 'data' | 'batchSize' | 'evalBatchSize'>,
  batchSize?: number,
): ConfiguredLoader {
  return makeLoader(dataset, config.data, { batchSize: batchSize ?? config.evalBatchSize ?? config.batchSize, shuffle: false, seed: 0 });
}
