import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BCELoss, MSELoss } from '@tensile/losses';
import { Adam } from '@tensile/optim';
import { useCpu } from './helpers.js';

/** Dense layers as [weight, bias] leaf tensors, He-scaled normal weights. */
function dense(sizes: readonly number[], rng: t.Rng): [t.Tensor, t.Tensor][] {
  return sizes
    .slice(1)
    .map((out, i) => [
      t.randn([out, sizes[i]], { rng, std: Math.sqrt(2 / sizes[i]), requiresGrad: true }),
      t.zeros([out], { requiresGrad: true }),
    ]);
}

function run(layers: [t.Tensor, t.Tensor][], x: t.Tensor, hidden: (h: t.Tensor) => t.Tensor, last: (h: t.Tensor) => t.Tensor): t.Tensor {
  let h = x;
  layers.forEach(([w, b], i) => {
    h = t.linear(h, w, b);
    h = i < layers.length - 1 ? hidden(h) : last(h);
  });
  return h;
}

/** Two interleaving half circles with Gaussian noise (sklearn's make_moons), labels 0/1. */
function moons(n: number, noise: number, rng: t.Rng): { x: t.Tensor; y: t.Tensor } {
  const xs = new Float32Array(2 * n);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const upper = i % 2 === 0;
    const angle = Math.PI * rng.uniform();
    xs[2 * i] = (upper ? Math.cos(angle) : 1 - Math.cos(angle)) + noise * rng.normal();
    xs[2 * i + 1] = (upper ? Math.sin(angle) : 0.5 - Math.sin(angle)) + noise * rng.normal();
    ys[i] = upper ? 0 : 1;
  }
  return { x: t.tensor(xs, { shape: [n, 2] }), y: t.tensor(ys, { shape: [n, 1] }) };
}

describe('source-material nets train (tiny MLPs from leaf tensors)', () => {
  beforeAll(useCpu);

  it('2-25-50-50-25-1 ReLU/sigmoid net with BCE separates two half-moons (≥ 95% test accuracy)', async () => {
    const rng = new t.Rng(42);
    const train = moons(900, 0.15, rng);
    const test = moons(300, 0.15, rng);
    const layers = dense([2, 25, 50, 50, 25, 1], rng);
    const params = layers.flat();
    const opt = new Adam(params, { lr: 0.01 });
    const lossFn = new BCELoss();
    const batch = 90;
    const live = t.memory().tensors;
    for (let epoch = 0; epoch < 60; epoch++) {
      for (let start = 0; start < 900; start += batch) {
        opt.zeroGrad();
        const loss = t.tidy(() => {
          const xb = train.x.narrow(0, start, batch);
          const yb = train.y.narrow(0, start, batch);
          return lossFn.forward(
            run(
              layers,
              xb,
              (h) => h.relu(),
              (h) => h.sigmoid(),
            ),
            yb,
          );
        });
        loss.backward();
        loss.dispose();
        opt.step();
      }
      if (epoch === 0) expect(t.memory().tensors - live).toBeLessThanOrEqual(3 * params.length); // optimizer state only
    }
    const correct = t.noGrad(() =>
      t.tidy(() =>
        run(
          layers,
          test.x,
          (h) => h.relu(),
          (h) => h.sigmoid(),
        )
          .gt(0.5)
          .cast('float32')
          .eq(test.y)
          .cast('float32')
          .mean(),
      ),
    );
    const accuracy = await correct.item();
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    opt.dispose();
    t.dispose([correct, train, test, params]);
  });

  it('1-25-1 sigmoid net fits y = 20·sin(2πx) on [0, 2) to a small MSE', async () => {
    const rng = new t.Rng(3);
    const n = 200;
    const xs = Float32Array.from({ length: n }, (_, i) => (2 * i) / n);
    const x = t.tensor(xs, { shape: [n, 1] });
    const y = t.tensor(
      xs.map((v) => 20 * Math.sin(2 * Math.PI * v)),
      { shape: [n, 1] },
    );
    const layers = dense([1, 25, 1], rng);
    // Spread the sigmoid units over the input range so each covers a part of the wave.
    const [w1, b1] = layers[0];
    t.assign(w1, t.randn([25, 1], { rng, std: 8 }));
    t.assign(b1, t.randn([25], { rng, std: 8 }));
    const params = layers.flat();
    const opt = new Adam(params, { lr: 0.05 });
    const lossFn = new MSELoss();
    let last = Infinity;
    for (let step = 0; step < 3000; step++) {
      opt.zeroGrad();
      const loss = t.tidy(() =>
        lossFn.forward(
          run(
            layers,
            x,
            (h) => h.sigmoid(),
            (h) => h,
          ),
          y,
        ),
      );
      loss.backward();
      opt.step();
      if (step === 2999) last = await loss.item();
      loss.dispose();
    }
    // The signal has variance 200: an MSE below 0.5 is a fit to within 0.25%.
    expect(last).toBeLessThan(0.5);
    opt.dispose();
    t.dispose([x, y, params]);
  });
});
