import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
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
  PReLU,
  ReLU6,
  RMSNorm,
  RNNCell,
  SELU,
  Softplus,
  Unflatten,
} from '@tensile/layers';
import { gradcheckModule, randn, useCpu } from './helpers.js';

beforeAll(useCpu);

const rng = (seed: number) => ({ rng: new t.Rng(seed) });

describe('gradcheck of the issue-14 layers (float64, cpu) w.r.t. inputs and parameters', () => {
  it('Bilinear over leading axes, w.r.t. both inputs', async () => {
    await gradcheckModule(new Bilinear(3, 2, 2, rng(5)), [randn([2, 2, 3], 15), randn([2, 2, 2], 16)]);
  });

  it('BatchNorm3d in training', async () => {
    await gradcheckModule(new BatchNorm3d(2), [randn([2, 2, 2, 1, 2], 14)]);
  });

  it('GroupNorm, InstanceNorm (instance statistics) and RMSNorm', async () => {
    const gn = new GroupNorm(2, 4);
    await gradcheckModule(gn, [randn([2, 4, 3], 1)]);
    await gradcheckModule(new InstanceNorm2d(2, { affine: true }), [randn([2, 2, 2, 3], 2)]);
    await gradcheckModule(new InstanceNorm1d(3, { affine: true, trackRunningStats: true }), [randn([2, 3, 4], 3)]);
    await gradcheckModule(new RMSNorm([2, 3]), [randn([2, 2, 3], 4)]);
  });

  it('RNNCell, LSTMCell and GRUCell with states', async () => {
    await gradcheckModule(new RNNCell(3, 2, rng(1)), [randn([2, 3], 5), randn([2, 2], 6)]);
    await gradcheckModule(new GRUCell(2, 3, rng(2)), [randn([2, 2], 7), randn([2, 3], 8)]);
    const lstm = new LSTMCell(2, 2, rng(3));
    const [h, c] = [randn([1, 2], 10), randn([1, 2], 11)];
    await gradcheckModule(lstm, [randn([1, 2], 9)], { extra: [[h, c]] });
  });

  it('PReLU and the smooth activations', async () => {
    const x = randn([2, 3, 2], 12);
    await gradcheckModule(new PReLU(3), [x]);
    for (const m of [new Softplus(2, 3), new Mish(), new SELU(), new Hardswish(), new ReLU6(), new Hardtanh(-0.5, 0.5)]) {
      await gradcheckModule(m, [randn([3, 4], 13)]);
    }
  });
});

describe('behaviour of the issue-14 layers', () => {
  it('InstanceNorm in eval uses its running statistics', async () => {
    const m = new InstanceNorm1d(1, { trackRunningStats: true }).eval();
    t.assign(m.runningMean!, t.tensor([2]));
    t.assign(m.runningVar!, t.tensor([4]));
    const y = m.call(t.tensor([[[2, 4, 6]]]));
    expect(Array.from(await y.data()).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0, 1, 2]);
  });

  it('refuses bad configs and inputs with named errors', () => {
    expect(() => new GroupNorm(3, 4)).toThrow(/GroupNorm: numChannels 4 must be divisible by numGroups 3/);
    expect(() => new GroupNorm(2, 4).call(t.zeros([2, 3, 5]))).toThrow(/GroupNorm\(2, 4\): expected input \[N, 4, \*\], got \[2,3,5\]/);
    expect(() => new InstanceNorm2d(2).call(t.zeros([2, 6]))).toThrow(t.ShapeError);
    expect(() => new InstanceNorm1d(2).call(t.zeros([2, 2, 1]))).toThrow(/more than 1 spatial element/);
    expect(() => new RMSNorm(3).call(t.zeros([2, 4]))).toThrow(/RMSNorm\(\[3\]\): input \[2,4\] does not end in \[3\]/);
    expect(() => new Unflatten(1, [4, 4]).call(t.zeros([2, 6]))).toThrow(/Unflatten: sizes \[4,4\] do not multiply to axis 1 \(6\)/);
    expect(() => new LSTMCell(2, 3).call(t.zeros([1, 2]), [t.zeros([2, 3]), t.zeros([1, 3])])).toThrow(
      /LSTMCell: h must be \[1,3\], got \[2,3\]/,
    );
    expect(() => new PReLU(3).call(t.zeros([2, 4]))).toThrow(/PReLU\(3\): expected 3 channels on axis 1/);
    expect(() => new Hardtanh(1, 1)).toThrow(t.ArgumentError);
    expect(() => new Bilinear(2, 3, 1).call(t.zeros([4, 2]), t.zeros([5, 3]))).toThrow(
      /Bilinear\(2, 3, 1\): expected x1 \[\*, 2\] and x2 \[\*, 3\] with the same leading axes/,
    );
  });

  it('Unflatten takes one -1 and negative dims', () => {
    expect(new Unflatten(-1, [2, -1]).call(t.zeros([3, 8])).shape).toEqual([3, 2, 4]);
  });

  it('cells accept unbatched input and start from zero states', async () => {
    const cell = new GRUCell(2, 3, rng(4));
    const x = t.tensor([0.5, -1]);
    const unbatched = cell.call(x);
    const batched = cell.call(x.unsqueeze(0), t.zeros([1, 3]));
    expect(unbatched.shape).toEqual([3]);
    expect(Array.from(await unbatched.data())).toEqual(Array.from(await batched.data()));
  });

  it('Dropout1d/2d zero whole channels and scale the rest by 1/(1-p); eval is the identity', async () => {
    for (const [m, shape] of [
      [new Dropout1d(0.5, rng(5)), [4, 6, 5]],
      [new Dropout2d(0.5, rng(6)), [4, 6, 2, 3]],
    ] as const) {
      const y = await m.call(t.ones([...shape])).data();
      const per = shape.slice(2).reduce((a, b) => a * b, 1);
      const channels = Array.from({ length: y.length / per }, (_, i) => Array.from(y.slice(i * per, (i + 1) * per)));
      for (const ch of channels) expect(new Set(ch).size).toBe(1);
      const values = new Set(channels.map((ch) => ch[0]));
      expect([...values].sort()).toEqual([0, 2]);
      m.eval();
      const x = t.ones([...shape]);
      expect(m.call(x)).toBe(x);
    }
  });

  it('AlphaDropout keeps mean 0 and variance 1 of standard normal input, and dropped entries share one value', async () => {
    const m = new AlphaDropout(0.2, rng(7));
    const x = t.randn([20000], { rng: new t.Rng(8) });
    const y = m.call(x);
    const [mean, std] = [await y.mean().item(), await y.std().item()];
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
    // Dropped entries are a·(-α') + b: one constant.
    const xs = await x.data();
    const ys = await y.data();
    const a = 1 / Math.sqrt((1.7580993408473766 ** 2 * 0.2 + 1) * 0.8);
    const kept = Array.from(ys).filter((v, i) => Math.abs(v - (a * xs[i] + 1.7580993408473766 * a * 0.2)) < 1e-5).length;
    expect(kept / ys.length).toBeGreaterThan(0.77);
    expect(kept / ys.length).toBeLessThan(0.83);
  });
});
