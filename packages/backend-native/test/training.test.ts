import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { native } from '@tensile/backend-native';
import { describe, expect, it } from 'vitest';

/** 50 SGD steps of a 64-32-10 MLP with softmax cross-entropy, in core ops, from one seed. */
async function train(backend: t.Backend, steps: number) {
  await t.setBackend(backend);
  const rng = new t.Rng(11);
  const x = t.randn([96, 64], { rng });
  const target = t.oneHot(t.tensor(Int32Array.from({ length: 96 }, (_, i) => (i * 7) % 10)), 10);
  const params = [
    t.randn([32, 64], { rng, std: 0.15, requiresGrad: true }),
    t.zeros([32], { requiresGrad: true }),
    t.randn([10, 32], { rng, std: 0.15, requiresGrad: true }),
    t.zeros([10], { requiresGrad: true }),
  ];
  const [w1, b1, w2, b2] = params;
  const losses: number[] = [];
  const live: number[] = [];
  for (let step = 0; step < steps; step++) {
    const rows = 32 + ((step * 13) % 64); // a different batch size every step, as a last short batch would be
    const loss = t.tidy(() => {
      const logits = t.linear(t.linear(x.narrow(0, 0, rows), w1, b1).relu(), w2, b2);
      return logits
        .logSoftmax(1)
        .mul(target.narrow(0, 0, rows))
        .sum(1)
        .mean()
        .neg();
    });
    loss.backward();
    losses.push((await loss.data())[0]);
    loss.dispose();
    t.noGrad(() => {
      for (const p of params) {
        t.assign(
          p,
          t.tidy(() => p.sub(p.grad!.mul(0.2))),
        );
        p.grad = null;
      }
    });
    live.push(backend.memory().liveHandles);
  }
  const weights = Float32Array.from(await w2.data());
  t.dispose([x, target, ...params]);
  return { losses, weights, live };
}

describe('native trains like cpu', () => {
  it('gives the cpu trajectory over 50 MLP steps within float32 rounding, on 1 thread and all cores', async () => {
    const reference = await train(cpu(), 50);
    expect(reference.losses[49]).toBeLessThan(reference.losses[0] * 0.5);
    for (const threads of [1, 2]) {
      const run = await train(native({ threads }), 50);
      // Same float32 math, summed in oneDNN's or OpenBLAS's order: rounding only.
      run.losses.forEach((l, i) => expect(Math.abs(l - reference.losses[i]) / reference.losses[i]).toBeLessThan(1e-4));
      run.weights.forEach((w, i) => expect(Math.abs(w - reference.weights[i])).toBeLessThan(1e-4));
      expect(run.live[49]).toBe(run.live[1]); // no handle leaks from step to step
    }
  });

  it('is deterministic for a fixed thread count', async () => {
    for (const threads of [1, 2]) {
      const a = await train(native({ threads }), 10);
      const b = await train(native({ threads }), 10);
      expect(b.losses).toEqual(a.losses);
      expect([...b.weights]).toEqual([...a.weights]);
    }
  });
});
