import * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';
import {
  DataLoader,
  Subset,
  TensorDataset,
  createDataset,
  datasetEntries,
  isIterableDataset,
  isMapDataset,
  randomSplit,
  registerData,
} from '@tensile/data';
import { useCpu, values } from './setup.js';

useCpu();

describe('TensorDataset', () => {
  it('gives array samples for positional tensors and object samples for named ones', async () => {
    const x = t.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const y = t.tensor(Int32Array.from([7, 8, 9]), { shape: [3] });
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(3);
    const [xi, yi] = ds.get(1);
    expect(xi.shape).toEqual([2]);
    expect(await values(xi)).toEqual([3, 4]);
    expect(await yi.item()).toBe(8);
    const named = new TensorDataset({ x, y });
    const batch = named.getBatch([2, 0]);
    expect(await values(batch.x)).toEqual([5, 6, 1, 2]);
    expect(Array.from(await batch.y.data())).toEqual([9, 7]);
    expect(() => ds.get(3)).toThrow(/TensorDataset.get: index 3 is out of range \[0, 3\)/);
    expect(() => new TensorDataset(x, t.zeros([2]))).toThrow(/'1' \[2\] has 2 samples, '0' \[3,2\] has 3/);
    expect(() => new TensorDataset(t.tensor(1))).toThrow(/scalar/);
    t.dispose([xi, yi, batch, x, y]);
  });
});

describe('Subset and randomSplit', () => {
  it('picks samples by index and keeps the batch fast path', async () => {
    const ds = new TensorDataset({ y: t.arange(10) });
    const sub = new Subset(ds, [9, 3, 5]);
    expect(sub.length).toBe(3);
    expect(await (await sub.get(1)).y.item()).toBe(3);
    const batch = (await sub.getBatch!([2, 0])) as { y: t.Tensor };
    expect(Array.from(await batch.y.data())).toEqual([5, 9]);
    expect(() => new Subset(ds, [10])).toThrow(/indices\[0\] = 10 is not an index of a dataset of 10 samples/);
    expect(() => sub.get(3)).toThrow(/Subset.get: index 3/);
  });

  it('splits into disjoint random parts by counts or fractions', async () => {
    const ds = new TensorDataset({ y: t.arange(10) });
    const [a, b] = randomSplit(ds, [0.7, 0.3], { seed: 1 });
    expect([a.length, b.length]).toEqual([7, 3]);
    const all = [...a.indices, ...b.indices].sort((p, q) => p - q);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [c] = randomSplit(ds, [7, 3], { seed: 1 });
    expect(Array.from(c.indices)).toEqual(Array.from(a.indices));
    expect(() => randomSplit(ds, [5, 4])).toThrow(/must be counts summing to 10 or fractions summing to 1/);
  });
});

describe('registry', () => {
  it('registers the built-in datasets by name with JSON configs', async () => {
    const registry = new t.Registry();
    registerData(registry);
    registerData(registry); // idempotent
    expect(registry.list('dataset')).toEqual(['mnist', 'mnist-noisy', 'moons', 'sine', 'sotu', 'spirals']);
    for (const entry of Object.values(datasetEntries)) expect(JSON.parse(JSON.stringify(entry.defaults))).toEqual(entry.defaults);
    const ds = createDataset('moons', { n: 40, noise: 0 }, registry) as TensorDataset<{ x: t.Tensor; y: t.Tensor }>;
    expect(ds.length).toBe(40);
    const test = createDataset('mnist', { split: 'test', limit: 5, flatten: true }, registry);
    const loader = new DataLoader(test, { batchSize: 5 });
    for await (const b of loader) {
      const { x, y } = b as { x: t.Tensor; y: t.Tensor };
      expect(x.shape).toEqual([5, 784]);
      expect(Array.from(await y.data())).toEqual([7, 2, 1, 0, 4]);
      t.dispose(b);
    }
    expect(() => createDataset('moons', { size: 3 }, registry)).toThrow(
      /dataset 'moons': unknown config key 'size' \(known: n, noise, seed\)/,
    );
    expect(() => createDataset('cifar', {}, registry)).toThrow(/no dataset named 'cifar'/);
    ds.dispose();
  });

  it('tells map-style and iterable datasets apart', () => {
    expect(isMapDataset({ length: 1, get: () => 1 })).toBe(true);
    expect(isIterableDataset([1, 2])).toBe(true);
    expect(isIterableDataset({ length: 1, get: () => 1 })).toBe(false);
    expect(isMapDataset({})).toBe(false);
  });
});
