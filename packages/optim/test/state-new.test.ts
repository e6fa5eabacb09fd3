import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ASGD,
  Adadelta,
  Adamax,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  LambdaLR,
  LBFGS,
  MultiplicativeLR,
  NAdam,
  PolynomialLR,
  RAdam,
  Rprop,
  SGD,
  registerOptimizers,
  type LBFGSOptions,
  type Optimizer,
  type OptimizerStateDict,
  type SchedulerStateDict,
} from '@tensile/optim';
import { closeTo, lossOf, problem, resumeMismatch, train, useCpu } from './helpers.js';

beforeAll(useCpu);

// biome-ignore lint/suspicious/noExplicitAny: the tests write values of the wrong type on purpose; that is what is under test
type LooseDict = any;

/** The meta through JSON, the tensors by reference, one field changed. */
function edit(dict: OptimizerStateDict, change: (d: LooseDict) => void = () => {}): OptimizerStateDict {
  const copy: LooseDict = { state: { ...dict.state }, meta: JSON.parse(JSON.stringify(dict.meta)) };
  change(copy);
  return copy;
}

const makers: [string, (p: t.Tensor[]) => Optimizer<{ lr: number }>][] = [
  ['NAdam', (p) => new NAdam(p, { lr: 0.05, weightDecay: 0.1 })],
  ['RAdam', (p) => new RAdam(p, { lr: 0.05, betas: [0.9, 0.9] })],
  ['Adamax', (p) => new Adamax(p, { lr: 0.05 })],
  ['Adadelta', (p) => new Adadelta(p, { rho: 0.8 })],
  ['Rprop', (p) => new Rprop(p, { lr: 0.05 })],
  ['ASGD', (p) => new ASGD(p, { lr: 0.01, t0: 2, lambd: 0.01 })],
];

describe('state dicts of the new optimizers', () => {
  it.each(makers)('%s: save after 3 steps, load through JSON into a fresh optimizer, continue: same as 6 steps', async (_name, make) => {
    expect(await resumeMismatch(make)).toBeNull();
  });

  it('per-parameter numbers travel as meta.values and are checked before anything changes', () => {
    const { w, x } = problem();
    const opt = new NAdam([w], { lr: 0.05 });
    train(opt, w, x, 2);
    const dict = opt.stateDict();
    expect(Object.keys(dict.meta.values!['0'])).toEqual(['muProduct']);
    const bad: [(d: LooseDict) => void, RegExp][] = [
      [(d) => (d.meta.values['0'].mu = 0.5), /meta.values.0: NAdam keeps no value "mu" \(it keeps muProduct\)/],
      [(d) => (d.meta.values['0'].muProduct = 'x'), /meta.values.0.muProduct must be a finite number/],
      [(d) => (d.meta.values = { 3: { muProduct: 1 } }), /meta.values names parameter "3"/],
      [(d) => delete d.meta.values, /meta lacks "values"/],
      [(d) => (d.meta.steps = {}), /never stepped/],
    ];
    const before = JSON.stringify(opt.stateDict().meta);
    for (const [change, message] of bad) expect(() => opt.loadStateDict(edit(dict, change))).toThrow(message);
    const after = opt.stateDict();
    expect(JSON.stringify(after.meta)).toBe(before);
    // Optimizers without numbers refuse a meta.values field as before.
    const rprop = new Rprop([w]);
    expect(() => rprop.loadStateDict(edit(rprop.stateDict(), (d) => (d.meta.values = {})))).toThrow(/meta has an unknown field "values"/);
    t.dispose([dict.state, after.state]);
    opt.dispose();
    rprop.dispose();
    t.dispose([w, x]);
  });

  it('ASGD keeps the running average, readable by average(param)', async () => {
    const { w, x } = problem();
    const opt = new ASGD([w], { lr: 0.01, t0: 0 });
    expect(opt.average(w)).toBeUndefined();
    train(opt, w, x, 1);
    // μ = 1 at the first step: the average is the parameter.
    expect(Array.from(await opt.average(w)!.data())).toEqual(Array.from(await w.data()));
    opt.dispose();
    t.dispose([w, x]);
  });
});

describe('LBFGS', () => {
  const closureFor = (opt: LBFGS, w: t.Tensor, x: t.Tensor) => () => {
    opt.zeroGrad();
    const loss = lossOf(w, x);
    loss.backward();
    return loss;
  };
  async function run(opt: LBFGS, w: t.Tensor, x: t.Tensor, steps: number) {
    for (let i = 0; i < steps; i++) await opt.step(closureFor(opt, w, x));
  }

  it.each([
    ['no line search', { lr: 0.2, maxIter: 2, historySize: 2 }],
    ['strong_wolfe', { lr: 0.05, maxIter: 2, historySize: 3, lineSearchFn: 'strong_wolfe' }],
  ] as [string, LBFGSOptions][])('%s: save after 2 steps, load through JSON, continue: same as 4 steps', async (_name, options) => {
    const a = problem();
    const optA = new LBFGS([a.w], options);
    await run(optA, a.w, a.x, 4);
    const b = problem();
    const optB = new LBFGS([b.w], options);
    await run(optB, b.w, b.x, 2);
    const saved = optB.stateDict();
    expect(Object.keys(saved.state).sort()).toContain('lbfgs.oldDirs.0');
    optB.dispose();
    const optC = new LBFGS([b.w], options);
    optC.loadStateDict(edit(saved));
    t.dispose(saved.state);
    await run(optC, b.w, b.x, 2);
    expect(closeTo(await b.w.data<Float64Array>(), Array.from(await a.w.data<Float64Array>()), 1e-12)).toBeNull();
    optA.dispose();
    optC.dispose();
    t.dispose([a.w, a.x, b.w, b.x]);
  });

  it('checkStateDict checks the flat state (shapes, history, numbers) before anything changes', async () => {
    const { w, x } = problem();
    const opt = new LBFGS([w], { maxIter: 3, historySize: 2 });
    await run(opt, w, x, 2);
    const dict = opt.stateDict();
    const wrong = t.zeros([5], { dtype: 'float64' });
    const bad: [(d: LooseDict) => void, RegExp][] = [
      [(d) => (d.state['lbfgs.d'] = wrong), /state 'lbfgs.d' is \[5\], the flat parameters are \[6\]/],
      [(d) => delete d.state['lbfgs.oldDirs.1'], /state lacks "lbfgs.oldDirs.1"/],
      [(d) => (d.meta.lbfgs.ro = [1, 2, 3]), /meta.lbfgs.ro has 3 entries, more than historySize 2/],
      [(d) => (d.meta.lbfgs.funcEvals = -1), /meta.lbfgs.funcEvals must be a non-negative integer/],
      [(d) => (d.meta.lbfgs.t = 'Infinity'), /meta.lbfgs.t must be a finite number/],
      [(d) => (d.meta.lbfgs.extra = 1), /meta.lbfgs has an unknown field "extra"/],
      [(d) => (d.state['lbfgs.junk'] = wrong), /unexpected "lbfgs.junk"/],
      [(d) => (d.meta.groups[0].lineSearchFn = 'backtracking'), /lineSearchFn must be 'strong_wolfe' or null/],
    ];
    const before = opt.stateDict();
    for (const [change, message] of bad) expect(() => opt.loadStateDict(edit(dict, change))).toThrow(message);
    const after = opt.stateDict();
    expect(after.meta).toEqual(before.meta);
    expect(Object.keys(after.state)).toEqual(Object.keys(before.state));
    t.dispose([dict.state, before.state, after.state, wrong]);
    opt.dispose();
    t.dispose([w, x]);
  });

  it('refuses bad options, parameter groups and a step without a closure', async () => {
    const w = t.zeros([2], { requiresGrad: true });
    expect(() => new LBFGS([w], { maxIter: 0 })).toThrow(/LBFGS: maxIter must be a positive integer, got 0/);
    expect(() => new LBFGS([w], { lineSearchFn: 'backtracking' as never })).toThrow(/lineSearchFn must be 'strong_wolfe' or null/);
    expect(() => new LBFGS([{ params: [w] }, { params: [t.zeros([1], { requiresGrad: true })] }])).toThrow(
      /doesn't support parameter groups/,
    );
    const opt = new LBFGS([w]);
    expect(opt.paramGroups[0].maxEval).toBe(25);
    await expect(opt.step()).rejects.toThrow(/LBFGS.step: needs a closure/);
    await expect(opt.step(() => 'x' as never)).rejects.toThrow(/the closure must return the loss/);
    opt.dispose();
    w.dispose();
  });
});

describe('options of the new optimizers', () => {
  it('are refused naming the optimizer and the option (PyTorch 1.13 ranges)', () => {
    const w = t.zeros([2], { requiresGrad: true });
    expect(() => new Rprop([w], { etas: [1.2, 0.5] })).toThrow(/Rprop: etas must satisfy 0 < etas\[0\] < 1 < etas\[1\], got \[1.2, 0.5\]/);
    expect(() => new Adadelta([w], { rho: 1.5 })).toThrow(/Adadelta: rho must be in \[0, 1\], got 1.5/);
    expect(() => new NAdam([w], { momentumDecay: -1 })).toThrow(/NAdam: momentumDecay must be in \[0, Infinity\)/);
    expect(() => new RAdam([w], { betas: [0.9, 1] })).toThrow(/RAdam: betas\[1\] must be in \[0, 1\)/);
    expect(() => new Adamax([w], { eps: -1 })).toThrow(/Adamax: eps must be in/);
    expect(() => new ASGD([w], { lambd: -1 })).toThrow(/ASGD: lambd must be in/);
    expect(() => new ASGD([w], { t0: Number.NaN })).toThrow(/ASGD: t0 must be a finite number/);
    w.dispose();
  });

  it('the registry constructs each by name, with PyTorch 1.13 defaults', () => {
    registerOptimizers();
    const w = t.zeros([2], { requiresGrad: true });
    const defaults: Record<string, Record<string, unknown>> = {
      NAdam: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 },
      RAdam: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
      Adamax: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false },
      Adadelta: { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
      Rprop: { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false },
      ASGD: { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false },
      LBFGS: { lr: 1, maxIter: 20, maxEval: 25, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null },
    };
    for (const [name, want] of Object.entries(defaults)) {
      const opt = t.registry.create('optimizer', name, [w], {});
      expect(opt.defaults, name).toEqual(want);
      opt.dispose();
    }
    w.dispose();
  });
});

describe('the new schedulers', () => {
  const sgd = () => new SGD([t.zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });

  it('state dicts round-trip through JSON: resuming gives the same lrs (and momenta)', () => {
    const makers: [string, (o: SGD) => { step(): void; stateDict(): SchedulerStateDict; loadStateDict(d: SchedulerStateDict): void }][] = [
      ['CyclicLR', (o) => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, mode: 'exp_range', gamma: 0.9 })],
      ['CosineAnnealingWarmRestarts', (o) => new CosineAnnealingWarmRestarts(o, { t0: 2, tMult: 2 })],
      ['LambdaLR', (o) => new LambdaLR(o, { lrLambda: (e) => 1 / (e + 1) })],
      ['MultiplicativeLR', (o) => new MultiplicativeLR(o, { lrLambda: () => 0.9 })],
      ['PolynomialLR', (o) => new PolynomialLR(o, { totalIters: 8, power: 2 })],
    ];
    for (const [name, make] of makers) {
      const run = (resumeAfter?: number) => {
        let opt = sgd();
        let sched = make(opt);
        const out: number[] = [];
        for (let i = 0; i < 12; i++) {
          if (i === resumeAfter) {
            const o = JSON.parse(JSON.stringify(opt.stateDict().meta)) as OptimizerStateDict['meta'];
            const s = JSON.parse(JSON.stringify(sched.stateDict())) as SchedulerStateDict;
            const params = opt.paramGroups[0].params;
            opt = new SGD(params, { lr: 0.1, momentum: 0.9 });
            sched = make(opt);
            opt.loadStateDict({ state: {}, meta: o });
            sched.loadStateDict(s);
          }
          sched.step();
          out.push(opt.paramGroups[0].lr, opt.paramGroups[0].momentum);
        }
        return out;
      };
      expect(run(5), name).toEqual(run());
    }
  });

  it('refuse bad arguments and bad saved fields, naming the scheduler', () => {
    const opt = sgd();
    expect(() => new LambdaLR(opt, { lrLambda: [() => 1, () => 1] })).toThrow(/LambdaLR: lrLambda must be a function or 1 functions/);
    expect(() => new LambdaLR(opt, { lrLambda: () => Number.NaN })).toThrow(/LambdaLR: lrLambda\(0\) returned NaN/);
    expect(() => new CosineAnnealingWarmRestarts(opt, { t0: 0 })).toThrow(/t0 must be a positive integer/);
    expect(() => new CosineAnnealingWarmRestarts(opt, { t0: 2, tMult: 1.5 })).toThrow(/tMult must be an integer ≥ 1/);
    expect(() => new PolynomialLR(opt, { totalIters: 0 })).toThrow(/PolynomialLR: totalIters must be a positive integer/);
    expect(() => new CyclicLR(opt, { baseLr: 0.1, maxLr: 1, mode: 'sine' as never })).toThrow(/CyclicLR: mode must be/);
    expect(() => new CyclicLR(opt, { baseLr: [0.1, 0.2], maxLr: 1 })).toThrow(/CyclicLR: baseLr must be a finite number or 1 of them/);
    const adam = new NAdam([t.zeros([1], { requiresGrad: true })]);
    expect(() => new CyclicLR(adam, { baseLr: 0.1, maxLr: 1 })).toThrow(
      /CyclicLR: cycleMomentum needs an optimizer with a momentum option/,
    );
    const cyclic = new CyclicLR(opt, { baseLr: 0.1, maxLr: 1 });
    const saved = cyclic.stateDict();
    expect(() => cyclic.loadStateDict({ ...saved, meta: { ...saved.meta, mode: 'tri' } })).toThrow(
      /meta.mode must be one of triangular, triangular2, exp_range/,
    );
    expect(() => cyclic.loadStateDict({ ...saved, meta: { ...saved.meta, scaleFn: 1 } })).toThrow(/unknown field "scaleFn"/);
  });
});
