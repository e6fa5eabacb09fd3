import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { native } from '@tensile/backend-native';
import { describe, expect, it } from 'vitest';

/**
 * A convolution block big enough that the native backend splits its images
 * over threads (the conformance cases are below that size): conv2d, both of
 * its gradients and max pooling with indices, read back as plain arrays.
 */
async function block(backend: t.Backend, groups: number) {
  await t.setBackend(backend);
  const rng = new t.Rng(5);
  const x = t.randn([8, 4, 12, 12], { rng, requiresGrad: true });
  const w = t.randn([8, 4 / groups, 3, 3], { rng, std: 0.3, requiresGrad: true });
  const dy = t.randn([8, 8, 3, 3], { rng });
  const [pooled, indices] = t.maxPool2d(t.conv2d(x, w, null, { padding: 1, stride: 2, groups }), {
    kernelSize: 3,
    stride: 2,
    padding: 1,
    returnIndices: true,
  });
  pooled.mul(dy).sum().backward();
  const out = {
    pooled: [...(await pooled.data())],
    indices: [...(await indices.data())],
    dx: [...(await x.grad!.data())],
    dw: [...(await w.grad!.data())],
  };
  t.dispose([x, w, dy, pooled, indices]);
  return out;
}

const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(b[i]!))));

describe('native convolution and pooling split over threads', () => {
  for (const groups of [1, 2]) {
    it(`agree with cpu on 1 and 2 threads, with oneDNN and im2col (groups ${groups})`, async () => {
      const reference = await block(cpu(), groups);
      for (const convolution of ['onednn', 'im2col'] as const) {
        for (const threads of [1, 2]) {
          const run = await block(native({ threads, convolution }), groups);
          expect(run.indices).toEqual(reference.indices);
          close(run.pooled, reference.pooled);
          close(run.dx, reference.dx);
          close(run.dw, reference.dw);
        }
      }
    });
  }

  it('give the same bits every time for a fixed thread count', async () => {
    for (const threads of [1, 2]) {
      const a = await block(native({ threads, convolution: 'im2col' }), 1);
      const b = await block(native({ threads, convolution: 'im2col' }), 1);
      expect(b).toEqual(a);
    }
  });
});
