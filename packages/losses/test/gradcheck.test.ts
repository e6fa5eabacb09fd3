import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bceLoss,
  bceWithLogitsLoss,
  cosineEmbeddingLoss,
  crossEntropy,
  ctcLoss,
  gaussianNllLoss,
  hingeEmbeddingLoss,
  huberLoss,
  klDivLoss,
  l1Loss,
  marginRankingLoss,
  mseLoss,
  multiLabelMarginLoss,
  multiLabelSoftMarginLoss,
  multiMarginLoss,
  nllLoss,
  poissonNllLoss,
  smoothL1Loss,
  softMarginLoss,
  tripletMarginLoss,
} from '@tensile/losses';
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

const i32 = (data: number[], shape: number[]) => t.tensor(Int32Array.from(data), { shape, dtype: 'int32' });
const signs = () => f64([1, -1, -1, 1, 1, -1], [2, 3]);

describe('gradcheck of the losses added for PyTorch parity (issue 14)', () => {
  beforeAll(useCpu);
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`Poisson and Gaussian NLL, reduction ${reduction}`, async () => {
      // Targets on both sides of full's Stirling cut at 1.
      const counts = () => f64([0.5, 2.3, 3.1, 0.2, 1.7, 4], [2, 3]);
      await check('poissonNllLoss', (a, b) => poissonNllLoss(a, b, { reduction }), [x(), counts()]);
      await check('poissonNllLoss (full)', (a, b) => poissonNllLoss(a, b, { reduction, full: true }), [x(), counts()]);
      await check('poissonNllLoss (rate)', (a, b) => poissonNllLoss(a, b, { reduction, logInput: false, full: true }), [p(), counts()]);
      await check('gaussianNllLoss', (a, b, v) => gaussianNllLoss(a, b, v, { reduction, full: true }), [x(), y(), p()]);
      await check('gaussianNllLoss (one var per row)', (a, b, v) => gaussianNllLoss(a, b, v, { reduction }), [
        x(),
        y(),
        f64([0.4, 1.3], [2]),
      ]);
      await check('gaussianNllLoss (shared var)', (a, b, v) => gaussianNllLoss(a, b, v, { reduction }), [
        x(),
        y(),
        f64([0.4, 1.3], [2, 1]),
      ]);
    });
    it(`margin losses, reduction ${reduction}`, async () => {
      await check(
        'marginRankingLoss',
        (a, b, c) => marginRankingLoss(a, b, c, { reduction, margin: 0.1 }),
        [x(), y(), signs()],
        [true, true, false],
      );
      await check('hingeEmbeddingLoss', (a, b) => hingeEmbeddingLoss(a, b, { reduction }), [p(), signs()], [true, false]);
      await check('softMarginLoss', (a, b) => softMarginLoss(a, b, { reduction }), [x(), signs()], [true, false]);
      await check(
        'cosineEmbeddingLoss',
        (a, b, c) => cosineEmbeddingLoss(a, b, c, { reduction, margin: -0.5 }),
        [x(), y(), f64([1, -1], [2])],
        [true, true, false],
      );
      for (const o of [{}, { p: 1, margin: 2 }, { p: 3, swap: true }]) {
        await check(`tripletMarginLoss ${JSON.stringify(o)}`, (a, b, c) => tripletMarginLoss(a, b, c, { reduction, ...o }), [
          x(),
          y(),
          p(),
        ]);
      }
    });
    it(`multi-label and multi-class margin losses, reduction ${reduction}`, async () => {
      const lists = i32([2, 0, -1, 1, 3, -1, 0, 0, 1, 2, 3, 0], [3, 4]);
      const classes = i32([2, 1, 0], [3]);
      const w = f64([0.3, 1.5, 0.8, 1.2], [4]);
      await check('multiLabelMarginLoss', (a) => multiLabelMarginLoss(a, lists, { reduction }), [logits()]);
      await check('multiLabelSoftMarginLoss', (a, b) => multiLabelSoftMarginLoss(a, b.sigmoid(), { reduction, weight: w }), [
        logits(),
        logits(),
      ]);
      await check('multiMarginLoss', (a) => multiMarginLoss(a, classes, { reduction, weight: w }), [logits()]);
      await check('multiMarginLoss (p 2)', (a) => multiMarginLoss(a, classes, { reduction, p: 2, margin: 0.7 }), [logits()]);
      t.dispose([lists, classes, w]);
    });
    it(`ctcLoss, reduction ${reduction}`, async () => {
      // T = 4 frames, N = 2, C = 3; sample 1 uses 3 frames; a repeated label needs the blank between.
      const frames = () =>
        f64(
          Array.from({ length: 24 }, (_, i) => Math.sin(1.7 * i + 0.3) * 1.5),
          [4, 2, 3],
        );
      const padded = i32([1, 1, 2, 0], [2, 2]);
      await check('ctcLoss (padded)', (a) => ctcLoss(a.logSoftmax(-1), padded, [4, 3], [2, 1], { reduction }), [frames()]);
      const concatenated = i32([1, 2, 2], [3]);
      await check('ctcLoss (concatenated, blank 0)', (a) => ctcLoss(a.logSoftmax(-1), concatenated, [4, 4], [2, 1], { reduction }), [
        frames(),
      ]);
      await check(
        'ctcLoss (blank 2)',
        (a) => ctcLoss(a.logSoftmax(-1), i32([0, 1, 1, 0], [2, 2]), [4, 2], [2, 0], { reduction, blank: 2 }),
        [frames()],
      );
      t.dispose([padded, concatenated]);
    });
  }
});
