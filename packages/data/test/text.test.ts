import * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';
import {
  CharVocab,
  DataLoader,
  NoisyDataset,
  SOTU_SEPARATOR,
  TensorDataset,
  createDataset,
  registerData,
  sotu,
  sotuAddresses,
  textDataset,
} from '@tensile/data';
import { useCpu, values } from './setup.js';

useCpu();

describe('CharVocab and TextDataset', () => {
  it('a vocabulary of the sorted distinct characters, code points not UTF-16 units', () => {
    const vocab = CharVocab.fromText('hello wörld 🙂');
    expect(vocab.chars.join('')).toBe(' dehlorwö🙂');
    expect(vocab.decode(vocab.encode('wölf🙂'.replace('f', 'l')))).toBe('wöll🙂');
    expect(() => vocab.encode('hex')).toThrow(/CharVocab.encode: "x" \(U\+78\) is not in the vocabulary/);
    expect(() => vocab.decode([99])).toThrow(/id 99 is outside \[0, 10\)/);
    expect(() => new CharVocab(['a', 'a'])).toThrow(/distinct/);
  });

  it('windows: x a block of characters, y the characters after them; the windows tile the text', async () => {
    const ds = textDataset('abcdefghij', { blockSize: 3 });
    expect(ds.length).toBe(3); // abc→bcd, def→efg, ghi→hij
    const { x, y } = ds.getBatch([0, 2]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe('int32');
    expect(ds.vocab.decode(await values(x))).toBe('abcghi');
    expect(ds.vocab.decode(await values(y))).toBe('bcdhij');
    const one = ds.get(1);
    expect(one.x.shape).toEqual([3]);
    expect(ds.vocab.decode(await values(one.y))).toBe('efg');
    expect(ds.textOf(1)).toBe('def');
    const strided = textDataset('abcdefghij', { blockSize: 3, stride: 2 });
    expect(strided.length).toBe(4); // starts 0, 2, 4, 6 (6..9 is the last window with its next character)
    expect(strided.textOf(3)).toBe('ghi');
    expect(() => ds.get(3)).toThrow(/TextDataset.get: index 3 is out of range \[0, 3\)/);
    expect(() => textDataset('abc', { blockSize: 3 })).toThrow(/3 characters; a window of blockSize 3 needs 4/);
    expect(() => textDataset('abcdef', { blockSize: 0 })).toThrow(/blockSize must be a positive integer/);
    for (const s of [x, y, one.x, one.y]) s.dispose();
  });

  it('batches through a DataLoader', async () => {
    const ds = textDataset('the quick brown fox jumps over the lazy dog', { blockSize: 8 });
    let batches = 0;
    for await (const { x, y } of new DataLoader(ds, { batchSize: 2, shuffle: true, seed: 1 })) {
      expect(x.shape[1]).toBe(8);
      expect(y.shape).toEqual(x.shape);
      batches++;
      x.dispose();
      y.dispose();
    }
    expect(batches).toBe(3); // 5 windows of 8 in 43 characters
  });
});

describe('sotu: the State of the Union addresses', () => {
  it('233 addresses; every tenth held out; both splits share one vocabulary', async () => {
    const addresses = sotuAddresses();
    expect(addresses.length).toBe(233);
    expect(addresses[0]).toMatchObject({ year: 1790, name: 'George Washington' });
    expect(addresses.every((a) => !a.text.includes(SOTU_SEPARATOR))).toBe(true);
    const train = sotu({ split: 'train', blockSize: 64 });
    const test = sotu({ split: 'test', blockSize: 64 });
    expect(train.vocab.chars).toEqual(test.vocab.chars);
    expect(train.vocab.size).toBe(98);
    const chars = (split: number[]) => split.reduce((n, i) => n + [...addresses[i].text].length, 0) + split.length - 1;
    const testIdx = addresses.map((_, i) => i).filter((i) => i % 10 === 9);
    const trainIdx = addresses.map((_, i) => i).filter((i) => i % 10 !== 9);
    expect(testIdx.length).toBe(23);
    expect(test.ids.length).toBe(chars(testIdx));
    expect(train.ids.length).toBe(chars(trainIdx));
    expect(test.length).toBe(Math.floor((test.ids.length - 65) / 64) + 1);
    // The held-out text starts with the 10th address.
    expect(test.textOf(0)).toBe(addresses[9].text.slice(0, 64));
  });

  it("is registered as 'sotu' with blockSize and stride", () => {
    registerData();
    const ds = createDataset('sotu', { split: 'test', blockSize: 32, stride: 100 }) as ReturnType<typeof sotu>;
    expect(ds.blockSize).toBe(32);
    expect(ds.stride).toBe(100);
    expect(() => createDataset('sotu', { split: 'validation' })).toThrow(/sotu: split must be 'train', 'test' or 'all'/);
  });
});

describe('NoisyDataset', () => {
  const clean = () => new TensorDataset({ x: t.linspace(0, 1, 24).reshape([6, 4]), y: t.zeros([6]) });

  it('x = clean + std·N(0,1), clipped; y = clean; the same noise per sample whatever the batch', async () => {
    const ds = new NoisyDataset(clean(), { std: 0.3, seed: 4, clip: [0, 1] });
    const batch = await ds.getBatch([1, 3]);
    const single = await ds.get(3);
    expect(batch.x.shape).toEqual([2, 4]);
    expect(await values(single.x)).toEqual((await values(batch.x)).slice(4));
    expect(await values(single.y)).toEqual((await values(batch.y)).slice(4));
    const noisy = await values(batch.x);
    expect(noisy.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(noisy).not.toEqual(await values(batch.y));
    const unclipped = await new NoisyDataset(clean(), { std: 0.3, seed: 4 }).getBatch([1, 3]);
    expect((await values(unclipped.x)).some((v) => v < 0 || v > 1)).toBe(true);
    const reseeded = await new NoisyDataset(clean(), { std: 0.3, seed: 5, clip: [0, 1] }).getBatch([1, 3]);
    expect(await values(reseeded.x)).not.toEqual(noisy);
    expect(() => new NoisyDataset(clean(), { std: -1 })).toThrow(/std must be ≥ 0/);
  });

  it("is registered as 'mnist-noisy': MNIST scaled to 0–1 with noise", async () => {
    registerData();
    const ds = createDataset('mnist-noisy', { split: 'test', limit: 2, std: 0.5 }) as NoisyDataset;
    const { x, y } = await ds.getBatch([0, 1]);
    expect(x.shape).toEqual([2, 1, 28, 28]);
    const [xv, yv] = [await values(x), await values(y)];
    expect(Math.max(...yv)).toBeLessThanOrEqual(1);
    expect(Math.min(...xv)).toBeGreaterThanOrEqual(0);
    const mse = xv.reduce((s, v, i) => s + (v - yv[i]) ** 2, 0) / xv.length;
    expect(mse).toBeGreaterThan(0.05); // σ 0.5, clipped: about 0.1
    expect(mse).toBeLessThan(0.25);
  });
});
