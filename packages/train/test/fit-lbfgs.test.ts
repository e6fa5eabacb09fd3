import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { DataLoader } from '@tensile/data';
import { CrossEntropyLoss } from '@tensile/losses';
import { LBFGS, SGD } from '@tensile/optim';
import { fit } from '@tensile/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlp, toyData } from './toy.js';

beforeAll(async () => {
  await t.setBackend(cpu());
});

describe('fit with a closure optimizer (LBFGS)', () => {
  it('passes a closure that re-evaluates the batch; the loss falls and no tensor leaks', async () => {
    const model = mlp(1);
    const train = new DataLoader(toyData(64, 2), { batchSize: 64 });
    const optimizer = new LBFGS(model.parameters(), { lr: 1, maxIter: 5, lineSearchFn: 'strong_wolfe' });
    let evaluations = 0;
    const loss = new CrossEntropyLoss();
    const counting = { forward: (p: t.Tensor, y: t.Tensor) => (evaluations++, loss.forward(p, y)) };
    const before = t.memory().tensors;
    const { history } = await fit(model, { loss: counting, optimizer, train, epochs: 4, onNoGradient: null });
    expect(history[3].loss).toBeLessThan(history[0].loss * 0.6);
    // Each step evaluates the batch more than once (the batch's own pass plus the closure's).
    expect(evaluations).toBeGreaterThan(8);
    // What stays is the optimizer's state (its history) and the parameters' gradients.
    optimizer.dispose();
    for (const p of model.parameters()) p.grad?.dispose();
    expect(t.memory().tensors).toBe(before);
  });

  it('refuses gradient accumulation with a closure optimizer, and leaves plain optimizers alone', async () => {
    const model = mlp(3);
    const train = new DataLoader(toyData(16, 4), { batchSize: 8 });
    const lbfgs = new LBFGS(model.parameters());
    await expect(fit(model, { loss: new CrossEntropyLoss(), optimizer: lbfgs, train, epochs: 1, accumulateSteps: 2 })).rejects.toThrow(
      /accumulateSteps must be 1 with an optimizer that re-evaluates the loss \(LBFGS\), got 2/,
    );
    const sgd = new SGD(model.parameters(), { lr: 0.1 });
    expect((sgd as { requiresClosure?: boolean }).requiresClosure).toBeUndefined();
    await fit(model, { loss: new CrossEntropyLoss(), optimizer: sgd, train, epochs: 1, onNoGradient: null });
    lbfgs.dispose();
    sgd.dispose();
  });
});
