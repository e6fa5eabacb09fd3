import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  Conv2d,
  Dropout,
  Embedding,
  Flatten,
  GELU,
  GRU,
  LayerNorm,
  Linear,
  LSTM,
  MaxPool2d,
  Module,
  MultiheadAttention,
  ReLU,
  Sequential,
  AdaptiveAvgPool2d,
  builtinLayers,
  moduleFromSpec,
  moduleToSpec,
  registerLayer,
  registerLayers,
} from '@tensile/layers';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

/** A third-party layer, as a package outside Tensile would write it. */
class Scale extends Module {
  readonly typeName = 'test.Scale';

  constructor(
    readonly features: number,
    readonly init = 1,
  ) {
    super();
    this.addParameter('weight', t.full([features], init));
  }

  get config() {
    return { features: this.features, init: this.init };
  }

  forward(x: t.Tensor): t.Tensor {
    return x.mul(this.param('weight'));
  }
}

describe('specs and the registry', () => {
  it('importing the package registers nothing (sideEffects: false); registerLayers() is idempotent', () => {
    expect(t.registry.has('layer', 'Linear')).toBe(false);
    registerLayers();
    registerLayers();
    expect(t.registry.list('layer')).toEqual(expect.arrayContaining(Object.keys(builtinLayers)));
  });

  it('registerLayers leaves an override alone', () => {
    const custom = { create: () => new ReLU() };
    registerLayer('Identity', custom, { override: true });
    registerLayers();
    expect(t.registry.get('layer', 'Identity')).toBe(custom);
    registerLayer('Identity', builtinLayers.Identity, { override: true });
  });

  it('moduleFromSpec(moduleToSpec(m)) rebuilds an equal model', async () => {
    const rng = new t.Rng(1);
    const model = new Sequential({
      features: new Sequential(
        new Conv2d(1, 2, 3, { padding: 'same', groups: 1, rng }),
        new ReLU(),
        new MaxPool2d(2),
        new AdaptiveAvgPool2d([2, 2]),
      ),
      flat: new Flatten(),
      head: new Sequential(
        new Linear(8, 6, { rng }),
        new BatchNorm1d(6, { momentum: null }),
        new GELU('tanh'),
        new Dropout(0.25),
        new LayerNorm(6),
        new Linear(6, 3, { bias: false, rng }),
      ),
    }).eval();
    const spec = moduleToSpec(model);
    const json = JSON.parse(JSON.stringify(spec));
    expect(json).toEqual(spec);
    const rebuilt = moduleFromSpec(json).eval();
    expect(moduleToSpec(rebuilt)).toEqual(spec);
    expect(Object.keys(rebuilt.stateDict())).toEqual(Object.keys(model.stateDict()));
    rebuilt.loadStateDict(model.stateDict());
    const x = t.randn([2, 1, 4, 4], { rng });
    expect(await t.allClose((rebuilt as Sequential).call(x), model.call(x))).toBe(true);
  });

  it('rebuilds recurrent, attention and embedding layers with their configs', () => {
    for (const m of [
      new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.1 }),
      new GRU(2, 5, { bias: false }),
      new MultiheadAttention(8, 2, { batchFirst: true, bias: false }),
      new Embedding(10, 4, { paddingIdx: 0 }),
    ]) {
      const spec = moduleToSpec(m);
      const rebuilt = moduleFromSpec(spec);
      expect(moduleToSpec(rebuilt)).toEqual(spec);
      expect(Object.fromEntries(Object.entries(rebuilt.stateDict()).map(([k, v]) => [k, v.shape]))).toEqual(
        Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, v.shape])),
      );
    }
  });

  it('a third-party layer registered from outside loads from a saved spec', async () => {
    registerLayer('test.Scale', { create: (c) => new Scale(c.features as number, c.init as number) });
    const model = new Sequential(new Linear(2, 2), new Scale(2, 3));
    const saved = JSON.stringify(moduleToSpec(model));
    expect(saved).toContain('"type":"test.Scale"');
    const loaded = moduleFromSpec(JSON.parse(saved));
    expect((loaded as Sequential).at(1)).toBeInstanceOf(Scale);
    loaded.loadStateDict(model.stateDict());
    const x = t.tensor([[1, 2]]);
    expect(await t.allClose((loaded as Sequential).call(x), model.call(x))).toBe(true);
    expect([...loaded.namedParameters()].map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.weight']);
  });

  it('an unknown type names the path and lists what is registered', () => {
    expect(() => moduleFromSpec({ type: 'Sequential', config: {}, children: { '0': { type: 'Nope', config: {} } } })).toThrow(
      /moduleFromSpec: model\.0: no layer named 'Nope' is registered \(registered: .*Linear/,
    );
  });

  it('a bad config names the layer', () => {
    expect(() => moduleFromSpec({ type: 'Linear', config: { inFeatures: -1, outFeatures: 2 } })).toThrow(
      /moduleFromSpec: model \(Linear\): Linear: inFeatures must be an integer ≥ 1, got -1/,
    );
  });
});
