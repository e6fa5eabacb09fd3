import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Embedding, EmbeddingBag, LSTM, moduleFromSpec, moduleToSpec, specStateShapes } from '@tensile/layers';
import { gradcheckModule, randn, useCpu } from './helpers.js';

beforeAll(useCpu);

const rng = (seed: number) => ({ rng: new t.Rng(seed) });
const ints = (values: number[], shape = [values.length]) => t.tensor(Int32Array.from(values), { shape });

describe('LSTM projSize', () => {
  it('has weight_hr_l{k} and projected h, as PyTorch', () => {
    const lstm = new LSTM(3, 5, { projSize: 2, numLayers: 2, bidirectional: true });
    const shapes = Object.fromEntries(Object.entries(lstm.stateDict()).map(([k, v]) => [k, v.shape]));
    expect(shapes.weight_hh_l0).toEqual([20, 2]);
    expect(shapes.weight_hr_l0).toEqual([2, 5]);
    expect(shapes.weight_hr_l1_reverse).toEqual([2, 5]);
    expect(shapes.weight_ih_l1).toEqual([20, 4]);
    expect(specStateShapes(moduleToSpec(lstm))).toEqual(
      Object.fromEntries(Object.entries(lstm.stateDict()).map(([k, v]) => [k, { shape: [...v.shape], dtype: v.dtype }])),
    );
    const [out, [h, c]] = lstm.call(t.zeros([4, 3, 3]));
    expect(out.shape).toEqual([4, 3, 4]);
    expect(h.shape).toEqual([4, 3, 2]);
    expect(c.shape).toEqual([4, 3, 5]);
    expect(() => lstm.call(t.zeros([4, 3, 3]), [t.zeros([4, 3, 5]), t.zeros([4, 3, 5])])).toThrow(/initial state 0 must be \[4,3,2\]/);
    expect(() => new LSTM(3, 5, { projSize: 5 })).toThrow(/projSize 5 must be smaller than hiddenSize 5/);
    lstm.dispose();
  });

  it('gradcheck (float64)', async () => {
    await gradcheckModule(new LSTM(2, 3, { projSize: 2, numLayers: 2, ...rng(1) }), [randn([3, 1, 2], 2)]);
  });
});

describe('Embedding maxNorm', () => {
  it('renormalises the looked-up rows in place, leaves the others alone', async () => {
    const emb = new Embedding(4, 2, { maxNorm: 1, ...rng(3) });
    t.noGrad(() =>
      t.assign(
        emb.weight,
        t.tensor([
          [3, 4],
          [0.3, 0.4],
          [6, 8],
          [1, 0],
        ]),
      ),
    );
    const y = emb.call(ints([0, 1, 0]));
    const w = (await emb.weight.toArray()) as number[][];
    expect(w[0][0]).toBeCloseTo(0.6, 6);
    expect(w[0][1]).toBeCloseTo(0.8, 6);
    expect(w[1]).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)]);
    expect(w[2]).toEqual([6, 8]); // not looked up
    expect(((await y.toArray()) as number[][])[2][1]).toBeCloseTo(0.8, 6);
    expect(emb.config).toMatchObject({ maxNorm: 1, normType: 2 });
    expect(() => new Embedding(4, 2, { maxNorm: 0 })).toThrow(/maxNorm must be > 0/);
    emb.dispose();
  });

  it('infinity norm', async () => {
    const emb = new Embedding(2, 2, { maxNorm: 2, normType: Infinity });
    t.noGrad(() =>
      t.assign(
        emb.weight,
        t.tensor([
          [4, -1],
          [1, 1],
        ]),
      ),
    );
    emb.call(ints([0, 1]));
    const w = (await emb.weight.toArray()) as number[][];
    expect(w[0][0]).toBeCloseTo(2, 5);
    expect(w[1]).toEqual([1, 1]);
    emb.dispose();
  });
});

describe('EmbeddingBag', () => {
  const table = () =>
    t.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);

  it('sums, averages and takes the max of bags from offsets or rows, empty bags give zeros', async () => {
    const bag = (mode: 'sum' | 'mean' | 'max', options = {}) => {
      const b = new EmbeddingBag(4, 2, { mode, ...options });
      t.noGrad(() => t.assign(b.weight, table()));
      return b;
    };
    const idx = ints([0, 1, 3, 2]);
    const offsets = ints([0, 2, 2]);
    expect(await bag('sum').call(idx, offsets).toArray()).toEqual([
      [4, 6],
      [0, 0],
      [12, 14],
    ]);
    expect(await bag('mean').call(idx, offsets).toArray()).toEqual([
      [2, 3],
      [0, 0],
      [6, 7],
    ]);
    expect(await bag('max').call(idx, offsets).toArray()).toEqual([
      [3, 4],
      [0, 0],
      [7, 8],
    ]);
    expect(
      await bag('mean')
        .call(ints([0, 1, 3, 2], [2, 2]))
        .toArray(),
    ).toEqual([
      [2, 3],
      [6, 7],
    ]);
    expect(
      await bag('sum', { includeLastOffset: true })
        .call(idx, ints([0, 1, 4]))
        .toArray(),
    ).toEqual([
      [1, 2],
      [15, 18],
    ]);
    // paddingIdx entries leave the bag and its count.
    expect(await bag('mean', { paddingIdx: 1 }).call(idx, offsets).toArray()).toEqual([
      [1, 2],
      [0, 0],
      [6, 7],
    ]);
    const w = t.tensor([2, 0.5, 1, -1]);
    expect(await bag('sum').call(idx, offsets, w).toArray()).toEqual([
      [3.5, 6],
      [0, 0],
      [2, 2],
    ]);
  });

  it('refuses bad input before any work', () => {
    const b = new EmbeddingBag(4, 2);
    expect(() => b.call(ints([0, 1]))).toThrow(/1-D input \[2\] needs offsets/);
    expect(() => b.call(ints([0, 1], [1, 2]), ints([0]))).toThrow(/offsets must be null for a 2-D input/);
    expect(() => b.call(t.tensor([0, 1]), ints([0]))).toThrow(t.DTypeError);
    expect(() => b.call(ints([0, 1]), ints([0]), t.ones([2]))).toThrow(/perSampleWeights needs mode 'sum'/);
    expect(() => new EmbeddingBag(4, 2, { mode: 'min' as never })).toThrow(/mode must be 'sum', 'mean' or 'max'/);
    b.dispose();
  });

  it('leaves no tensor behind (maxNorm renormalisation included)', () => {
    const bag = new EmbeddingBag(5, 3, { mode: 'max', maxNorm: 0.5, paddingIdx: 0 });
    const emb = new Embedding(5, 3, { maxNorm: 0.5 });
    const [idx, offsets] = [ints([0, 1, 4, 2]), ints([0, 1])];
    const before = t.memory().tensors;
    t.tidy(() => {
      bag.call(idx, offsets).sum().backward();
      emb.call(idx).sum().backward();
    });
    for (const m of [bag, emb]) m.zeroGrad();
    expect(t.memory().tensors).toBe(before);
    for (const m of [bag, emb]) m.dispose();
  });

  it('round-trips through its spec', () => {
    const b = new EmbeddingBag(5, 3, { mode: 'max', paddingIdx: 0, maxNorm: 2 });
    const copy = moduleFromSpec(moduleToSpec(b)) as EmbeddingBag;
    expect(copy.config).toEqual(b.config);
    expect(specStateShapes(moduleToSpec(b))).toEqual({ weight: { shape: [5, 3], dtype: 'float32' } });
    b.dispose();
    copy.dispose();
  });

  it('gradcheck (float64) w.r.t. the weight and perSampleWeights, each mode', async () => {
    const idx = ints([0, 2, 3, 2, 1]);
    const offsets = ints([0, 2]);
    await gradcheckModule(new EmbeddingBag(4, 3, { mode: 'sum', ...rng(5) }), [idx, offsets, randn([5], 6)], {
      checkInputs: [false, false, true],
    });
    await gradcheckModule(new EmbeddingBag(4, 3, { mode: 'mean', paddingIdx: 3, ...rng(7) }), [idx, offsets], {
      checkInputs: [false, false],
    });
    await gradcheckModule(new EmbeddingBag(4, 3, { mode: 'max', ...rng(8) }), [ints([0, 2, 3, 1], [2, 2])], { checkInputs: [false] });
  });
});
