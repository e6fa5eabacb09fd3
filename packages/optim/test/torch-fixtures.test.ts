import * as t from '@tensile/core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ASGD, LBFGS } from '@tensile/optim';
import { closeTo, f64, makeOptimizer, makeScheduler, useCpu, type OptimizerSpec, type SchedulerSpec } from './helpers.js';

interface Fixed {
  shape: number[];
  data: number[];
}
interface Step {
  W: number[];
  b: number[];
  lr: number;
  loss: number;
  momentum?: number;
  /** ASGD's averages. */
  ax?: { W: number[]; b: number[] };
  /** LBFGS's loss evaluations so far. */
  funcEvals?: number;
}
const optimizers = JSON.parse(readFileSync(new URL('../fixtures/optimizers.json', import.meta.url), 'utf8')) as {
  problem: Record<'W' | 'b' | 'x' | 'y', Fixed>;
  cases: { name: string; optimizer: OptimizerSpec; scheduler?: SchedulerSpec; steps: Step[] }[];
};
const schedulers = JSON.parse(readFileSync(new URL('../fixtures/schedulers.json', import.meta.url), 'utf8')) as {
  steps: number;
  cases: {
    name: string;
    spec: { optimizer: OptimizerSpec; scheduler: SchedulerSpec; metrics?: number[] };
    lrs: number[][];
    momenta?: number[][];
  }[];
};

describe('optimizer trajectories match PyTorch 1.13 over 20 steps (float64, cpu)', () => {
  beforeAll(useCpu);

  it.each(optimizers.cases.filter((c) => c.optimizer.type !== 'LBFGS').map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { problem } = optimizers;
    const W = f64(problem.W.data, problem.W.shape, true);
    const b = f64(problem.b.data, problem.b.shape, true);
    const x = f64(problem.x.data, problem.x.shape);
    const y = f64(problem.y.data, problem.y.shape);
    const opt = makeOptimizer(c.optimizer, { W, b });
    const sched = c.scheduler ? makeScheduler(c.scheduler, opt) : null;
    let live = -1;
    for (const [i, want] of c.steps.entries()) {
      opt.zeroGrad();
      const loss = t.tidy(() => t.linear(x, W, b).sub(y).square().sum().add(b.square().sum()));
      loss.backward();
      const lossValue = (await loss.data<Float64Array>())[0];
      loss.dispose();
      expect(opt.paramGroups[0].lr, `${c.name} step ${i} lr`).toBeCloseTo(want.lr, 12);
      if (want.momentum !== undefined) {
        const g = opt.paramGroups[0] as { betas?: number[]; momentum?: number };
        expect(g.betas ? g.betas[0] : g.momentum, `${c.name} step ${i} momentum`).toBeCloseTo(want.momentum, 12);
      }
      opt.step();
      sched?.step();
      expect(closeTo([lossValue], [want.loss], 1e-9), `${c.name} step ${i} loss`).toBeNull();
      expect(closeTo(await W.data<Float64Array>(), want.W, 1e-9), `${c.name} step ${i} W`).toBeNull();
      expect(closeTo(await b.data<Float64Array>(), want.b, 1e-9), `${c.name} step ${i} b`).toBeNull();
      if (want.ax) {
        const asgd = opt as ASGD;
        expect(closeTo(await asgd.average(W)!.data<Float64Array>(), want.ax.W, 1e-9), `${c.name} step ${i} ax W`).toBeNull();
        expect(closeTo(await asgd.average(b)!.data<Float64Array>(), want.ax.b, 1e-9), `${c.name} step ${i} ax b`).toBeNull();
      }
      // The live-tensor count is flat once the state exists (after the first step).
      if (i === 1) live = t.memory().tensors;
      if (i > 1) expect(t.memory().tensors, `${c.name} step ${i} live tensors`).toBe(live);
    }
    opt.dispose();
    t.dispose([W, b, x, y]);
  });
});

describe('LBFGS trajectories (step(closure), async reads) match PyTorch 1.13 over 20 steps (float64, cpu)', () => {
  beforeAll(useCpu);

  it.each(optimizers.cases.filter((c) => c.optimizer.type === 'LBFGS').map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { problem } = optimizers;
    const W = f64(problem.W.data, problem.W.shape, true);
    const b = f64(problem.b.data, problem.b.shape, true);
    const x = f64(problem.x.data, problem.x.shape);
    const y = f64(problem.y.data, problem.y.shape);
    const opt = makeOptimizer(c.optimizer, { W, b }) as LBFGS;
    // An async closure, as on webgpu: the loss tensor it returns is LBFGS's to read and dispose.
    const closure = async () => {
      opt.zeroGrad();
      const loss = t.tidy(() => t.linear(x, W, b).sub(y).square().sum().add(b.square().sum()));
      loss.backward();
      return loss;
    };
    let live = -1;
    for (const [i, want] of c.steps.entries()) {
      const loss = await opt.step(closure);
      expect(closeTo([loss], [want.loss], 1e-9), `${c.name} step ${i} loss`).toBeNull();
      expect(closeTo(await W.data<Float64Array>(), want.W, 1e-9), `${c.name} step ${i} W`).toBeNull();
      expect(closeTo(await b.data<Float64Array>(), want.b, 1e-9), `${c.name} step ${i} b`).toBeNull();
      const dict = opt.stateDict();
      expect((dict.meta as unknown as { lbfgs: { funcEvals: number } }).lbfgs.funcEvals, `${c.name} step ${i} funcEvals`).toBe(
        want.funcEvals,
      );
      t.dispose(dict.state);
      // Flat once the history is full (historySize pairs at most; the fixtures fill it within 10 steps).
      if (i === 10) live = t.memory().tensors;
      if (i > 10) expect(t.memory().tensors, `${c.name} step ${i} live tensors`).toBe(live);
    }
    opt.dispose();
    t.dispose([W, b, x, y]);
  });
});

describe('LR scheduler trajectories match PyTorch 1.13 over 25 steps', () => {
  beforeAll(useCpu);

  it.each(schedulers.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const p1 = t.zeros([2], { requiresGrad: true });
    const p2 = t.zeros([3], { requiresGrad: true });
    const opt = makeOptimizer(c.spec.optimizer, { p1, p2 });
    const sched = makeScheduler(c.spec.scheduler, opt);
    const lrs = [opt.paramGroups.map((g) => g.lr)];
    const momenta = [opt.paramGroups.map((g) => g.momentum as number)];
    for (let i = 0; i < schedulers.steps; i++) {
      opt.step();
      sched.step(c.spec.metrics?.[i]);
      lrs.push(opt.paramGroups.map((g) => g.lr));
      momenta.push(opt.paramGroups.map((g) => g.momentum as number));
      expect(sched.getLastLr()).toEqual(lrs[lrs.length - 1]);
    }
    expect(closeTo(lrs.flat(), c.lrs.flat(), 1e-12), `${c.name} lrs`).toBeNull();
    if (c.momenta) expect(closeTo(momenta.flat(), c.momenta.flat(), 1e-12), `${c.name} momenta`).toBeNull();
    opt.dispose();
    t.dispose([p1, p2]);
  });
});
