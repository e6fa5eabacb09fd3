import { cpu } from '@tensile/backend-cpu';
import { wasm } from '@tensile/backend-wasm';
import * as t from '@tensile/core';
import { afterAll, describe, expect, it } from 'vitest';

const backends: t.Backend[] = [];
afterAll(async () => {
  for (const b of backends) await b.dispose?.();
});

/** An MLP 64-32-10 trained by SGD with softmax cross-entropy, in core ops only. */
async function train(backend: t.Backend, epochs: number, stepsPerEpoch: number, onEpoch?: () => void) {
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
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let step = 0; step < stepsPerEpoch; step++) {
      // A different batch size every step, as a last short batch would be.
      const rows = 32 + ((step * 13) % 64);
      const loss = t.tidy(() => {
        const xb = x.narrow(0, 0, rows);
        const logits = t.linear(t.linear(xb, w1, b1).relu(), w2, b2);
        return logits
          .logSoftmax(1)
          .mul(target.narrow(0, 0, rows))
          .sum(1)
          .mean()
          .neg();
      });
      loss.backward();
      losses.push(loss.dataSync()[0]);
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
    }
    onEpoch?.();
  }
  const weights = w2.dataSync().slice();
  t.dispose([x, target, ...params]);
  return { losses, weights };
}

describe('wasm trains like cpu', () => {
  it('gives the cpu trajectory over 50 MLP steps (float32 tolerance), on 1 and 2 threads', async () => {
    const reference = await train(cpu(), 1, 50);
    expect(reference.losses[49]).toBeLessThan(reference.losses[0] * 0.5);
    for (const threads of [1, 2]) {
      const b = await wasm({ threads });
      backends.push(b);
      const run = await train(b, 1, 50);
      // Same float32 math in another summation order (SIMD, blocked GEMM): rounding only.
      run.losses.forEach((l, i) => expect(Math.abs(l - reference.losses[i]) / reference.losses[i]).toBeLessThan(1e-4));
      run.weights.forEach((w, i) => expect(Math.abs(w - reference.weights[i])).toBeLessThan(1e-4));
    }
  });

  it('keeps the wasm heap flat over 3 epochs of training', async () => {
    const b = await wasm({ threads: 1 });
    backends.push(b);
    const heap: number[] = [];
    const live: number[] = [];
    await train(b, 3, 40, () => {
      heap.push(b.memory().reservedBytes!);
      live.push(b.memory().liveHandles);
    });
    expect(heap[2]).toBe(heap[0]);
    expect(heap[1]).toBe(heap[0]);
    expect(live[2]).toBe(live[0]);
  });
});
