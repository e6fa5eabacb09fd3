import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  ConfigModule,
  Conv2d,
  LayerNorm,
  Linear,
  ModuleDict,
  ModuleList,
  MultiheadAttention,
  type Parameter,
  ReLU,
  Sequential,
  moduleFromSpec,
  moduleToSpec,
  registerLayer,
  registerModule,
} from '@tensile/layers';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

describe('parameters, buffers and children are typed properties', () => {
  it('Linear.weight / Linear.bias are its parameters, and bias is null without one', () => {
    const fc = new Linear(3, 2);
    expect(fc.weight).toBe(fc.param('weight'));
    expect(fc.bias).toBe(fc.param('bias'));
    expect(fc.weight.shape).toEqual([2, 3]);
    const noBias = new Linear(3, 2, { bias: false });
    expect(noBias.bias).toBeNull();
    // The flag lives in config (what specs and saved models read).
    expect(noBias.config.bias).toBe(false);
    expect(fc.config.bias).toBe(true);
    expect(new Conv2d(1, 2, 3, { bias: false }).config.bias).toBe(false);
    const ln = new LayerNorm(4, { bias: false });
    expect([ln.bias, ln.config.bias, ln.weight?.shape]).toEqual([null, false, [4]]);
  });

  it('buffers and state-dict names with underscores read as camelCase properties', () => {
    const bn = new BatchNorm2d(3);
    expect(bn.runningMean).toBe(bn.buffer('running_mean'));
    expect(bn.runningVar).toBe(bn.buffer('running_var'));
    expect(bn.numBatchesTracked?.dtype).toBe('int32');
    const mha = new MultiheadAttention(4, 2);
    expect(mha.inProjWeight?.shape).toEqual([12, 4]);
    expect(mha.outProj.weight.shape).toEqual([4, 4]);
    expect(Object.keys(mha.stateDict())).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
  });

  it('properties follow to(dtype), which replaces the tensors', () => {
    const fc = new Linear(2, 2).to('float64');
    expect(fc.weight.dtype).toBe('float64');
    expect(fc.weight).toBe(fc.stateDict().weight);
  });

  it('Sequential children by index, and ModuleList typed by what it holds', () => {
    const seq = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect(seq[0]).toBe(seq.at(0));
    expect(seq[2]).toBe(seq.at(-1));
    class Block extends ConfigModule<{ dim: number }, [t.Tensor], t.Tensor> {
      readonly attn: MultiheadAttention;
      constructor(config: { dim: number }) {
        super(config);
        this.attn = this.addModule('attn', new MultiheadAttention(config.dim, 1));
      }
      forward(x: t.Tensor) {
        return this.attn.call(x, x, x)[0];
      }
    }
    const layers = new ModuleList([new Block({ dim: 2 }), new Block({ dim: 2 }), new Block({ dim: 2 })]);
    // model.layers[2].attn.inProjWeight, checked by the compiler.
    expect(layers[2].attn.inProjWeight).toBe(layers[2].attn.param('in_proj_weight'));
    expect([...layers].length).toBe(3);
    expect(Object.keys(layers.stateDict())).toContain('2.attn.in_proj_weight');
    expect(() => layers.call()).toThrow(/ModuleList has no forward/);
  });

  it('ModuleDict registers by key and rebuilds from its spec', () => {
    const heads = new ModuleDict({ cls: new Linear(4, 3), box: new Linear(4, 2) });
    expect(heads.keys()).toEqual(['cls', 'box']);
    expect(heads.get('box')?.weight.shape).toEqual([2, 4]);
    expect(Object.keys(heads.stateDict())).toEqual(['cls.weight', 'cls.bias', 'box.weight', 'box.bias']);
    const copy = moduleFromSpec(moduleToSpec(heads)) as ModuleDict<Linear>;
    expect(copy.keys()).toEqual(['cls', 'box']);
    expect(Object.keys(copy.stateDict())).toEqual(Object.keys(heads.stateDict()));
    const list = moduleFromSpec(moduleToSpec(new ModuleList([new Linear(1, 2)])));
    expect(list.typeName).toBe('ModuleList');
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias']);
  });

  it('a registered name never shadows a Module member or a field', () => {
    class Odd extends Linear {
      constructor() {
        super(1, 1);
        this.addParameter('train', t.zeros([1]));
      }
    }
    const m = new Odd();
    expect(typeof m.train).toBe('function');
    expect(m.stateDict().train.shape).toEqual([1]);
  });
});

describe('a custom module is a constructor and forward: config and registry entry are derived', () => {
  class Scale extends ConfigModule<{ n: number; init: number }, [t.Tensor], t.Tensor> {
    declare readonly weight: Parameter;
    constructor(config: { n: number; init: number }) {
      super(config);
      this.addParameter('weight', t.full([config.n], config.init));
    }
    forward(x: t.Tensor) {
      return x.mul(this.weight);
    }
  }

  it('registerModule(Class) round-trips a spec with the constructor config', async () => {
    registerModule(Scale);
    registerModule(Scale); // idempotent: the same derived entry
    const model = new Sequential(new Linear(2, 2), new Scale({ n: 2, init: 3 }));
    const spec = moduleToSpec(model);
    expect(spec.children?.['1']).toEqual({ type: 'Scale', config: { n: 2, init: 3 } });
    const copy = moduleFromSpec(spec) as Sequential;
    const scale = copy[1] as Scale;
    expect(scale).toBeInstanceOf(Scale);
    expect(Array.from(await scale.weight.data())).toEqual([3, 3]);
  });

  it('a class registered under another name (as after minification) saves that name', () => {
    class Renamed extends ConfigModule<{ k: number }, [t.Tensor], t.Tensor> {
      forward(x: t.Tensor) {
        return x.mul(this.config.k);
      }
    }
    expect(new Renamed({ k: 2 }).typeName).toBe('Renamed');
    registerModule(Renamed, { name: 'Doubler' });
    const spec = moduleToSpec(new Renamed({ k: 2 }));
    expect(spec).toEqual({ type: 'Doubler', config: { k: 2 } });
    expect(moduleFromSpec(spec)).toBeInstanceOf(Renamed);
  });

  it('old-style registerLayer entries keep working', () => {
    registerLayer('OldScale', { create: (c) => new Linear(c.n as number, c.n as number) });
    expect(moduleFromSpec({ type: 'OldScale', config: { n: 3 } }).stateDict().weight.shape).toEqual([3, 3]);
  });
});

describe('to(backend) moves data between backends', () => {
  it('tensor.to copies to another backend and returns itself for the same one', async () => {
    const other = cpu();
    const x = t.tensor([1, 2, 3], { requiresGrad: true });
    expect(await x.to(t.getBackend())).toBe(x);
    const y = await x.to(other);
    expect(y).not.toBe(x);
    expect(y.backend).toBe(other);
    expect(y.requiresGrad).toBe(true);
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    x.dispose();
    await expect(x.to(other)).rejects.toThrow(/to: tensor #\d+ \[3\] was disposed/);
    await expect(y.to('no-such-backend')).rejects.toThrow(/to: no backend named 'no-such-backend'/);
  });

  it('Module.to moves parameters, buffers and gradients in place, so an optimizer built before keeps its tensors', async () => {
    const home = t.getBackend();
    const other = cpu();
    const model = new Sequential(new Linear(2, 2), new BatchNorm2d(1));
    const params = model.parameters();
    const before = await Promise.all(params.map((p) => p.data()));
    const fc = model.at(0) as Linear;
    fc.weight.grad = t.ones([2, 2]);
    expect(await model.to(other)).toBe(model);
    expect(model.parameters()).toEqual(params);
    for (const x of [...model.parameters(), ...model.buffers()]) expect(x.backend).toBe(other);
    expect(fc.weight.grad?.backend).toBe(other);
    expect(await Promise.all(params.map((p) => p.data()))).toEqual(before);
    // A forward on the new backend works.
    const y = await t.withBackend(other, () => fc.call(t.ones([1, 2])));
    expect(y.backend).toBe(other);
    await model.to(home);
    expect(fc.weight.backend).toBe(home);
  });
});
