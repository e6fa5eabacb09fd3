import * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { createTestBackend, rng } from './gpu.js';

const setup = await createTestBackend();

/**
 * A small conv net trains end to end on the GPU through core's autograd:
 * conv2d → relu → maxPool2d → linear → logSoftmax → NLL, SGD updates with
 * assign. Reads are counted: none may happen inside a step (no hidden round
 * trip to the CPU); the loss is read once per step by the test itself.
 */
describe.skipIf(!setup.backend)('webgpu end-to-end training', () => {
  it('a conv net learns a synthetic task with no reads inside a step and flat memory', async () => {
    const gpu = setup.backend!;
    let reads = 0;
    const counting: t.Backend = { ...gpu, read: (x, dtype, size) => (reads++, gpu.read(x, dtype, size)) };
    await t.setBackend(counting);

    // Class 0: the top half of an 8×8 image is bright; class 1: the bottom half.
    const r = rng(42);
    const n = 16;
    const images = new Float32Array(n * 64);
    const targets = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const label = i % 2;
      targets[i * 2 + label] = 1;
      for (let p = 0; p < 64; p++) {
        const bright = p < 32 === (label === 0);
        images[i * 64 + p] = (bright ? 1 : 0) + 0.3 * (r() - 0.5);
      }
    }
    const x = t.tensor(images, { shape: [n, 1, 8, 8] });
    const y = t.tensor(targets, { shape: [n, 2] });
    const rand = new t.Rng(7);
    const w1 = t.randn([4, 1, 3, 3], { rng: rand, std: 0.5, requiresGrad: true } as t.RandomOptions);
    const b1 = t.zeros([4], { requiresGrad: true } as t.CreationOptions);
    const w2 = t.randn([2, 64], { rng: rand, std: 0.1, requiresGrad: true } as t.RandomOptions);
    const b2 = t.zeros([2], { requiresGrad: true } as t.CreationOptions);
    const params = [w1, b1, w2, b2];

    const step = (): t.Tensor => {
      const loss = t.tidy(() => {
        const h = t.conv2d(x, w1, b1, { padding: 1 }).relu();
        const pooled = t.maxPool2d(h, { kernelSize: 2 }).reshape([n, 64]);
        const logits = t.linear(pooled, w2, b2);
        return logits.logSoftmax(1).mul(y).sum().neg().div(n);
      });
      loss.backward();
      t.noGrad(() =>
        t.tidy(() => {
          for (const p of params) {
            t.assign(p, p.sub(p.grad!.mul(0.5)));
            p.zeroGrad(); // disposes the gradient (assigning null would leak it)
          }
        }),
      );
      return loss;
    };

    const losses: number[] = [];
    let liveAfterFirst = 0;
    for (let i = 0; i < 10; i++) {
      const before = reads;
      const loss = step();
      expect(reads).toBe(before); // the whole step was queued without reading
      losses.push((await loss.data())[0]);
      loss.dispose();
      if (i === 0) liveAfterFirst = t.memory().tensors;
      else expect(t.memory().tensors).toBe(liveAfterFirst);
    }
    expect(losses[0]).toBeGreaterThan(0.5);
    expect(losses.at(-1)!).toBeLessThan(0.3 * losses[0]);
    t.dispose([x, y, ...params]);
  });
});
