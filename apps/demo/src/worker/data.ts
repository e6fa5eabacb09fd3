import { DataLoader, mnistFromBytes, type MnistDataset, type MnistSample } from '@tensile/data';
import { SAMPLE_COUNT, type SampleImages } from '../protocol.js';

/** The MNIST subset the site ships (see scripts/make-mnist-subset.mjs): IDX files under public/mnist/. */
export interface MnistSubset {
  train: MnistDataset;
  test: MnistDataset;
  /** The first images of each split as raw bytes, for the page to show. */
  samples: { train: SampleImages; test: SampleImages };
}

/** The first `SAMPLE_COUNT` images and labels of an IDX pair (16-byte image header, 8-byte label header). */
function firstImages(images: Uint8Array, labels: Uint8Array): SampleImages {
  return { images: images.slice(16, 16 + SAMPLE_COUNT * 784), labels: Array.from(labels.subarray(8, 8 + SAMPLE_COUNT)) };
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url.pathname}: HTTP ${response.status} (run \`pnpm --filter @tensile/demo data\`)`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Fetches the subset relative to the site's base URL; pixels are standardised with MNIST's mean and std. */
export async function loadMnistSubset(base: URL): Promise<MnistSubset> {
  const names = ['train-images', 'train-labels', 'test-images', 'test-labels'];
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    names.map((n) => fetchBytes(new URL(`mnist/${n}.idx`, base))),
  );
  return {
    train: mnistFromBytes(trainImages, trainLabels, { normalize: true }),
    test: mnistFromBytes(testImages, testLabels, { normalize: true }),
    samples: { train: firstImages(trainImages, trainLabels), test: firstImages(testImages, testLabels) },
  };
}

/** An endless stream of shuffled training batches, epoch after epoch, that can be paused between any two. */
export class BatchStream {
  private readonly loader: DataLoader<MnistSample>;
  private iterator: AsyncIterator<MnistSample> | undefined;

  constructor(
    dataset: MnistDataset,
    readonly batchSize: number,
  ) {
    this.loader = new DataLoader(dataset, { batchSize, shuffle: true, dropLast: true });
  }

  /** Batches in one epoch. */
  get batchesPerEpoch(): number {
    return this.loader.length;
  }

  /** The epoch the next batch comes from. */
  get epoch(): number {
    return this.loader.epoch;
  }

  async next(): Promise<MnistSample> {
    for (;;) {
      this.iterator ??= this.loader[Symbol.asyncIterator]();
      const r = await this.iterator.next();
      if (!r.done) return r.value;
      this.iterator = undefined; // the epoch is over: the loader starts the next, reshuffled
    }
  }

  /** Frees the batches loaded ahead. */
  async close(): Promise<void> {
    await this.iterator?.return?.();
    this.iterator = undefined;
  }
}
