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
  Identity,
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
  builtinLayers,
  moduleFromSpec,
  moduleToSpec,
  registerLayer,
  specStateShapes,
  type Module,
  AlphaDropout,
  BatchNorm3d,
  Bilinear,
  Dropout1d,
  Dropout2d,
  GroupNorm,
  GRUCell,
  Hardswish,
  Hardtanh,
  InstanceNorm1d,
  InstanceNorm2d,
  LSTMCell,
  Mish,
  ModuleDict,
  ModuleList,
  PReLU,
  ReLU6,
  RMSNorm,
  RNNCell,
  SELU,
  Softplus,
  Unflatten,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  EmbeddingBag,
} from '@tensile/layers';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

function shapesOf(m: Module): Record<string, { shape: number[]; dtype: t.DType }> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, x]) => [k, { shape: [...x.shape], dtype: x.dtype }]));
}

describe('specStateShapes: the state of a spec without building it', () => {
  const models: [string, () => Module][] = [
    ['Linear', () => new Linear(3, 2)],
    ['Linear without bias', () => new Linear(3, 2, { bias: false })],
    ['Conv2d with groups and a pair kernel', () => new Conv2d(4, 6, [2, 3], { groups: 2 })],
    ['Conv2d without bias', () => new Conv2d(1, 2, 3, { bias: false })],
    ['BatchNorm1d', () => new BatchNorm1d(5)],
    ['BatchNorm2d without affine or stats', () => new BatchNorm2d(5, { affine: false, trackRunningStats: false })],
    ['BatchNorm2d without running stats', () => new BatchNorm2d(3, { trackRunningStats: false })],
    ['LayerNorm', () => new LayerNorm([2, 3])],
    ['LayerNorm without bias', () => new LayerNorm(4, { bias: false })],
    ['LayerNorm without affine', () => new LayerNorm(4, { elementwiseAffine: false })],
    ['Embedding', () => new Embedding(7, 3, { paddingIdx: 1 })],
    ['RNN, 2 layers, bidirectional', () => new RNN(3, 4, { numLayers: 2, bidirectional: true })],
    ['LSTM without bias', () => new LSTM(3, 4, { bias: false })],
    ['GRU, 3 layers', () => new GRU(2, 3, { numLayers: 3 })],
    ['MultiheadAttention', () => new MultiheadAttention(4, 2)],
    ['MultiheadAttention without bias', () => new MultiheadAttention(4, 2, { bias: false })],
    [
      'every stateless layer in a Sequential',
      () =>
        new Sequential(
          new MaxPool2d(2),
          new AvgPool2d(2),
          new AdaptiveAvgPool2d(1),
          new Dropout(0.1),
          new Flatten(),
          new Identity(),
          new ReLU(),
          new LeakyReLU(),
          new ELU(),
          new GELU(),
          new SiLU(),
          new Sigmoid(),
          new Tanh(),
          new Softmax(),
          new LogSoftmax(),
        ),
    ],
    ['BatchNorm3d', () => new BatchNorm3d(3)],
    ['Bilinear', () => new Bilinear(2, 3, 4)],
    ['Bilinear without bias', () => new Bilinear(2, 3, 4, { bias: false })],
    ['GroupNorm', () => new GroupNorm(2, 4)],
    ['GroupNorm without affine', () => new GroupNorm(2, 4, { affine: false })],
    ['InstanceNorm1d (no state by default)', () => new InstanceNorm1d(3)],
    ['InstanceNorm2d with affine and running stats', () => new InstanceNorm2d(3, { affine: true, trackRunningStats: true })],
    ['RMSNorm over two axes', () => new RMSNorm([2, 3])],
    ['RMSNorm without affine', () => new RMSNorm(3, { elementwiseAffine: false })],
    ['RNNCell without bias', () => new RNNCell(3, 4, { bias: false })],
    ['LSTMCell', () => new LSTMCell(3, 4)],
    ['GRUCell', () => new GRUCell(2, 5)],
    ['PReLU per channel', () => new PReLU(3)],
    ['PReLU shared', () => new PReLU()],
    [
      'ModuleList and ModuleDict of layers and the stateless issue-14 layers',
      () =>
        new ModuleList<Module>([
          new ModuleDict({ a: new Linear(2, 3), b: new Unflatten(1, [2, 2]) }),
          new ReLU6(),
          new Hardtanh(),
          new Softplus(),
          new Mish(),
          new Hardswish(),
          new SELU(),
          new Dropout1d(),
          new Dropout2d(),
          new AlphaDropout(),
        ]),
    ],
    ['MultiheadAttention with kdim, vdim, bias_k/bias_v', () => new MultiheadAttention(4, 2, { kdim: 3, vdim: 5, addBiasKv: true })],
    ['LSTM with projSize, 2 layers, bidirectional', () => new LSTM(3, 4, { projSize: 2, numLayers: 2, bidirectional: true })],
    ['Embedding with maxNorm', () => new Embedding(5, 2, { maxNorm: 1 })],
    ['EmbeddingBag', () => new EmbeddingBag(6, 3, { mode: 'max', paddingIdx: 0 })],
    ['TransformerEncoderLayer', () => new TransformerEncoderLayer(4, 2, { dimFeedforward: 6 })],
    [
      'TransformerDecoderLayer without bias, PReLU activation',
      () => new TransformerDecoderLayer(4, 2, { dimFeedforward: 6, bias: false, activation: new PReLU() }),
    ],
    [
      'TransformerEncoder with a norm',
      () => new TransformerEncoder(new TransformerEncoderLayer(4, 2, { dimFeedforward: 6 }), 2, { norm: new LayerNorm(4) }),
    ],
    ['TransformerDecoder', () => new TransformerDecoder(new TransformerDecoderLayer(4, 1, { dimFeedforward: 3 }), 2)],
    ['Transformer', () => new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 6 })],
    ['nested Sequentials', () => new Sequential(new Linear(2, 3), new Sequential(new BatchNorm1d(3), new Linear(3, 1)))],
  ];

  it.each(models)('%s: equal to the built module’s state dict', (_name, make) => {
    const m = make();
    expect(specStateShapes(moduleToSpec(m))).toEqual(shapesOf(m));
    m.dispose();
  });

  it('covers every built-in layer', () => {
    for (const [name, entry] of Object.entries(builtinLayers)) expect(entry.stateShapes, name).toBeTypeOf('function');
  });

  it('allocates nothing, even for a claimed Embedding(1e9, 1) or Linear(1e5, 1e5)', () => {
    const before = t.memory().tensors;
    expect(specStateShapes({ type: 'Embedding', config: { numEmbeddings: 1e9, embeddingDim: 1 } })).toEqual({
      weight: { shape: [1e9, 1], dtype: 'float32' },
    });
    expect(specStateShapes({ type: 'Linear', config: { inFeatures: 1e5, outFeatures: 1e5 } })?.weight.shape).toEqual([1e5, 1e5]);
    expect(specStateShapes({ type: 'LSTM', config: { inputSize: 1, hiddenSize: 1, numLayers: 1e12 } })).not.toBeNull();
    expect(t.memory().tensors).toBe(before);
  });

  it('is null for a layer without stateShapes, and refuses unknown layers', () => {
    registerLayer('NoShapes', { create: () => new Identity() });
    expect(specStateShapes({ type: 'Sequential', config: {}, children: { 0: { type: 'NoShapes', config: {} } } })).toBeNull();
    expect(() => specStateShapes({ type: 'Nope', config: {} })).toThrow(t.ArgumentError);
    expect(() => specStateShapes({ type: 'LayerNorm', config: { normalizedShape: null } })).toThrow(/specStateShapes: model \(LayerNorm\)/);
  });
});

describe('moduleFromSpec on a refused spec', () => {
  it('frees the children it built before the failure', () => {
    const before = t.memory().tensors;
    const spec = {
      type: 'Sequential',
      config: {},
      children: {
        0: { type: 'Linear', config: { inFeatures: 2, outFeatures: 2 } },
        1: { type: 'Linear', config: { inFeatures: -1, outFeatures: 2 } },
      },
    };
    expect(() => moduleFromSpec(spec)).toThrow(/moduleFromSpec: model.1 \(Linear\): Linear: inFeatures must be an integer/);
    expect(t.memory().tensors).toBe(before);
  });

  it('refuses children given to a layer that is not a container, freeing them', () => {
    const before = t.memory().tensors;
    const spec = { type: 'ReLU', config: {}, children: { 0: { type: 'Linear', config: { inFeatures: 2, outFeatures: 2 } } } };
    expect(() => moduleFromSpec(spec)).toThrow("moduleFromSpec: model (ReLU): takes no child '0'");
    expect(t.memory().tensors).toBe(before);
  });

  it('turns whatever a constructor throws into an ArgumentError naming the layer', () => {
    registerLayer('Throws', {
      create: () => {
        throw new TypeError('boom');
      },
    });
    let caught: unknown;
    try {
      moduleFromSpec({ type: 'Throws', config: {} });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(t.ArgumentError);
    expect((caught as Error).message).toBe('moduleFromSpec: model (Throws): boom');
  });
});
