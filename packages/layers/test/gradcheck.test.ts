import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GELU,
  GRU,
  LSTM,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool2d,
  MultiheadAttention,
  RNN,
  ReLU,
  Sequential,
  SiLU,
  Sigmoid,
  Softmax,
  Tanh,
} from '@tensile/layers';
import { gradcheckModule, randn, useCpu } from './helpers.js';

beforeAll(useCpu);

const rng = (seed: number) => ({ rng: new t.Rng(seed) });

describe('gradcheck of every layer (float64, cpu) w.r.t. inputs and parameters', () => {
  it('Linear', async () => {
    await gradcheckModule(new Linear(3, 2, rng(1)), [randn([4, 3], 2)]);
  });

  it('Conv2d with stride, padding, dilation and groups', async () => {
    await gradcheckModule(new Conv2d(4, 2, 3, { stride: 2, padding: 1, dilation: 1, groups: 2, ...rng(1) }), [randn([1, 4, 5, 5], 2)]);
    await gradcheckModule(new Conv2d(2, 2, [2, 3], { padding: 'same', dilation: [1, 2], bias: false, ...rng(3) }), [
      randn([1, 2, 4, 4], 4),
    ]);
  });

  it('pooling', async () => {
    // Distinct values keep max pooling away from ties.
    const x = t.tensor(
      Float64Array.from({ length: 32 }, (_, i) => ((i * 7) % 32) / 10),
      { shape: [1, 2, 4, 4] },
    );
    await gradcheckModule(new MaxPool2d(2), [x]);
    await gradcheckModule(new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }), [randn([1, 2, 4, 4], 5)]);
    await gradcheckModule(new AdaptiveAvgPool2d([3, 2]), [randn([1, 2, 5, 4], 6)]);
  });

  it('unbatched [C, H, W] input to Conv2d and the pools, as PyTorch', async () => {
    const x = t.tensor(
      Float64Array.from({ length: 32 }, (_, i) => ((i * 7) % 32) / 10),
      { shape: [2, 4, 4] },
    );
    await gradcheckModule(new Conv2d(2, 3, 3, { padding: 1, ...rng(1) }), [randn([2, 4, 4], 2)]);
    await gradcheckModule(new MaxPool2d(2), [x]);
    await gradcheckModule(new AvgPool2d(2, { stride: 1 }), [randn([2, 3, 3], 3)]);
    await gradcheckModule(new AdaptiveAvgPool2d([2, 3]), [randn([2, 5, 4], 4)]);
  });

  it('ELU(1) at exactly 0: both one-sided slopes are 1, and so is the gradient (PyTorch)', async () => {
    await gradcheckModule(new ELU(1), [t.tensor([0, -1, 1, 0, -0.5], { dtype: 'float64' })]);
  });

  it('BatchNorm1d and BatchNorm2d in train and eval mode', async () => {
    await gradcheckModule(new BatchNorm1d(3), [randn([4, 3], 1)]);
    await gradcheckModule(new BatchNorm1d(2), [randn([3, 2, 2], 2)]);
    await gradcheckModule(new BatchNorm2d(2), [randn([2, 2, 2, 3], 3)]);
    await gradcheckModule(new BatchNorm2d(2).eval(), [randn([2, 2, 2, 3], 4)]);
  });

  it('LayerNorm', async () => {
    await gradcheckModule(new LayerNorm([2, 3]), [randn([2, 2, 3], 1)]);
  });

  it('Dropout with a fixed mask', async () => {
    const d = new Dropout(0.4);
    await gradcheckModule(d, [randn([3, 5], 1)], { before: () => (d.rng = new t.Rng(9)) });
  });

  it('Embedding (weight)', async () => {
    const idx = t.tensor(new Int32Array([0, 1, 4, 4, 2, 1]), { shape: [2, 3] });
    await gradcheckModule(new Embedding(5, 3, rng(1)), [idx]);
  });

  it('Embedding keeps the padding row out of training (zero gradient, as PyTorch)', async () => {
    const e = new Embedding(4, 2, { paddingIdx: 1, ...rng(1) });
    expect(Array.from(await e.param('weight').narrow(0, 1, 1).data())).toEqual([0, 0]);
    const idx = t.tensor(new Int32Array([1, 2, 1, 3]));
    e.call(idx)
      .mul(
        t.tensor([
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8],
        ]),
      )
      .sum()
      .backward();
    expect(await e.param('weight').grad!.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [3, 4],
      [7, 8],
    ]);
  });

  it('RNN (tanh, relu), two layers, over several steps with an initial state', async () => {
    await gradcheckModule(new RNN(2, 3, { numLayers: 2, ...rng(1) }), [randn([3, 2, 2], 2), randn([2, 2, 3], 3)]);
    await gradcheckModule(new RNN(2, 3, { nonlinearity: 'relu', batchFirst: true, ...rng(4) }), [randn([2, 3, 2], 5)]);
  });

  it('LSTM over several steps with initial states, bidirectional', async () => {
    await gradcheckModule(new LSTM(2, 2, { numLayers: 2, ...rng(1) }), [randn([3, 2, 2], 2)], {
      extra: [[randn([2, 2, 2], 3), randn([2, 2, 2], 4)]],
    });
    await gradcheckModule(new LSTM(2, 2, { bidirectional: true, batchFirst: true, ...rng(5) }), [randn([1, 3, 2], 6)]);
  });

  it('GRU over several steps with an initial state, bidirectional', async () => {
    await gradcheckModule(new GRU(2, 2, { numLayers: 2, ...rng(1) }), [randn([3, 2, 2], 2), randn([2, 2, 2], 3)]);
    await gradcheckModule(new GRU(2, 2, { bidirectional: true, ...rng(4) }), [randn([3, 1, 2], 5)]);
  });

  it('MultiheadAttention with a causal bool mask, a key padding mask and a float mask', async () => {
    const causal = t.tensor([
      [false, true, true],
      [false, false, true],
      [false, false, false],
    ]);
    const padding = t.tensor([
      [false, false, true],
      [false, false, false],
    ]);
    const mha = new MultiheadAttention(4, 2, rng(1));
    await gradcheckModule(mha, [randn([3, 2, 4], 2), randn([3, 2, 4], 3), randn([3, 2, 4], 4)], {
      extra: [{ attnMask: causal, keyPaddingMask: padding }],
    });
    const additive = randn([2, 3], 5);
    await gradcheckModule(
      new MultiheadAttention(4, 1, { batchFirst: true, ...rng(6) }),
      [randn([2, 2, 4], 7), randn([2, 3, 4], 8), randn([2, 3, 4], 9)],
      {
        extra: [{ attnMask: additive, averageAttnWeights: false }],
      },
    );
  });

  it('activations, Flatten and Sequential', async () => {
    const x = randn([2, 5], 1);
    for (const m of [
      new ReLU(),
      new LeakyReLU(0.1),
      new ELU(0.7),
      new GELU(),
      new GELU('tanh'),
      new SiLU(),
      new Sigmoid(),
      new Tanh(),
      new Softmax(0),
      new LogSoftmax(),
    ]) {
      await gradcheckModule(m, [x]);
    }
    await gradcheckModule(new Sequential(new Conv2d(1, 2, 2, rng(2)), new Tanh(), new Flatten(), new Linear(8, 2, rng(3))), [
      randn([2, 1, 3, 3], 4),
    ]);
  });
});
