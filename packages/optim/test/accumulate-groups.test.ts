import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, SGD } from '@tensile/optim';
import { closeTo, useCpu } from './helpers.js';

/** A tiny 4-6-2 MLP made of leaf tensors, float64. */
function mlp(seed: number) {
  const rng = new t.Rng(seed);
  return {
    w1: t.randn([6, 4], { rng, dtype: 'float64', requiresGrad: true, std: 0.5 }),
    b1: t.randn([6], { rng, dtype: 'float64', requiresGrad: true, std: 0.1 }),
    w2: t.randn([2, 6], { rng, dtype: 'float64', requiresGrad: true, std: 0.5 }),
    b2: t.randn([2], { rng, dtype: 'float64', requiresGrad: true, std: 0.1 }),
  };
}
type Net = ReturnType<typeof mlp>;
const forward = (n: Net, x: t.Tensor) => t.linear(t.linear(x, n.w1, n.b1).tanh(), n.w2, n.b2);
const params = (n: Net) => [n.w1, n.b1, n.w2, n.b2];

describe('gradient accumulation (Caffe iter_size): .grad adds up until zeroGrad', () => {
  beforeAll(useCpu);

  for (const [label, make] of [
    ['SGD with momentum', (p: t.Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 1e-3 })],
    ['Adam', (p: t.Tensor[]) => new Adam(p, { lr: 0.01 })],
  ] as const) {
    it(`${label}: 4 micro-batches of 8 with the loss scaled by 1/4, then one step, equal one batch of 32 (to 1e-6)`, async () => {
      const rng = new t.Rng(7);
      const x = t.randn([32, 4], { rng, dtype: 'float64' });
      const y = t.randn([32, 2], { rng, dtype: 'float64' });
      const whole = mlp(1);
      const micro = mlp(1);
      const optWhole = make(params(whole));
      const optMicro = make(params(micro));
      for (let step = 0; step < 3; step++) {
        optWhole.zeroGrad();
        const loss = t.tidy(() => forward(whole, x).sub(y).square().mean());
        loss.backward();
        loss.dispose();
        optWhole.step();

        optMicro.zeroGrad();
        for (let k = 0; k < 4; k++) {
          const part = t.tidy(() => {
            const xs = x.narrow(0, k * 8, 8);
            const ys = y.narrow(0, k * 8, 8);
            return forward(micro, xs)
              .sub(ys)
              .square()
              .mean()
              .mul(1 / 4);
          });
          part.backward();
          part.dispose();
        }
        optMicro.step();
      }
      for (const [i, p] of params(micro).entries()) {
        const want = Array.from(await params(whole)[i].data<Float64Array>());
        expect(closeTo(await p.data<Float64Array>(), want, 1e-6), `param ${i}`).toBeNull();
      }
      optWhole.dispose();
      optMicro.dispose();
      t.dispose([x, y, ...params(whole), ...params(micro)]);
    });
  }
});

describe("parameter groups: Caffe's lr_mult / decay_mult in one line", () => {
  beforeAll(useCpu);

  it('biases at 2× lr without decay, weights at the base lr with decay', async () => {
    const w = t.tensor(Float64Array.from([1, -2, 3, 0.5]), { shape: [2, 2], dtype: 'float64', requiresGrad: true });
    const b = t.tensor(Float64Array.from([0.5, -0.5]), { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([{ params: [w] }, { params: [b], lr: 0.02, weightDecay: 0 }], { lr: 0.01, weightDecay: 5e-4 });
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay])).toEqual([
      [0.01, 5e-4],
      [0.02, 0],
    ]);
    const x = t.tensor(Float64Array.from([1, 2]), { shape: [1, 2], dtype: 'float64' });
    const loss = t.tidy(() => t.linear(x, w, b).sum());
    loss.backward();
    const gw = Array.from(await w.grad!.data<Float64Array>());
    const gb = Array.from(await b.grad!.data<Float64Array>());
    const w0 = Array.from(await w.data<Float64Array>());
    opt.step();
    expect(
      closeTo(
        await w.data<Float64Array>(),
        w0.map((v, i) => v - 0.01 * (gw[i] + 5e-4 * v)),
        1e-15,
      ),
    ).toBeNull();
    expect(closeTo(await b.data<Float64Array>(), [0.5 - 0.02 * gb[0], -0.5 - 0.02 * gb[1]], 1e-15)).toBeNull();
    opt.dispose();
    t.dispose([w, b, x, loss]);
  });
});
