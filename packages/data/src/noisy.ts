import * as t from '@tensile/core';
import { checkIndex, type Dataset } from './dataset.js';

export interface NoisyOptions {
  /** Standard deviation of the Gaussian noise added to x. */
  std: number;
  /** Seeds the noise: sample i always gets the same noise for one seed (default 0). */
  seed?: number;
  /** Clamp the noisy x into [min, max] (e.g. [0, 1] for images scaled to 0–1); null: no clamping (the default). */
  clip?: readonly [number, number] | null;
}

type Sample = { x: t.Tensor; y?: t.Tensor };

/**
 * A denoising dataset: sample i of `dataset` with x replaced by x + std·N(0, 1)
 * (clamped into `clip` when given) and y the clean x, for an image-to-image
 * model trained with MSELoss. The noise of sample i depends only on the seed
 * and i, so a run is reproducible and resumable and the test split's noisy
 * inputs are the same on every evaluation.
 *
 * @example
 * const train = new NoisyDataset(mnist({ split: 'train' }), { std: 0.5, clip: [0, 1] });
 * train.get(0); // { x: noisy [1,28,28], y: clean [1,28,28] }
 */
export class NoisyDataset implements Dataset<{ x: t.Tensor; y: t.Tensor }, { x: t.Tensor; y: t.Tensor }> {
  readonly std: number;
  readonly seed: number;
  readonly clip: readonly [number, number] | null;

  constructor(
    readonly dataset: Dataset<Sample, Sample>,
    options: NoisyOptions,
  ) {
    if (!(options.std >= 0) || !Number.isFinite(options.std))
      throw new t.ArgumentError(`NoisyDataset: std must be ≥ 0, got ${options.std}`);
    const clip = options.clip ?? null;
    if (clip && !(clip.length === 2 && clip[0] < clip[1])) {
      throw new t.ArgumentError(`NoisyDataset: clip must be [min, max] with min < max, got ${JSON.stringify(clip)}`);
    }
    this.std = options.std;
    this.seed = options.seed ?? 0;
    this.clip = clip;
  }

  get length(): number {
    return this.dataset.length;
  }

  async get(index: number): Promise<{ x: t.Tensor; y: t.Tensor }> {
    checkIndex('NoisyDataset', index, this.length);
    const sample = await this.dataset.get(index);
    return this.noisy(sample, [index]);
  }

  async getBatch(indices: readonly number[]): Promise<{ x: t.Tensor; y: t.Tensor }> {
    for (const i of indices) checkIndex('NoisyDataset', i, this.length);
    const batch = this.dataset.getBatch
      ? await this.dataset.getBatch(indices)
      : await stackSamples(await Promise.all(indices.map((i) => this.dataset.get(i))));
    return this.noisy(batch, indices);
  }

  /** The clean x as the target, x plus each sample's own noise as the input; consumes `sample`. */
  private noisy(sample: Sample, indices: readonly number[]): { x: t.Tensor; y: t.Tensor } {
    const clean = sample.x;
    sample.y?.dispose();
    const per = clean.size / indices.length;
    const noise = new Float32Array(clean.size);
    indices.forEach((index, k) => {
      // One generator per sample, seeded from (seed, index): the same noise whatever the batch or order.
      const rng = new t.Rng(this.seed * 0x9e3779b1 + index);
      for (let j = 0; j < per; j++) noise[k * per + j] = this.std * rng.normal();
    });
    const x = t.tidy(() => {
      const sum = clean.add(t.tensor(noise, { shape: clean.shape }));
      return this.clip ? sum.clamp(this.clip[0], this.clip[1]) : sum;
    });
    return { x, y: clean };
  }
}

async function stackSamples(samples: Sample[]): Promise<Sample> {
  const x = t.stack(samples.map((s) => s.x));
  for (const s of samples) {
    s.x.dispose();
    s.y?.dispose();
  }
  return { x };
}
