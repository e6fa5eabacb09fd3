import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  ChainedScheduler,
  ConstantLR,
  ExponentialLR,
  LinearLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SGD,
  SequentialLR,
  StepLR,
  type OptimizerStateDict,
  type SchedulerStateDict,
} from '@tensile/optim';
import { f64, useCpu } from './helpers.js';

beforeAll(useCpu);

/** A state dict as a test mutates it: any field, to any (wrong) value. */
// biome-ignore lint/suspicious/noExplicitAny: the tests write values of the wrong type on purpose; that is what is under test
type LooseDict = any;

/** A JSON-able deep copy (tensors kept by reference), to mutate one field. */
function edit<T>(dict: T, change: (d: LooseDict) => void): T {
  const copy: LooseDict = structuredClone({ ...dict, state: {} });
  copy.state = { ...(dict as { state: object }).state };
  change(copy);
  return copy as T;
}

function stepped() {
  const w = f64([0.5, -0.3, 0.8], [3], true);
  const opt = new Adam([w], { lr: 0.01 });
  const loss = t.tidy(() => w.square().sum());
  loss.backward();
  loss.dispose();
  opt.step();
  return { w, opt };
}

describe('Optimizer.loadStateDict refuses insane values, naming the field, and changes nothing', () => {
  it('checks hyper-parameters with the constructor’s own checks', async () => {
    const { w, opt } = stepped();
    const dict = opt.stateDict();
    const target = new Adam([w], { lr: 0.5 });
    const before = JSON.stringify(target.paramGroups.map(({ params: _p, ...h }) => h));
    const cases: [(d: LooseDict) => void, RegExp][] = [
      [(d) => (d.meta.groups[0].lr = -1), /meta.groups.0: Adam: lr must be ≥ 0, got -1/],
      [(d) => (d.meta.groups[0].lr = NaN), /lr must be a finite number, got NaN/],
      [(d) => (d.meta.groups[0].lr = 'abc'), /lr must be a finite number, got "abc"/],
      [(d) => (d.meta.groups[0].betas = [5, 5]), /betas\[0\] must be in \[0, 1\), got 5/],
      [(d) => (d.meta.groups[0].betas = null), /betas must be 2 finite numbers, got null/],
      [(d) => (d.meta.groups[0].eps = -1), /eps must be in \[0, Infinity\), got -1/],
      [(d) => (d.meta.groups[0].amsgrad = 'yes'), /amsgrad must be true or false/],
      [(d) => (d.meta.groups[0].weightDecay = Infinity), /weightDecay must be a finite number/],
      [
        (d) => {
          d.meta.groups[0].lx = d.meta.groups[0].lr;
          delete d.meta.groups[0].lr;
        },
        /unknown field "lx"/,
      ],
      [(d) => delete d.meta.groups[0].eps, /meta.groups.0 lacks "eps"/],
      [(d) => (d.meta.groups[0].params = [1]), /meta.groups.0.params must be the parameter indices \[0\]/],
      [(d) => (d.meta.groups = {}), /meta.groups must be an array/],
      [(d) => (d.meta.steps = { 0: -1 }), /meta.steps.0 must be a non-negative integer, got -1/],
      [(d) => (d.meta.steps = { 7: 1 }), /meta.steps names parameter "7"; there are 1/],
      [(d) => (d.meta.steps = {}), /belongs to parameter 0, which meta.steps says never stepped/],
      [
        (d) => {
          d.state['0.expAvx'] = d.state['0.expAvg'];
          delete d.state['0.expAvg'];
        },
        /Adam keeps no buffer "expAvx"/,
      ],
      [(d) => (d.state['0.expAvg'] = 3), /state "0.expAvg" must be a live tensor, got 3/],
      [
        (d) => {
          d.suate = d.state;
          delete d.state;
        },
        /the state dict lacks "state"/,
      ],
      [(d) => (d.meta = null), /meta must be an object, got null/],
    ];
    for (const [change, message] of cases) {
      const bad = edit(dict, change) as OptimizerStateDict;
      expect(() => target.checkStateDict(bad), String(message)).toThrow(message);
      expect(() => target.loadStateDict(bad), String(message)).toThrow(t.TensileError);
    }
    expect(JSON.stringify(target.paramGroups.map(({ params: _p, ...h }) => h))).toBe(before);
    expect(target.stateDict().state).toEqual({}); // still never stepped
    target.loadStateDict(dict); // the original is fine
    expect(Object.keys(target.stateDict().state).sort()).toEqual(['0.expAvg', '0.expAvgSq']);
    t.dispose([w, ...Object.values(dict.state)]);
    opt.dispose();
    target.dispose();
  });

  it('the constructor refuses the same values (one shared check)', () => {
    const w = f64([1], [1], true);
    expect(() => new Adam([w], { lr: NaN })).toThrow('Adam: lr must be a finite number, got NaN');
    expect(() => new Adam([w], { betas: [5, 5] })).toThrow('Adam: betas[0] must be in [0, 1), got 5');
    expect(() => new SGD([w], { lr: Infinity })).toThrow('SGD: lr must be a finite number, got Infinity');
    w.dispose();
  });

  it('copies the tensors it is given: the caller frees them, and no tensor leaks over many loads', () => {
    const { w, opt } = stepped();
    const target = new Adam([w]);
    const before = t.memory().tensors;
    for (let i = 0; i < 50; i++) {
      const dict = opt.stateDict();
      target.loadStateDict(dict);
      t.dispose(Object.values(dict.state));
    }
    expect(t.memory().tensors).toBe(before + 2); // expAvg and expAvgSq, once
    opt.dispose();
    target.dispose();
    w.dispose();
  });
});

describe('scheduler loadStateDict sets only known data fields of the right types', () => {
  it('refuses fields that would replace methods or hold nonsense, and changes nothing', () => {
    const w = f64([1], [1], true);
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    const sched = new StepLR(opt, { stepSize: 2 });
    sched.step();
    const dict = sched.stateDict();
    const before = JSON.stringify(sched.stateDict());
    const stray = f64([1, 2], [2]);
    const cases: [(d: LooseDict) => void, RegExp][] = [
      [(d) => (d.meta.step = 5), /meta has an unknown field "step"/],
      [(d) => (d.meta.lastEpoch = -5), /meta.lastEpoch must be an integer ≥ -1, got -5/],
      [(d) => (d.meta.lastEpoch = 1.5), /meta.lastEpoch must be an integer ≥ -1/],
      [(d) => (d.meta.lastEpoch = 'NaN'), /meta.lastEpoch must be a finite number/],
      [(d) => (d.meta.gamma = 'abc'), /meta.gamma must be a finite number, got "abc"/],
      [(d) => (d.meta.gamma = stray), /meta.gamma must be a finite number, got a tensor \[2\]/],
      [(d) => (d.meta.baseLrs = [0.1, 0.2]), /meta.baseLrs must be 1 values/],
      [(d) => delete d.meta.stepSize, /meta lacks "stepSize"/],
      [(d) => (d.meta.type = 'ExponentialLR'), /the state dict is from ExponentialLR, this is StepLR/],
      [(d) => (d.state = { x: 1 }), /state must be an empty object/],
    ];
    for (const [change, message] of cases) {
      const bad = edit(dict, change) as SchedulerStateDict;
      expect(() => sched.checkStateDict(bad), String(message)).toThrow(message);
      expect(() => sched.loadStateDict(bad), String(message)).toThrow(t.ArgumentError);
    }
    expect(JSON.stringify(sched.stateDict())).toBe(before);
    expect(typeof sched.step).toBe('function');

    const plateau = new ReduceLROnPlateau(opt);
    const p = plateau.stateDict();
    expect(() => plateau.loadStateDict(edit(p, (d) => (d.meta.mode = 'mix')))).toThrow(/meta.mode must be one of min, max/);
    plateau.loadStateDict(JSON.parse(JSON.stringify(p))); // best = Infinity round-trips
    expect(plateau.best).toBe(Infinity);
    t.dispose([w, stray]);
  });

  it('composites check every child before changing any', () => {
    const w = f64([1], [1], true);
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    const seq = new SequentialLR(opt, [new LinearLR(opt, { totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.5 })], [2]);
    seq.step();
    const dict = seq.stateDict();
    const before = JSON.stringify(seq.stateDict());
    const bad = edit(dict, (d) => {
      d.meta.lastEpoch = 7;
      d.meta.children[1].gamma = 'x';
    });
    expect(() => seq.loadStateDict(bad)).toThrow(/SequentialLR.loadStateDict: meta.children.1: meta.gamma must be a finite number/);
    expect(JSON.stringify(seq.stateDict())).toBe(before);
    const chained = new ChainedScheduler([new ConstantLR(opt), new ExponentialLR(opt, { gamma: 0.9 })]);
    expect(() => chained.loadStateDict(edit(chained.stateDict(), (d) => (d.meta.children = [])))).toThrow(
      /must hold 2 child scheduler states/,
    );
    const one = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    expect(() => one.loadStateDict(edit(one.stateDict(), (d) => (d.meta.annealStrategy = 'cox')))).toThrow(/one of cos, linear/);
    w.dispose();
  });
});
