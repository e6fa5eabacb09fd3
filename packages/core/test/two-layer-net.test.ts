import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

/**
 * The two-layer ReLU network of our source material: N=64, D_in=1000, H=100,
 * D_out=10, squared error, plain gradient descent with lr 1e-6, 500 steps.
 */
it('trains the two-layer ReLU net by autograd, with the hand-written gradients and a flat tensor count', async () => {
  const rng = new t.Rng(0);
  const [N, Din, H, Dout] = [64, 1000, 100, 10];
  const x = t.randn([N, Din], { rng });
  const y = t.randn([N, Dout], { rng });
  const w1 = t.randn([Din, H], { rng, requiresGrad: true });
  const w2 = t.randn([H, Dout], { rng, requiresGrad: true });
  const lr = 1e-6;
  const losses: number[] = [];
  let tensorsAt10 = 0;

  for (let step = 1; step <= 500; step++) {
    const loss = t.tidy(() => x.matmul(w1).relu().matmul(w2).sub(y).square().sum());
    loss.backward();
    if (step === 1) {
      // The gradients written out by hand (numpy version of the same net).
      t.tidy(() => {
        const h = x.matmul(w1);
        const hRelu = h.relu();
        const gradY = hRelu.matmul(w2).sub(y).mul(2);
        const gradW2 = hRelu.T.matmul(gradY);
        const gradH = gradY.matmul(w2.T).mul(h.gt(0).cast('float32'));
        const gradW1 = x.T.matmul(gradH);
        for (const [auto, manual] of [
          [w1.grad!, gradW1],
          [w2.grad!, gradW2],
        ] as const) {
          const a = auto.dataSync();
          const m = manual.dataSync();
          let maxRel = 0;
          for (let i = 0; i < a.length; i++) maxRel = Math.max(maxRel, Math.abs(a[i] - m[i]) / (Math.abs(m[i]) + 1));
          expect(maxRel).toBeLessThan(1e-4);
        }
      });
    }
    losses.push(loss.dataSync()[0]);
    loss.dispose();
    t.noGrad(() => {
      for (const w of [w1, w2]) {
        t.assign(
          w,
          t.tidy(() => w.sub(w.grad!.mul(lr))),
        );
        w.zeroGrad();
      }
    });
    if (step === 10) tensorsAt10 = t.memory().tensors;
  }
  expect(losses[0] / losses[499]).toBeGreaterThan(10);
  expect(t.memory().tensors).toBe(tensorsAt10);
});
