import * as t from '@tensile/core';
import { checkIndex, type Dataset } from './dataset.js';

/**
 * The samples of `dataset` at `indices`, in that order (torch Subset). Keeps
 * the parent's batch fast path.
 *
 * @example
 * const firstThousand = new Subset(mnist({ split: 'train' }), Array.from({ length: 1000 }, (_, i) => i));
 */
export class Subset<T = unknown, B = unknown> implements Dataset<T, B> {
  readonly indices: Int32Array;
  getBatch?: (indices: readonly number[]) => B | Promise<B>;

  constructor(
    readonly dataset: Dataset<T, B>,
    indices: ArrayLike<number>,
  ) {
    this.indices = Int32Array.from(indices as ArrayLike<number>);
    this.indices.forEach((v, k) => {
      if (v < 0 || v >= dataset.length || v !== (indices as ArrayLike<number>)[k]) {
        throw new t.ArgumentError(
          `Subset: indices[${k}] = ${(indices as ArrayLike<number>)[k]} is not an index of a dataset of ${dataset.length} samples`,
        );
      }
    });
    const parentBatch = dataset.getBatch;
    if (parentBatch) {
      this.getBatch = (batch: readonly number[]) => {
        for (const i of batch) checkIndex('Subset', i, this.length);
        return parentBatch.call(
          dataset,
          batch.map((i) => this.indices[i]),
        );
      };
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T | Promise<T> {
    checkIndex('Subset', index, this.length);
    return this.dataset.get(this.indices[index]);
  }
}

/**
 * Splits a dataset into non-overlapping random subsets of the given lengths
 * (torch random_split). Lengths may be counts summing to the dataset length,
 * or fractions summing to 1 (the remainder goes to the first subsets).
 *
 * @example
 * const [train, val] = randomSplit(mnist({ split: 'train' }), [0.9, 0.1], { seed: 0 });
 */
export function randomSplit<T, B>(
  dataset: Dataset<T, B>,
  lengths: readonly number[],
  options: { seed?: number; rng?: t.Rng } = {},
): Subset<T, B>[] {
  const n = dataset.length;
  let counts = [...lengths];
  const fractions = counts.every((v) => v >= 0 && v <= 1) && Math.abs(counts.reduce((a, b) => a + b, 0) - 1) < 1e-6 && n !== 1;
  if (fractions) {
    counts = lengths.map((f) => Math.floor(f * n));
    let left = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; left > 0; i = (i + 1) % counts.length, left--) counts[i]++;
  }
  if (counts.some((c) => !Number.isInteger(c) || c < 0) || counts.reduce((a, b) => a + b, 0) !== n) {
    throw new t.ArgumentError(`randomSplit: lengths ${JSON.stringify(lengths)} must be counts summing to ${n} or fractions summing to 1`);
  }
  const rng = options.rng ?? new t.Rng(options.seed ?? t.defaultRng().nextUint32());
  const order = rng.permutation(n);
  let start = 0;
  return counts.map((c) => {
    const part = new Subset(dataset, order.subarray(start, start + c));
    start += c;
    return part;
  });
}
