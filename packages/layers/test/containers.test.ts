import * as t from '@tensile/core';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  Embedding,
  Flatten,
  Identity,
  Linear,
  ModuleDict,
  ModuleList,
  ReLU,
  Sequential,
  TransformerEncoderLayer,
  moduleFromSpec,
  moduleToSpec,
  sequential,
  type Parameter,
} from '@tensile/layers';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

describe('sequential(...) is typed by position', () => {
  it('infers the input of the first module, the output of the last and each model[i]', async () => {
    const model = sequential(new Embedding(10, 2), new Flatten(), new Linear(6, 3));
    expectTypeOf(model[2]).toEqualTypeOf<Linear>();
    expectTypeOf(model[0].weight).toEqualTypeOf<Parameter>();
    expect(model).toBeInstanceOf(Sequential);
    const y = model.call(t.tensor(Int32Array.from([1, 2, 3, 4, 5, 6]), { shape: [2, 3] }));
    expectTypeOf(y).toEqualTypeOf<t.Tensor>();
    const typed = sequential(new Identity<string>(), new Identity<string>());
    expectTypeOf(typed.call).toBeCallableWith('text');
    expect(y.shape).toEqual([2, 3]);
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '2.weight', '2.bias']);
    model.dispose();
  });
});

describe('Identity-compatible containers', () => {
  it('Identity passes anything through and ignores constructor arguments, as PyTorch’s', () => {
    const x = t.ones([2]);
    expect(new Identity(54, { unused: true }).call(x)).toBe(x);
    const pair = new Identity<[number, string]>().call([1, 'a']);
    expectTypeOf(pair).toEqualTypeOf<[number, string]>();
    expect(pair).toEqual([1, 'a']);
  });

  it('setSubmodule swaps a layer for Identity in a Sequential, a ModuleList, a ModuleDict and a layer’s own field', async () => {
    const model = new Sequential(new Linear(4, 4), new ReLU(), new Linear(4, 2));
    const old = model.setSubmodule('1', new Identity());
    expect(old).toBeInstanceOf(ReLU);
    expect(model[1]).toBeInstanceOf(Identity);
    const x = t.tensor([[-1, 2, -3, 4]]);
    const direct = (model[2] as Linear).call((model[0] as Linear).call(x));
    expect(await t.allClose(model.call(x), direct)).toBe(true);
    // A Sequential holding Identity saves and loads as any other.
    const copy = moduleFromSpec(moduleToSpec(model));
    expect(copy.children()[1]).toBeInstanceOf(Identity);

    const list = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    list.setSubmodule('0', new Identity() as never);
    expect(list[0]).toBeInstanceOf(Identity);
    const dict = new ModuleDict({ head: new Linear(2, 2) });
    dict.set('head', new Identity() as never);
    expect(dict.get('head')).toBeInstanceOf(Identity);
    expect(Object.keys(dict.stateDict())).toEqual([]);

    // A layer that keeps a child in a field: the field follows, so forward uses the new child.
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 4, dropout: 0 });
    layer.setSubmodule('linear2', new Linear(4, 4, { bias: false }));
    expect(layer.linear2.bias).toBeNull();
    expect(model.getSubmodule('2')).toBe(model[2]);
    expect(() => model.setSubmodule('7', new Identity())).toThrow(/'7' is not a sub-module/);
    expect(() => model.getSubmodule('0.nope')).toThrow(/no sub-module 'nope' in '0.nope'/);
    for (const m of [model, copy, list, dict, layer, old]) m.dispose();
  });
});
