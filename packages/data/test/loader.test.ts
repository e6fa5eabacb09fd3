import * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { DataLoader, TensorDataset, defaultCollate, type Dataset } from '@tensile/data';
import { useCpu, values } from './setup.js';

useCpu();

/** Samples 0..n-1 as { x: float32 [2] = [i, -i], y: i }, get() async like a dataset reading files. */
function counting(n: number, log?: string[]): Dataset<{ x: t.Tensor; y: number }> {
  return {
    length: n,
    async get(i) {
      log?.push(`get ${i}`);
      await new Promise((r) => setTimeout(r, 1));
      return { x: t.tensor([i, -i]), y: i };
    },
  };
}

/** Every batch's y values, disposing the batches. */
async function epochLabels(loader: AsyncIterable<{ x: t.Tensor; y: t.Tensor }>, stopAfter = Infinity): Promise<number[][]> {
  const out: number[][] = [];
  for await (const { x, y } of loader) {
    out.push(Array.from(await y.data()));
    t.dispose([x, y]);
    if (out.length >= stopAfter) break;
  }
  return out;
}

describe('DataLoader', () => {
  it('batches in order with default collate, last batch short', async () => {
    const loader = new DataLoader(counting(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [];
    for await (const b of loader) batches.push(b as { x: t.Tensor; y: t.Tensor });
    expect(batches.map((b) => b.x.shape)).toEqual([
      [4, 2],
      [4, 2],
      [2, 2],
    ]);
    expect(batches[2].y.dtype).toBe('int32');
    expect(await values(batches[2].x)).toEqual([8, -8, 9, -9]);
    expect(await values(batches[0].y)).toEqual([0, 1, 2, 3]);
    t.dispose(batches);
  });

  it('drops the short last batch with dropLast', async () => {
    const loader = new DataLoader(counting(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(await epochLabels(loader as never)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    const tiny = new DataLoader(counting(3), { batchSize: 4, dropLast: true });
    expect(tiny.length).toBe(0);
    expect(await epochLabels(tiny as never)).toEqual([]);
    expect(tiny.epoch).toBe(1);
  });

  it('shuffles reproducibly per seed, differently per epoch, covering every sample', async () => {
    const ds = new TensorDataset({ x: t.arange(50).cast('float32').reshape([50, 1]), y: t.arange(50) });
    const a = new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 42 });
    const b = new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 42 });
    const c = new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 43 });
    const a0 = (await epochLabels(a)).flat();
    const a1 = (await epochLabels(a)).flat();
    expect(a.epoch).toBe(2);
    expect((await epochLabels(b)).flat()).toEqual(a0);
    expect((await epochLabels(b)).flat()).toEqual(a1);
    expect((await epochLabels(c)).flat()).not.toEqual(a0);
    expect(a1).not.toEqual(a0);
    expect([...a0].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a0).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Without a seed, the default rng decides: manualSeed makes it reproducible.
    t.manualSeed(7);
    const d = (await epochLabels(new DataLoader(ds, { batchSize: 8, shuffle: true }))).flat();
    t.manualSeed(7);
    expect((await epochLabels(new DataLoader(ds, { batchSize: 8, shuffle: true }))).flat()).toEqual(d);
    ds.dispose();
  });

  it('resumes mid-epoch from a saved state at the same batch', async () => {
    const ds = new TensorDataset({ x: t.zeros([30, 1]), y: t.arange(30) });
    const options = { batchSize: 4, shuffle: true, seed: 5, dropLast: true };
    const straight = new DataLoader(ds, options);
    const full = [...(await epochLabels(straight)), ...(await epochLabels(straight))];

    const first = new DataLoader(ds, options);
    await epochLabels(first); // epoch 0
    const part = await epochLabels(first, 3); // 3 batches of epoch 1, then stop
    const saved = JSON.parse(JSON.stringify(first.stateDict()));
    expect(saved).toMatchObject({ epoch: 1, position: 3, seed: 5 });

    const resumed = new DataLoader(ds, { ...options, seed: 999 }); // the seed comes from the state
    resumed.loadStateDict(saved);
    const rest = await epochLabels(resumed);
    expect([...part, ...rest]).toEqual(full.slice(7));
    expect(resumed.stateDict()).toMatchObject({ epoch: 2, position: 0 });
    // A loop left early resumes where it stopped too.
    const again = await epochLabels(first);
    expect(again).toEqual(rest);
    // A state saved while the last batch of an epoch is in hand resumes at the next epoch.
    const atEnd = new DataLoader(ds, options);
    let last: unknown;
    for await (const b of atEnd) {
      last = atEnd.stateDict();
      t.dispose(b);
    }
    expect(last).toMatchObject({ epoch: 0, position: 7 });
    const next = new DataLoader(ds, options);
    next.loadStateDict(last as never);
    expect(await epochLabels(next)).toEqual(full.slice(7));
    ds.dispose();
  });

  it('refuses a state saved for another dataset or batch size', () => {
    const loader = new DataLoader(counting(10), { batchSize: 4 });
    const state = loader.stateDict();
    expect(() => new DataLoader(counting(12), { batchSize: 4 }).loadStateDict(state)).toThrow(
      /saved with datasetLength 10, this loader has 12/,
    );
    expect(() => new DataLoader(counting(10), { batchSize: 5 }).loadStateDict(state)).toThrow(/batchSize 4, this loader has 5/);
    expect(() => loader.loadStateDict({ ...state, position: 9 })).toThrow(/position 9 is past the 3 batches/);
    expect(() => loader.loadStateDict({ ...state, epoch: -1 })).toThrow(/epoch must be a non-negative integer/);
  });

  it('refuses malformed states (from a damaged checkpoint) without changing anything', () => {
    const loader = new DataLoader(counting(10), { batchSize: 2, shuffle: true, seed: 5 });
    const state = loader.stateDict();
    const bad: unknown[] = [
      null,
      [],
      'x',
      { ...state, epoch: 1.5 },
      { ...state, epoch: 1e308 },
      { ...state, position: '1' },
      { ...state, seed: -1 },
      { ...state, seed: 2 ** 32 },
      { ...state, shuffle: 'true' },
      { ...state, batchSize: null },
      { ...state, epocj: 1 },
    ];
    for (const s of bad) {
      expect(() => loader.checkStateDict(s), JSON.stringify(s)).toThrow(t.ArgumentError);
      expect(() => loader.loadStateDict(s as never), JSON.stringify(s)).toThrow(/^DataLoader.loadStateDict: /);
    }
    expect(() => loader.checkStateDict({ ...state, epocj: 1 })).toThrow('DataLoader.checkStateDict: unknown field "epocj"');
    expect(loader.stateDict()).toEqual(state);
    loader.checkStateDict({ ...state, epoch: 3, position: 4 }); // a good one passes and is not applied
    expect(loader.stateDict()).toEqual(state);
  });

  it('uses a custom collate', async () => {
    const loader = new DataLoader(counting(5), {
      batchSize: 2,
      collate: (samples) => ({ ids: samples.map((s) => s.y), x: t.concat(samples.map((s) => s.x)) }),
    });
    const out = [];
    for await (const b of loader) {
      out.push({ ids: b.ids, x: await values(b.x) });
      b.x.dispose();
    }
    expect(out).toEqual([
      { ids: [0, 1], x: [0, -0, 1, -1] },
      { ids: [2, 3], x: [2, -2, 3, -3] },
      { ids: [4], x: [4, -4] },
    ]);
  });

  it('prefetches the next batch while the caller works, and frees it on break', async () => {
    const log: string[] = [];
    const loader = new DataLoader(counting(12, log), { batchSize: 2, prefetch: 2 });
    const before = t.memory().tensors;
    for await (const b of loader) {
      log.push('batch');
      // Give the loader time to work ahead while "training".
      await new Promise((r) => setTimeout(r, 20));
      t.dispose(b);
      if (log.filter((e) => e === 'batch').length === 2) break;
    }
    // Before the caller saw batch 0, batches 1 and 2 were being loaded too (samples 2..5).
    const firstBatch = log.indexOf('batch');
    expect(log.slice(0, firstBatch).sort()).toEqual(['get 0', 'get 1', 'get 2', 'get 3', 'get 4', 'get 5']);
    await new Promise((r) => setTimeout(r, 30));
    expect(t.memory().tensors).toBe(before); // prefetched batches were freed
    expect(loader.stateDict().position).toBe(2);

    const noAhead: string[] = [];
    for await (const b of new DataLoader(counting(4, noAhead), { batchSize: 2, prefetch: 0 })) {
      noAhead.push('batch');
      t.dispose(b);
    }
    expect(noAhead).toEqual(['get 0', 'get 1', 'batch', 'get 2', 'get 3', 'batch']);
  });

  it('keeps the live-tensor count flat across epochs', async () => {
    const ds = new TensorDataset(t.randn([64, 3]), t.randint(0, 3, [64]));
    const loader = new DataLoader(ds, { batchSize: 10, shuffle: true, seed: 0 });
    const counts: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      for await (const [x, y] of loader) t.dispose([x, y]);
      counts.push(t.memory().tensors);
    }
    expect(new Set(counts).size).toBe(1);
    ds.dispose();
    // The per-sample path: get() tensors are freed once stacked.
    const before = t.memory().tensors;
    const perSample = new DataLoader(counting(9), { batchSize: 4, shuffle: true, seed: 1 });
    for (let epoch = 0; epoch < 2; epoch++) await epochLabels(perSample);
    expect(t.memory().tensors).toBe(before);
  });

  it('batches iterable datasets, resuming by skipping', async () => {
    async function* stream() {
      for (let i = 0; i < 7; i++) yield { x: t.tensor([i]), y: i };
    }
    const iterable = { [Symbol.asyncIterator]: stream };
    const loader = new DataLoader(iterable, { batchSize: 3 });
    expect(await epochLabels(loader as never)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(await epochLabels(new DataLoader(iterable, { batchSize: 3, dropLast: true }) as never)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    const resumed = new DataLoader(iterable, { batchSize: 3 });
    resumed.loadStateDict({ ...resumed.stateDict(), position: 1 });
    expect(await epochLabels(resumed as never)).toEqual([[3, 4, 5], [6]]);
    // Plain arrays work as (sync) iterable datasets.
    expect(
      await epochLabels(
        new DataLoader(
          [1, 2, 3].map((i) => ({ x: i, y: i })),
          { batchSize: 2 },
        ) as never,
      ),
    ).toEqual([[1, 2], [3]]);
    expect(() => new DataLoader(iterable, { shuffle: true })).toThrow(/shuffle needs a map-style dataset/);
    expect(() => loader.length).toThrow(/an iterable dataset has no length/);
  });

  it('checks its options and refuses two loops at once', async () => {
    expect(() => new DataLoader(counting(3), { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => new DataLoader(counting(3), { prefetch: -1 })).toThrow(/prefetch must be a non-negative integer/);
    expect(() => new DataLoader(42 as never)).toThrow(/dataset must have length and get/);
    const loader = new DataLoader(counting(4), { batchSize: 2 });
    const it1 = loader[Symbol.asyncIterator]();
    t.dispose((await it1.next()).value);
    await expect(loader[Symbol.asyncIterator]().next()).rejects.toThrow(/already being iterated/);
    await it1.return!(undefined);
  });
});

describe('defaultCollate', () => {
  it('stacks tensors and numbers recursively through arrays and objects', async () => {
    const batch = defaultCollate([
      { img: t.tensor([1, 2]), label: 3, w: 0.5, pair: [t.tensor(1), true], name: 'a', raw: Float64Array.from([1, 2]) },
      { img: t.tensor([3, 4]), label: 4, w: 1, pair: [t.tensor(2), false], name: 'b', raw: Float64Array.from([3, 4]) },
    ]) as Record<string, never>;
    const { img, label, w, pair, name, raw } = batch as unknown as {
      img: t.Tensor;
      label: t.Tensor;
      w: t.Tensor;
      pair: [t.Tensor, t.Tensor];
      name: string[];
      raw: t.Tensor;
    };
    expect(img.shape).toEqual([2, 2]);
    expect(await values(img)).toEqual([1, 2, 3, 4]);
    expect(label.dtype).toBe('int32');
    expect(w.dtype).toBe('float32');
    expect(await values(w)).toEqual([0.5, 1]);
    expect(pair[0].shape).toEqual([2]);
    expect(pair[1].dtype).toBe('bool');
    expect(name).toEqual(['a', 'b']);
    expect(raw.dtype).toBe('float64');
    expect(raw.shape).toEqual([2, 2]);
  });

  it('names the sample that does not fit', () => {
    expect(() => defaultCollate([{ x: 1 }, { x: 'a' }])).toThrow(/sample.x\[1\] should be a number like sample.x\[0\], got string/);
    expect(() => defaultCollate([{ x: 1 }, { z: 1 }])).toThrow(/sample\[1\] has no field 'x'/);
    expect(() => defaultCollate([t.zeros([2]), t.zeros([3])])).toThrow(/stack/);
    expect(() => defaultCollate([])).toThrow(/empty/);
  });
});
