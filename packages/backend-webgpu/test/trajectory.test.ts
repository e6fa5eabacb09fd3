import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { createTestBackend } from './gpu.js';

/**
 * 20 SGD steps of a 32-16-4 MLP with softmax cross-entropy, from the same
 * seed, on cpu and on webgpu. Tolerance: float32 on both, but the GPU sums in
 * another order and its exp/log are not correctly rounded (a few ULP), so the
 * trajectories drift apart by rounding only: losses agree to 1e-4 relative and
 * weights to 1e-4 absolute after 20 steps.
 */
async function trajectory(backend: t.Backend): Promise<{ losses: number[]; weights: Float32Array }> {
  await t.setBackend(backend);
  const rng = new t.Rng(7);
  const x = t.randn([24, 32], { rng });
  const labels = t.tensor(Int32Array.from({ length: 24 }, (_, i) => i % 4));
  const target = t.oneHot(labels, 4);
  const w1 = t.randn([16, 32], { rng, std: 0.2, requiresGrad: true });
  const b1 = t.zeros([16], { requiresGrad: true });
  const w2 = t.randn([4, 16], { rng, std: 0.2, requiresGrad: true });
  const b2 = t.zeros([4], { requiresGrad: true });
  const params = [w1, b1, w2, b2];
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    const loss = t.tidy(() => {
      const logits = t.linear(t.linear(x, w1, b1).relu(), w2, b2);
      return logits.logSoftmax(1).mul(target).sum(1).mean().neg();
    });
    loss.backward();
    losses.push((await loss.data())[0]);
    loss.dispose();
    t.noGrad(() => {
      for (const p of params) {
        t.assign(
          p,
          t.tidy(() => p.sub(p.grad!.mul(0.5))),
        );
        p.grad = null;
      }
    });
  }
  const weights = await w1.data();
  t.dispose([x, labels, target, ...params]);
  return { losses, weights };
}

const setup = await createTestBackend();
describe('webgpu follows the cpu training trajectory', () => {
  if (!setup.backend) {
    it.skip(`skipped: ${setup.skip.kind}: ${setup.skip.reason}`, () => {});
    return;
  }
  it('20 MLP steps give the same losses and weights as cpu within float32 rounding', async () => {
    const reference = await trajectory(cpu());
    const gpu = await trajectory(setup.backend!);
    expect(reference.losses[19]).toBeLessThan(reference.losses[0] * 0.5); // it learns
    gpu.losses.forEach((l, i) => expect(Math.abs(l - reference.losses[i]) / reference.losses[i]).toBeLessThan(1e-4));
    let maxDiff = 0;
    reference.weights.forEach((w, i) => (maxDiff = Math.max(maxDiff, Math.abs(w - gpu.weights[i]))));
    expect(maxDiff).toBeLessThan(1e-4);
  });
});
