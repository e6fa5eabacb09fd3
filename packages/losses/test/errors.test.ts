import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as losses from '@tensile/losses';
import { BCELoss, CrossEntropyLoss, LOSSES, MSELoss, bceLoss, crossEntropy, mseLoss, nllLoss, registerLosses } from '@tensile/losses';
import { useCpu } from './helpers.js';

const labels = (data: number[]) => t.tensor(Int32Array.from(data), { dtype: 'int32' });

describe('bad input is refused with a message naming the loss and the values', () => {
  beforeAll(useCpu);

  it('cross-entropy: an out-of-range class index names the loss, index, value and class count, before any work', () => {
    const logits = t.zeros([3, 10]);
    const target = labels([1, 12, 3]);
    let issued = 0;
    const off = t.onOp(() => issued++);
    expect(() => crossEntropy(logits, target)).toThrow(/CrossEntropyLoss: target\[1\] = 12 is out of range for 10 classes/);
    expect(() => new CrossEntropyLoss().forward(logits, labels([-1, 0, 0]))).toThrow(/target\[0\] = -1/);
    expect(() => nllLoss(logits, labels([0, 0, 10]))).toThrow(/NLLLoss: target\[2\] = 10 is out of range for 10 classes/);
    off();
    expect(issued).toBe(0); // no op was issued before the check threw
  });

  it('shape mismatches name both shapes', () => {
    expect(() => mseLoss(t.zeros([2, 3]), t.zeros([3, 2]))).toThrow(/MSELoss: input \[2, 3\] and target \[3, 2\]/);
    expect(() => crossEntropy(t.zeros([4, 10]), labels([1, 2]))).toThrow(
      /CrossEntropyLoss: target \[2\] does not match input: expected class indices \[4\]/,
    );
    expect(() => crossEntropy(t.zeros([4, 10]), t.zeros([4, 9]))).toThrow(
      /probability target \[4, 9\] must have the input's shape \[4, 10\]/,
    );
    expect(() => crossEntropy(t.zeros([4, 3]), labels([0, 1, 2, 0]), { weight: t.ones([4]) })).toThrow(/weight \[4\] must be \[3\]/);
    expect(() => bceLoss(t.zeros([2]), t.zeros([2]), { weight: t.ones([3]) })).toThrow(
      /BCELoss: weight \[3\] does not broadcast to input \[2\]/,
    );
  });

  it('dtype and option errors', () => {
    expect(() => crossEntropy(t.zeros([2, 3]), t.tensor([0, 1], { dtype: 'int32' }).cast('bool'))).toThrow(/int32/);
    expect(() => mseLoss(t.zeros([2, 3]), t.zeros([2, 3]), { reduction: 'avg' as never })).toThrow(
      /MSELoss: reduction must be one of 'mean', 'sum', 'none', got 'avg'/,
    );
    expect(() => crossEntropy(t.zeros([2, 3]), labels([0, 1]), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be in \[0, 1\]/);
  });
});

describe('behaviour', () => {
  beforeAll(useCpu);

  it('BCE clamps its logs at -100 as PyTorch (x = 0 with y = 1 gives 100, not Infinity)', async () => {
    const v = await new BCELoss({ reduction: 'none' }).forward(t.tensor([0, 1, 1]), t.tensor([1, 0, 1])).data();
    expect([...v].map((e) => e + 0)).toEqual([100, 100, 0]);
  });

  it('BCE on a saturated sigmoid (x exactly 0 or 1) has a finite gradient, (x - y)/max(x(1-x), 1e-12) as PyTorch', async () => {
    const x = t.tensor([1, 0, 1, 0], { requiresGrad: true });
    const loss = bceLoss(x, t.tensor([1, 0, 0, 1]), { reduction: 'sum' });
    loss.backward();
    expect([...(await x.grad!.data())]).toEqual([0, 0, 1e12, -1e12].map((v) => Math.fround(v)));
    t.dispose([x, loss]);
  });

  it('modules have forward and call; MSELoss keeps its options', async () => {
    const loss = new MSELoss({ reduction: 'sum' });
    expect(await loss.call(t.tensor([1, 2]), t.tensor([0, 0])).item()).toBe(5);
    expect(await loss.forward(t.tensor([1, 2]), t.tensor([0, 0])).item()).toBe(5);
  });

  it('registerLosses registers every loss by name, idempotently', () => {
    registerLosses();
    registerLosses();
    for (const name of Object.keys(LOSSES)) expect(t.registry.get('loss', name)).toBe((losses as Record<string, unknown>)[name]);
    expect(t.registry.list('loss')).toEqual(expect.arrayContaining(['CrossEntropyLoss', 'MSELoss', 'KLDivLoss']));
  });

  it('cross-entropy over a training loop leaves no tensors behind', () => {
    const logits = t.randn([8, 5], { requiresGrad: true });
    const target = labels([0, 1, 2, 3, 4, 0, 1, 2]);
    const before = t.memory().tensors;
    for (let i = 0; i < 3; i++) {
      const loss = crossEntropy(logits, target, { labelSmoothing: 0.1 });
      loss.backward();
      loss.dispose();
      logits.zeroGrad();
    }
    expect(t.memory().tensors).toBe(before);
  });
});
