import * as t from '@tensile/core';
import { createDataset, DataLoader, type Dataset, Subset } from '@tensile/data';
import type { Batch } from '@tensile/train';
import type { DataConfig, JsonObject } from './config.js';

/** The split of a configured dataset: shared config, then the split's overrides, then the limit. */
export function buildDataset(data: DataConfig, split: 'train' | 'test'): Dataset {
  const overrides = split === 'train' ? data.train : data.test;
  if (overrides === null) throw new Error(`data: '${data.name}' has no test split in this config (data.test is off)`);
  const dataset = createDataset(data.name, { ...data.config, ...overrides } as JsonObject) as Dataset;
  const limit = split === 'train' ? data.limit : data.testLimit;
  if (limit === null || limit >= dataset.length) return dataset;
  return new Subset(dataset, Array.from({ length: limit }, (_, i) => i));
}

/**
 * A loader's batches as fit takes them, with the config's target conversion
 * applied. Delegates stateDict/loadStateDict so checkpoints hold the loader's
 * position.
 */
export class ConfiguredLoader implements AsyncIterable<Batch> {
  constructor(readonly loader: DataLoader, private readonly target: DataConfig['target']) {}

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
      const { x, y } = batch as { x: t.Tensor; y: t.Tensor };
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
}

export function makeLoader(dataset: Dataset, data: DataConfig, options: LoaderOptions): ConfiguredLoader {
  return new ConfiguredLoader(new DataLoader(dataset, options), data.target);
}
