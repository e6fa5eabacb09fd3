/** The pieces the model configs use: the bigram baseline, sampling, the psnr metric, loss.flatten, composite schedules, clipGradNorm. */
import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { registerData } from '@tensile/data';
import { CrossEntropyLoss, crossEntropy } from '@tensile/losses';
import { registerOptimizers, SGD } from '@tensile/optim';
import { registerLosses } from '@tensile/losses';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bigram } from '../src/bigram.js';
import { parseConfig, parseNamed } from '../src/config.js';
import { buildLoss, FlattenedLoss } from '../src/loss.js';
import { PSNR } from '../src/metrics.js';
import { sampleLogits } from '../src/sampling.js';
import { buildScheduler } from '../src/schedule.js';

beforeAll(async () => {
  await t.setBackend(cpu());
  registerData();
  registerLosses();
  registerOptimizers();
});

describe('Bigram', () => {
  it('add-α probabilities from the training counts; the best α on the evaluation pairs', () => {
    // a→b twice, a→a once, b→a twice; vocabulary of 3 (c never seen).
    const bigram = new Bigram(Int32Array.from([0, 1, 0, 1, 0, 0]), 3);
    expect(bigram.nll(0, 1, 1)).toBeCloseTo(-Math.log((2 + 1) / (3 + 3)), 12);
    expect(bigram.nll(2, 0, 1)).toBeCloseTo(Math.log(3), 12); // an unseen context is uniform
    expect(
      bigram.loss(
        [
          [0, 1],
          [1, 0],
        ],
        0.5,
      ),
    ).toBeCloseTo((-Math.log(2.5 / 4.5) - Math.log(2.5 / 3.5)) / 2, 12);
    const pairs = (): [number, number][] => [
      [0, 1],
      [1, 0],
      [0, 0],
    ];
    const best = bigram.best(pairs);
    for (const alpha of [1, 0.1, 0.001]) expect(best.loss).toBeLessThanOrEqual(bigram.loss(pairs(), alpha));
  });
});

describe('sampleLogits', () => {
  it('temperature 0 and top-k 1 take the most likely; top-k keeps draws among the k best; draws follow the softmax', () => {
    const rng = new t.Rng(0);
    expect(sampleLogits([0.1, 3, 2], { temperature: 0 })).toBe(1);
    expect(sampleLogits([0.1, 3, 2], { topK: 1, rng })).toBe(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[sampleLogits([0, Math.log(3), 5, -1], { topK: 2, temperature: 1, rng })]++;
    expect(counts[0] + counts[3]).toBe(0);
    const p2 = Math.exp(5) / (Math.exp(5) + 3);
    expect(counts[2] / 4000).toBeCloseTo(p2, 1);
    // A high temperature flattens: the second choice is drawn far more often.
    let second = 0;
    for (let i = 0; i < 2000; i++) if (sampleLogits([0, 1], { temperature: 10, rng }) === 0) second++;
    expect(second / 2000).toBeGreaterThan(0.4);
  });
});

describe('PSNR', () => {
  it('10·log10(peak²/MSE) per sample, averaged', async () => {
    const psnr = new PSNR();
    const target = t.zeros([2, 1, 2, 2]);
    const prediction = t.tensor([0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01], { shape: [2, 1, 2, 2] });
    psnr.update(prediction, target); // MSE 0.01 → 20 dB, MSE 1e-4 → 40 dB
    expect(await psnr.result()).toBeCloseTo(30, 4);
    const state = await psnr.state();
    const resumed = new PSNR();
    resumed.loadState(state);
    expect(await resumed.result()).toBeCloseTo(30, 4);
    for (const x of [target, prediction]) x.dispose();
    psnr.reset();
    resumed.reset();
  });
});

describe('loss.flatten', () => {
  it('gives the loss [N, C] rows and [N] targets, as cross_entropy(logits.view(-1, C), y.view(-1))', async () => {
    const logits = t.randn([2, 3, 5]);
    const y = t.tensor(Int32Array.from([0, 4, 2, 1, 1, 3]), { shape: [2, 3] });
    const flat = new FlattenedLoss(new CrossEntropyLoss()).forward(logits, y);
    const direct = crossEntropy(logits.reshape([6, 5]), y.reshape([6]));
    expect((await flat.data())[0]).toBeCloseTo((await direct.data())[0], 6);
    expect(buildLoss(parseNamed({ name: 'CrossEntropyLoss', flatten: true }, 'c'), 'c.yaml')).toBeInstanceOf(FlattenedLoss);
    expect(() => buildLoss(parseNamed({ name: 'CrossEntropyLoss', flatten: 'yes' }, 'c'), 'c.yaml')).toThrow(
      /c\.yaml: loss\.flatten: must be true or false/,
    );
    expect(() => buildLoss(parseNamed({ name: 'CrossEntropyLoss', flaten: true }, 'c'), 'c.yaml')).toThrow(/has no option 'flaten'/);
  });
});

describe('composite schedules', () => {
  const optimizer = () => new SGD([t.zeros([1], { requiresGrad: true })], { lr: 1 });

  it('SequentialLR from its parts: a linear warm-up, then a cosine decay', () => {
    const opt = optimizer();
    const schedule = parseNamed(
      {
        name: 'SequentialLR',
        schedulers: [{ LinearLR: { startFactor: 0.1, totalIters: 4 } }, { CosineAnnealingLR: { tMax: 4, etaMin: 0 } }],
        milestones: [4],
      },
      'c',
    );
    const scheduler = buildScheduler(opt, schedule, 'c.yaml');
    const lrs: number[] = [];
    for (let i = 0; i < 9; i++) {
      lrs.push(opt.paramGroups[0].lr);
      scheduler.step();
    }
    const expected = [0.1, 0.325, 0.55, 0.775, 1, (1 + Math.cos(Math.PI / 4)) / 2, 0.5, (1 + Math.cos((3 * Math.PI) / 4)) / 2, 0];
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(expected[i], 6));
  });

  it('names what is missing or unknown', () => {
    const bad = (raw: Record<string, unknown>) => () => buildScheduler(optimizer(), parseNamed(raw, 'c'), 'c.yaml');
    expect(bad({ name: 'SequentialLR', milestones: [1] })).toThrow(/schedule\.schedulers: SequentialLR needs a list of schedules/);
    expect(bad({ name: 'SequentialLR', schedulers: [{ LinearLR: {} }, { LinearLR: {} }] })).toThrow(/schedule\.milestones/);
    expect(bad({ name: 'ChainedScheduler', schedulers: [{ LinearLR: {} }], gamma: 2 })).toThrow(/ChainedScheduler has no option 'gamma'/);
  });
});

describe('clipGradNorm in the config', () => {
  it('is off by default and must be a positive number', () => {
    const base = { data: 'moons', model: [{ Linear: { inFeatures: 2, outFeatures: 1 } }] };
    expect(parseConfig(base, 'c.yaml').clipGradNorm).toBeNull();
    expect(parseConfig({ ...base, clipGradNorm: 1 }, 'c.yaml').clipGradNorm).toBe(1);
    expect(() => parseConfig({ ...base, clipGradNorm: 0 }, 'c.yaml')).toThrow(/c\.yaml: clipGradNorm: must be a positive number, got 0/);
  });
});
