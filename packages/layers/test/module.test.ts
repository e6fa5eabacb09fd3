import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm2d, Conv2d, Dropout, Flatten, LayerNorm, Linear, MaxPool2d, ReLU, Sequential } from '@tensile/layers';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

const rng = (seed: number) => ({ rng: new t.Rng(seed) });

function cnn(seed: number): Sequential {
  return new Sequential(
    new Conv2d(3, 4, 3, { padding: 1, ...rng(seed) }),
    new BatchNorm2d(4),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16, 2, rng(seed + 1)),
  );
}

describe('Module: names', () => {
  it('names parameters, buffers and the state dict as PyTorch, in its order', () => {
    const m = cnn(1);
    expect([...m.namedParameters()].map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '5.weight', '5.bias']);
    expect([...m.namedBuffers()].map(([k]) => k)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked']);
    expect(Object.keys(m.stateDict())).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
      '5.weight',
      '5.bias',
    ]);
    expect(m.stateDict()['0.weight'].shape).toEqual([4, 3, 3, 3]);
    expect(m.numParameters()).toBe(4 * 27 + 4 + 4 + 4 + 16 * 2 + 2);
  });

  it('joins nested names with dots; named Sequential children keep their names', () => {
    const m = new Sequential({ features: new Sequential(new Conv2d(1, 2, 3, rng(1)), new ReLU()), classifier: new Linear(2, 3, rng(2)) });
    expect([...m.namedParameters()].map(([k]) => k)).toEqual([
      'features.0.weight',
      'features.0.bias',
      'classifier.weight',
      'classifier.bias',
    ]);
    expect([...m.namedModules()].map(([k, v]) => `${k}:${v.typeName}`)).toEqual([
      ':Sequential',
      'features:Sequential',
      'features.0:Conv2d',
      'features.1:ReLU',
      'classifier:Linear',
    ]);
  });

  it('parameters are leaves requiring gradients; zeroGrad clears them', () => {
    const m = new Linear(3, 2, rng(1));
    for (const p of m.parameters()) expect(p.requiresGrad).toBe(true);
    m.call(t.ones([4, 3]))
      .sum()
      .backward();
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('a bias turned off is absent from parameters and state', () => {
    const m = new Conv2d(2, 2, 1, { bias: false });
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
  });
});

describe('Module: state dict', () => {
  it('round trips: a loaded model computes what the original computes, keeping parameter identity', async () => {
    const a = cnn(1).eval();
    const b = cnn(7).eval();
    const before = b.parameters();
    b.loadStateDict(a.stateDict());
    expect(b.parameters().every((p, i) => p === before[i])).toBe(true);
    const x = t.randn([2, 3, 4, 4], rng(3));
    expect(await t.allClose(b.call(x), a.call(x))).toBe(true);
    // The source model is untouched and still usable; the caller's dict is not disposed.
    expect(a.parameters().every((p) => !p.isDisposed)).toBe(true);
  });

  it('refuses a shape mismatch naming the layer, the parameter and both shapes, and changes nothing', async () => {
    const m = cnn(1);
    const state = { ...m.stateDict(), '0.weight': t.zeros([4, 3, 5, 5]) };
    const bias = Array.from(await m.at(5)!.stateDict().bias.data());
    expect(() => m.loadStateDict({ ...state, '5.bias': t.zeros([2]) })).toThrow(
      /0 \(Conv2d\): parameter 'weight' has shape \[4,3,3,3\] in the model but \[4,3,5,5\] in the state dict/,
    );
    expect(Array.from(await m.at(5)!.stateDict().bias.data())).toEqual(bias);
    // Even when not strict, as PyTorch.
    expect(() => m.loadStateDict(state, { strict: false })).toThrow(/\[4,3,3,3\].*\[4,3,5,5\]/);
  });

  it('names missing and unexpected keys when strict, and reports them when not', () => {
    const m = cnn(1);
    const state = { ...m.stateDict(), 'extra.weight': t.zeros([1]) };
    delete (state as Record<string, t.Tensor>)['1.running_var'];
    expect(() => m.loadStateDict(state)).toThrow(/missing key '1.running_var' \(buffer 'running_var' of 1 \(BatchNorm2d\)\)/);
    expect(() => m.loadStateDict(state)).toThrow(/unexpected keys 'extra.weight'/);
    expect(m.loadStateDict(state, { strict: false })).toEqual({ missingKeys: ['1.running_var'], unexpectedKeys: ['extra.weight'] });
  });

  it('casts values to the model dtype (a float64 PyTorch file into a float32 model)', async () => {
    const m = new Linear(2, 1);
    m.loadStateDict({ weight: t.tensor(new Float64Array([1.5, -2]), { shape: [1, 2] }), bias: t.tensor(new Float64Array([0.25])) });
    expect(m.param('weight').dtype).toBe('float32');
    expect(await m.call(t.tensor([[1, 1]])).toArray()).toEqual([[-0.25]]);
  });

  it('an optimizer-style update through t.assign keeps identity and the model sees it', async () => {
    const m = new Linear(1, 1, { bias: false });
    const w = m.param('weight');
    t.noGrad(() => t.assign(w, t.tensor([[3]])));
    expect(m.param('weight')).toBe(w);
    expect(await m.call(t.tensor([[2]])).item()).toBe(6);
  });
});

describe('Module: modes, errors, summary, memory', () => {
  it('train()/eval() set the flag on every descendant; dropout is the identity in eval', async () => {
    const m = new Sequential(new Linear(4, 4, rng(1)), new Dropout(0.5, rng(2)));
    expect(m.modules().every((x) => x.training)).toBe(true);
    m.eval();
    expect(m.modules().some((x) => x.training)).toBe(false);
    const x = t.ones([3, 4]);
    expect(await t.allClose(m.call(x), m.at(0)!.call(x) as t.Tensor)).toBe(true);
    m.train();
    const y = await (m.at(1)!.call(x) as t.Tensor).data();
    expect(Array.from(y).every((v) => v === 0 || v === 2)).toBe(true);
    expect(Array.from(y).some((v) => v === 0)).toBe(true);
  });

  it('a Conv2d given a 2-D tensor throws an error naming the layer and the shapes', () => {
    const m = cnn(1);
    expect(() => m.call(t.zeros([8, 8]))).toThrow(t.ShapeError);
    expect(() => m.call(t.zeros([8, 8]))).toThrow(
      /^model\.0 \(Conv2d\): Conv2d\(3, 4, kernelSize \[3,3\]\): expected input \[N, 3, H, W\] or \[3, H, W\], got \[8,8\]$/,
    );
    // Unbatched [C, H, W] is accepted (PyTorch), but the channels must match.
    expect(() => m.call(t.zeros([2, 8, 8]))).toThrow(/^model\.0 \(Conv2d\): .*got \[2,8,8\]$/);
  });

  it('errors from core ops inside a layer are prefixed with the layer path once', () => {
    const m = new Sequential(new Linear(3, 2), new Sequential(new ReLU(), new Linear(5, 1)));
    expect(() => m.call(t.zeros([1, 3]))).toThrow(/^model\.1\.1 \(Linear\): linear: input \[1,2\] has 2 features/);
  });

  it('ops run inside call() carry the module path (for anomaly mode)', () => {
    const m = new Sequential(new Linear(2, 2), new ReLU(), new Linear(2, 1));
    const seen: string[] = [];
    const off = t.onOp((e) => seen.push(`${e.op}@${t.currentModulePath()}`));
    m.call(t.ones([1, 2]));
    off();
    expect(seen).toContain('relu@model.1 (ReLU)');
    expect(seen.some((s) => s.endsWith('@model.2 (Linear)'))).toBe(true);
  });

  it('anomaly mode names the layer that produced the first NaN/Infinity', async () => {
    // LayerNorm with eps 0 on a constant row divides by a zero deviation.
    const m = new Sequential(new Linear(2, 2, rng(1)), new LayerNorm(2, { eps: 0 }), new ReLU());
    m.at(0)!.loadStateDict({ weight: t.zeros([2, 2]), bias: t.zeros([2]) });
    const err = await t.detectAnomaly(() => m.call(t.ones([1, 2]))).catch((e: unknown) => e);
    if (!(err instanceof t.AnomalyError)) throw new Error(`expected an AnomalyError, got ${String(err)}`);
    expect((err as t.AnomalyError).module).toBe('model.1 (LayerNorm)');
  });

  it('toString shows the tree with parameter counts', () => {
    const s = cnn(1).toString();
    expect(s).toContain('Sequential(  # 154 params');
    expect(s).toContain('  (0): Conv2d(inChannels=3, outChannels=4, kernelSize=[3,3]');
    expect(s).toContain('  (5): Linear(inFeatures=16, outFeatures=2, bias=true)  # 34 params');
    expect(s).toContain('  (2): ReLU()');
    expect(s.split('\n').at(-1)).toBe('Total parameters: 154 (trainable 154)');
  });

  it('to(float64) converts parameters and float buffers, not counters', () => {
    const m = cnn(1).to('float64');
    expect(m.parameters().every((p) => p.dtype === 'float64' && p.requiresGrad)).toBe(true);
    expect(m.stateDict()['1.num_batches_tracked'].dtype).toBe('int32');
    expect(m.stateDict()['1.running_mean'].dtype).toBe('float64');
  });

  it('a model built inside tidy keeps its parameters; training steps keep the tensor count flat', () => {
    const m = t.tidy(() => cnn(1));
    expect(m.parameters().every((p) => !p.isDisposed)).toBe(true);
    const x = t.randn([2, 3, 4, 4], rng(2));
    const step = () => {
      t.tidy(() => m.call(x).square().sum().backward());
      m.zeroGrad();
    };
    step();
    const before = t.memory().tensors;
    for (let i = 0; i < 3; i++) step();
    expect(t.memory().tensors).toBe(before);
  });

  it('BatchNorm counts batches and uses running stats in eval', async () => {
    const bn = new BatchNorm2d(1, { momentum: 0.5 });
    bn.call(t.tensor([1, 3], { shape: [2, 1, 1, 1] }));
    expect(await bn.buffer('num_batches_tracked').item()).toBe(1);
    expect(await bn.buffer('running_mean').item()).toBeCloseTo(1);
    expect(await bn.buffer('running_var').item()).toBeCloseTo(0.5 * 1 + 0.5 * 2);
    bn.eval();
    expect(await bn.call(t.tensor([1], { shape: [1, 1, 1, 1] })).item()).toBeCloseTo(0, 3);
  });
});
