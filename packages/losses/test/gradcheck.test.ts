import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bceLoss, bceWithLogitsLoss, crossEntropy, huberLoss, klDivLoss, l1Loss, mseLoss, nllLoss, smoothL1Loss } from '@tensile/losses';
import { useCpu } from './helpers.js';

const f64 = (data: number[], shape: number[]) => t.tensor(Float64Array.from(data), { shape, dtype: 'float64' });
const labels = (data: number[]) => t.tensor(Int32Array.from(data), { dtype: 'int32' });

async function check(name: string, fn: (...x: t.Tensor[]) => t.Tensor, inputs: t.Tensor[], checkInputs?: boolean[]): Promise<void> {
  const r = await t.gradcheck(fn, inputs, { checkInputs });
  expect(r.ok, `${name}: ${r.worst} (max error ${r.maxError})`).toBe(true);
  t.dispose(inputs);
}

// Inputs stay away from the kinks (|d| = beta, x = 0 for abs) where finite differences straddle two branches.
const x = () => f64([0.3, -1.7, 2.2, 0.05, -0.4, 1.1], [2, 3]);
const y = () => f64([0.1, -0.2, 0.4, 0.6, -1.2, 2.9], [2, 3]);
const p = () => f64([0.2, 0.7, 0.9, 0.35, 0.5, 0.05], [2, 3]);
const bits = () => f64([1, 0, 1, 0, 0, 1], [2, 3]);
const logits = () => f64([0.5, -1.2, 2.0, 0.3, 1.5, -0.7, 0.0, 0.9, -2.1, 1.1, 0.4, -0.3], [3, 4]);

describe('gradcheck (float64, central differences) of every loss', () => {
  beforeAll(useCpu);
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`regression losses, reduction ${reduction}`, async () => {
      await check('mseLoss', (a, b) => mseLoss(a, b, { reduction }), [x(), y()]);
      await check('l1Loss', (a, b) => l1Loss(a, b, { reduction }), [x(), y()]);
      await check('smoothL1Loss', (a, b) => smoothL1Loss(a, b, { reduction, beta: 0.5 }), [x(), y()]);
      await check('huberLoss', (a, b) => huberLoss(a, b, { reduction, delta: 0.8 }), [x(), y()]);
    });
    it(`binary losses, reduction ${reduction}`, async () => {
      const w = f64([0.5, 1, 2], [3]);
      await check('bceLoss', (a, b) => bceLoss(a, b, { reduction, weight: w }), [p(), bits()], [true, false]);
      await check('bceWithLogitsLoss', (a, b) => bceWithLogitsLoss(a, b, { reduction, weight: w, posWeight: f64([2, 0.5, 1], [3]) }), [
        x(),
        p(),
      ]);
      await check('bceWithLogitsLoss (plain)', (a, b) => bceWithLogitsLoss(a, b, { reduction }), [x(), p()]);
      w.dispose();
    });
    it(`class losses, reduction ${reduction}`, async () => {
      const target = labels([2, -100, 0]);
      const w = f64([0.3, 1.5, 0.8, 1.2], [4]);
      await check('crossEntropy', (a) => crossEntropy(a, target, { reduction, weight: w, labelSmoothing: 0.2 }), [logits()]);
      await check('crossEntropy (probabilities)', (a, b) => crossEntropy(a, b.softmax(-1), { reduction, labelSmoothing: 0.1 }), [
        logits(),
        logits(),
      ]);
      await check('nllLoss', (a) => nllLoss(a.logSoftmax(-1), target, { reduction, weight: w }), [logits()]);
      const spatial = t.tensor(Int32Array.from([1, 0, 2, 2]), { shape: [2, 2], dtype: 'int32' });
      await check('crossEntropy (spatial)', (a) => crossEntropy(a.reshape([2, 3, 2]), spatial, { reduction }), [
        f64([0.1, 0.5, -0.3, 0.9, 1.2, -1.1, 0.4, 0.2, -0.6, 0.7, 0.3, 0.8], [12]),
      ]);
      t.dispose([target, w, spatial]);
    });
  }
  for (const reduction of ['mean', 'batchmean', 'sum', 'none'] as const) {
    it(`klDivLoss, reduction ${reduction}`, async () => {
      await check('klDivLoss', (a, b) => klDivLoss(a.logSoftmax(-1), b.softmax(-1), { reduction }), [logits(), logits()]);
      await check('klDivLoss (logTarget)', (a, b) => klDivLoss(a.logSoftmax(-1), b.logSoftmax(-1), { reduction, logTarget: true }), [
        logits(),
        logits(),
      ]);
    });
  }
});
