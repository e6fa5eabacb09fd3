import * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { native } from '../src/index.js';

/**
 * Every oneDNN path of a training step (convolution forward and input
 * gradient, batch norm forward and backward, softmax, small GEMMs) and its
 * gradients, read back as plain arrays, sized so oneDNN splits the work
 * over the threads.
 */
async function step(threads: number) {
  await t.setBackend(native({ threads }));
  const rng = new t.Rng(3);
  const x = t.randn([16, 8, 14, 14], { rng, requiresGrad: true });
  const w = t.randn([16, 8, 3, 3], { rng, std: 0.2, requiresGrad: true });
  const gamma = t.randn([16], { rng, requiresGrad: true });
  const fc = t.randn([10, 16 * 14 * 14], { rng, std: 0.01, requiresGrad: true });
  const mean = t.zeros([16]);
  const variance = t.ones([16]);
  const loss = t.tidy(() => {
    const h = t.batchNorm(t.conv2d(x, w, null, { padding: 1 }), mean, variance, { weight: gamma, training: true }).relu();
    const p = t.linear(h.flatten(1), fc).softmax(1);
    return p.mul(p).sum();
  });
  loss.backward();
  const out = Object.fromEntries(
    await Promise.all(
      Object.entries({ loss, dx: x.grad!, dw: w.grad!, dgamma: gamma.grad!, dfc: fc.grad!, mean, variance }).map(
        async ([k, v]) => [k, [...(await v.data())]] as const,
      ),
    ),
  );
  t.dispose([x, w, gamma, fc, mean, variance, loss]);
  return out;
}

describe('native oneDNN kernels', () => {
  it('give the same bits every time for a fixed thread count', async () => {
    for (const threads of [1, 2]) {
      const a = await step(threads);
      const b = await step(threads);
      expect(Number.isFinite(a.loss![0])).toBe(true);
      for (const grad of [a.dx!, a.dw!, a.dgamma!, a.dfc!]) expect(grad.some((v) => v !== 0)).toBe(true);
      expect(b).toEqual(a);
    }
  });
});
