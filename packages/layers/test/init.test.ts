import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2d, Embedding, LSTM, Linear, init } from '@tensile/layers';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

async function stats(x: t.Tensor): Promise<{ min: number; max: number; mean: number; std: number }> {
  const v = Array.from(await x.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { min: Math.min(...v), max: Math.max(...v), mean, std };
}

describe('init', () => {
  it('computes fans and gains as torch.nn.init', () => {
    expect(init.calculateFanInAndFanOut([8, 3, 3, 3])).toEqual({ fanIn: 27, fanOut: 72 });
    expect(init.calculateFanInAndFanOut([10, 4])).toEqual({ fanIn: 4, fanOut: 10 });
    expect(() => init.calculateFanInAndFanOut([5])).toThrow(/at least 2 dimensions, got \[5\]/);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3));
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / 1.0001));
  });

  it('fills in place with the right distributions', async () => {
    const w = t.zeros([200, 100]);
    expect(init.kaimingUniform_(w, { rng: new t.Rng(1) })).toBe(w);
    const bound = Math.sqrt(6 / 100);
    let s = await stats(w);
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.max).toBeGreaterThan(bound * 0.99);
    init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu', rng: new t.Rng(2) });
    s = await stats(w);
    expect(s.std).toBeCloseTo(Math.SQRT2 / Math.sqrt(200), 2);
    init.xavierUniform_(w, 1, { rng: new t.Rng(3) });
    expect((await stats(w)).max).toBeLessThanOrEqual(Math.sqrt(6 / 300));
    init.xavierNormal_(w, 2, { rng: new t.Rng(4) });
    expect((await stats(w)).std).toBeCloseTo(2 * Math.sqrt(2 / 300), 2);
    init.normal_(w, 3, 0.5, { rng: new t.Rng(5) });
    s = await stats(w);
    expect(s.mean).toBeCloseTo(3, 1);
    expect(s.std).toBeCloseTo(0.5, 1);
    init.constant_(w, 0.25);
    expect(await stats(w)).toMatchObject({ min: 0.25, max: 0.25 });
    expect(() => init.uniform_(t.zeros([2], { dtype: 'int32' }))).toThrow(/init.uniform_: tensor must be float, got int32/);
  });

  it("uses PyTorch's default initialisation per layer", async () => {
    const lin = new Linear(50, 40);
    for (const p of lin.parameters()) {
      const s = await stats(p);
      expect(Math.max(-s.min, s.max)).toBeLessThanOrEqual(1 / Math.sqrt(50));
      expect(Math.max(-s.min, s.max)).toBeGreaterThan(0.8 / Math.sqrt(50));
    }
    const conv = new Conv2d(4, 8, 3, { groups: 2 });
    expect((await stats(conv.param('weight'))).max).toBeLessThanOrEqual(1 / Math.sqrt(2 * 9));
    const lstm = new LSTM(3, 16);
    for (const p of lstm.parameters()) expect((await stats(p)).max).toBeLessThanOrEqual(0.25);
    const emb = new Embedding(100, 50);
    const s = await stats(emb.param('weight'));
    expect(s.std).toBeCloseTo(1, 1);
  });

  it('is reproducible: { rng } and t.manualSeed give the same weights', async () => {
    const a = new Linear(4, 3, { rng: new t.Rng(42) });
    const b = new Linear(4, 3, { rng: new t.Rng(42) });
    expect(await a.param('weight').toArray()).toEqual(await b.param('weight').toArray());
    t.manualSeed(7);
    const c = new Linear(4, 3);
    t.manualSeed(7);
    const d = new Linear(4, 3);
    expect(await c.param('bias').toArray()).toEqual(await d.param('bias').toArray());
    expect(await c.param('bias').toArray()).not.toEqual(await a.param('bias').toArray());
  });
});
