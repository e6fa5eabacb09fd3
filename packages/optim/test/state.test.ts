import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  LinearLR,
  OPTIMIZERS,
  ReduceLROnPlateau,
  RMSprop,
  SCHEDULERS,
  SequentialLR,
  SGD,
  clipGradNorm,
  clipGradValue,
  registerOptimizers,
  type Optimizer,
  type OptimizerStateDict,
  type SchedulerStateDict,
} from '@tensile/optim';
import { closeTo, f64, lossOf, problem, resumeMismatch, train, useCpu } from './helpers.js';

const makers: [string, (p: t.Tensor[]) => Optimizer<{ lr: number }>][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true })],
  ['Adam', (p) => new Adam(p, { lr: 0.01, amsgrad: true })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.01 })],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.1 })],
];

describe('optimizer state dicts', () => {
  beforeAll(useCpu);

  it.each(makers)(
    '%s: save after 3 steps, load into a fresh optimizer (through JSON), continue: same as 6 uninterrupted steps',
    async (_name, make) => {
      expect(await resumeMismatch(make)).toBeNull();
    },
  );

  it('state tensors are keyed <param index>.<name>, meta holds groups and steps; dispose frees them', () => {
    const { w, x } = problem();
    const v = f64([1, 2], [2], true);
    const before = t.memory().tensors;
    const opt = new Adam([{ params: [w] }, { params: [v], lr: 0.5 }], { lr: 0.01 });
    const loss = t.tidy(() => lossOf(w, x).add(v.sum()));
    loss.backward();
    loss.dispose();
    opt.step();
    const dict = opt.stateDict();
    expect(Object.keys(dict.state).sort()).toEqual(['0.expAvg', '0.expAvgSq', '1.expAvg', '1.expAvgSq']);
    expect(dict.meta.steps).toEqual({ 0: 1, 1: 1 });
    expect(dict.meta.groups.map((g) => [g.lr, g.params])).toEqual([
      [0.01, [0]],
      [0.5, [1]],
    ]);
    t.dispose(Object.values(dict.state));
    opt.zeroGrad();
    opt.dispose();
    expect(t.memory().tensors).toBe(before);
    expect(() => opt.step()).toThrow(/Adam.step: the optimizer was disposed/);
    t.dispose([w, x, v]);
  });

  it('loadStateDict refuses a dict from another optimizer or of other shapes', () => {
    const { w, x } = problem();
    const opt = new Adam([w]);
    const loss = lossOf(w, x);
    loss.backward();
    loss.dispose();
    opt.step();
    const dict = opt.stateDict();
    expect(() => new SGD([w], { lr: 1 }).loadStateDict(dict)).toThrow(/SGD.loadStateDict: the state dict is from Adam/);
    const other = f64([1, 2, 3], [3], true);
    expect(() => new Adam([other]).loadStateDict(dict)).toThrow(/state '0.expAvg' is \[2, 3\], parameter 0 is \[3\]/);
    t.dispose([w, x, other, ...Object.values(dict.state)]);
    opt.dispose();
  });

  it('scheduler state dicts round-trip through JSON (warm-up + cosine, plateau)', () => {
    const w = t.zeros([2], { requiresGrad: true });
    const run = (steps: number, resumeAfter?: number) => {
      let opt = new SGD([w], { lr: 0.1 });
      let sched = new SequentialLR(
        opt,
        [new LinearLR(opt, { startFactor: 0.1, totalIters: 3 }), new CosineAnnealingLR(opt, { tMax: 10 })],
        [3],
      );
      const lrs: number[] = [];
      for (let i = 0; i < steps; i++) {
        if (i === resumeAfter) {
          const o = JSON.parse(JSON.stringify(opt.stateDict().meta)) as OptimizerStateDict['meta'];
          const s = JSON.parse(JSON.stringify(sched.stateDict())) as SchedulerStateDict;
          // As in PyTorch: construct both, then load the optimizer's state and the scheduler's.
          opt = new SGD([w], { lr: 0.1 });
          sched = new SequentialLR(
            opt,
            [new LinearLR(opt, { startFactor: 0.1, totalIters: 3 }), new CosineAnnealingLR(opt, { tMax: 10 })],
            [3],
          );
          opt.loadStateDict({ state: {}, meta: o });
          sched.loadStateDict(s);
        }
        sched.step();
        lrs.push(opt.paramGroups[0].lr);
      }
      return lrs;
    };
    expect(run(12, 5)).toEqual(run(12));

    const opt = new SGD([w], { lr: 1 });
    const plateau = new ReduceLROnPlateau(opt, { patience: 0 });
    plateau.step(1);
    const copy = new ReduceLROnPlateau(opt, { patience: 0 });
    copy.loadStateDict(JSON.parse(JSON.stringify(plateau.stateDict())) as SchedulerStateDict);
    expect(copy.best).toBe(1);
    const fresh = new ReduceLROnPlateau(opt);
    expect(JSON.parse(JSON.stringify(fresh.stateDict())).meta.best).toBe('Infinity');
    w.dispose();
  });
});

describe('gradient clipping', () => {
  beforeAll(useCpu);

  it('clipGradNorm returns the total norm and scales by maxNorm/(norm + 1e-6) when above; Infinity-norm too', async () => {
    const a = f64([0, 0], [2], true);
    const b = f64([0], [1], true);
    const none = f64([1], [1], true); // no gradient: skipped
    a.grad = f64([3, 0], [2]);
    b.grad = f64([-4], [1]);
    expect(clipGradNorm([a, b, none], 10)).toBeCloseTo(5, 12);
    expect(Array.from(await a.grad!.data<Float64Array>())).toEqual([3, 0]);
    const norm = clipGradNorm([a, b], 1);
    expect(norm).toBeCloseTo(5, 12);
    const coef = 1 / (5 + 1e-6);
    expect(closeTo(await a.grad!.data<Float64Array>(), [3 * coef, 0], 1e-14)).toBeNull();
    expect(closeTo(await b.grad!.data<Float64Array>(), [-4 * coef], 1e-14)).toBeNull();
    a.grad = f64([3, -7], [2]);
    expect(clipGradNorm([a, b], 100, Infinity)).toBeCloseTo(7, 12);
    a.grad = f64([3, 4], [2]);
    b.grad = f64([0], [1]);
    expect(clipGradNorm([a, b], 100, 1)).toBeCloseTo(7, 12);
    expect(() => clipGradNorm([a], -1)).toThrow(/clipGradNorm: maxNorm must be ≥ 0/);
    t.dispose([a, b, none]);
  });

  it('clipGradValue clamps in place and keeps the gradient tensor', async () => {
    const a = f64([0, 0, 0], [3], true);
    a.grad = f64([-3, 0.5, 2], [3]);
    const g = a.grad;
    clipGradValue([a], 1);
    expect(a.grad).toBe(g);
    expect(Array.from(await a.grad!.data<Float64Array>())).toEqual([-1, 0.5, 1]);
    a.dispose();
  });
});

describe('registry and errors', () => {
  beforeAll(useCpu);

  it('registerOptimizers registers every optimizer and scheduler by name, idempotently', () => {
    registerOptimizers();
    registerOptimizers();
    expect(t.registry.list('optimizer')).toEqual(expect.arrayContaining(Object.keys(OPTIMIZERS)));
    expect(t.registry.list('scheduler')).toEqual(expect.arrayContaining(Object.keys(SCHEDULERS)));
    expect(t.registry.get('optimizer', 'SGD')).toBe(SGD);
  });

  it('bad options and parameters are refused naming the optimizer', () => {
    const w = t.zeros([2], { requiresGrad: true });
    expect(() => new SGD([w], {} as never)).toThrow(/SGD: options.lr is required/);
    expect(() => new SGD([w], { lr: -1 })).toThrow(/SGD: lr must be ≥ 0, got -1/);
    expect(() => new SGD([w], { lr: 0.1, nesterov: true })).toThrow(/SGD: nesterov needs momentum > 0/);
    expect(() => new Adam([w], { betas: [1, 0.9] })).toThrow(/Adam: betas\[0\] must be in \[0, 1\), got 1/);
    expect(() => new SGD([{ params: [w] }, { params: [w] }], { lr: 0.1 })).toThrow(/appears in more than one group/);
    expect(() => new SGD([t.zeros([2], { dtype: 'int32' })], { lr: 0.1 })).toThrow(/SGD: parameter 0 is int32/);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/SGD: got an empty parameter list/);
    expect(() => new ReduceLROnPlateau(new SGD([w], { lr: 1 })).step()).toThrow(/ReduceLROnPlateau.step: needs the metric/);
    w.dispose();
  });

  it('the live-tensor count stays flat over 50 SGD steps with momentum and weight decay', () => {
    const { w, x } = problem();
    const opt = new SGD([w], { lr: 0.001, momentum: 0.9, weightDecay: 0.01 });
    train(opt, w, x, 2);
    const live = t.memory().tensors;
    train(opt, w, x, 50);
    expect(t.memory().tensors).toBe(live);
    opt.dispose();
    t.dispose([w, x]);
  });
});
