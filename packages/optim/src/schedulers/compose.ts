import * as t from '@tensile/core';
import { bisectRight } from './basic.js';
import { LRScheduler, plainFields, restoreFields, type SchedulableOptimizer, type SchedulerStateDict } from './scheduler.js';

/**
 * Runs schedulers one after another, switching at milestone epochs (torch
 * SequentialLR): a warm-up then a decay is
 * `new SequentialLR(opt, [new LinearLR(opt, …), new CosineAnnealingLR(opt, …)], [5])`.
 */
export class SequentialLR {
  readonly typeName = 'SequentialLR';
  lastEpoch: number;
  readonly milestones: number[];
  private lastLrs: number[];

  constructor(readonly optimizer: SchedulableOptimizer, readonly schedulers: readonly LRScheduler[], milestones: readonly number[]) {
    if (schedulers.length === 0) throw new t.ArgumentError('SequentialLR: needs at least one scheduler');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new t.ArgumentError(`SequentialLR: scheduler ${i} belongs to another optimizer`);
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new t.ArgumentError(`SequentialLR: ${schedulers.length} schedulers need ${schedulers.length - 1} milestones, got ${milestones.length}`);
    }
    this.milestones = [...milestones];
    this.lastEpoch = 0;
    // Undo the steps the schedulers took when constructed, then start the first.
    for (const g of optimizer.paramGroups) g.lr = g.initialLr ?? g.lr;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0].initialStep();
    this.lastLrs = schedulers[0].getLastLr();
  }

  step(_ignored?: number): void {
    this.lastEpoch++;
    const index = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[index];
    if (index > 0 && this.milestones[index - 1] === this.lastEpoch) scheduler.advance(0);
    else scheduler.advance();
    this.lastLrs = scheduler.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): SchedulerStateDict {
    return {
      state: {},
      meta: { type: this.typeName, ...plainFields(this, ['typeName']), children: this.schedulers.map((s) => s.stateDict().meta) },
    };
  }

  loadStateDict(dict: SchedulerStateDict): void {
    restoreFields(this, dict.meta, this.typeName);
    loadChildren(this.typeName, this.schedulers, dict.meta.children);
  }
}

/**
 * Steps several schedulers together, each scaling the lr the previous left
 * (torch ChainedScheduler): e.g. ConstantLR warm-up times ExponentialLR decay.
 */
export class ChainedScheduler {
  readonly typeName = 'ChainedScheduler';
  private lastLrs: number[];

  constructor(readonly schedulers: readonly LRScheduler[]) {
    if (schedulers.length === 0) throw new t.ArgumentError('ChainedScheduler: needs at least one scheduler');
    const optimizer = schedulers[0].optimizer;
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new t.ArgumentError(`ChainedScheduler: scheduler ${i} belongs to another optimizer`);
    });
    this.lastLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  step(_ignored?: number): void {
    for (const s of this.schedulers) s.advance();
    this.lastLrs = this.schedulers[this.schedulers.length - 1].optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): SchedulerStateDict {
    return { state: {}, meta: { type: this.typeName, ...plainFields(this, ['typeName']), children: this.schedulers.map((s) => s.stateDict().meta) } };
  }

  loadStateDict(dict: SchedulerStateDict): void {
    restoreFields(this, dict.meta, this.typeName);
    loadChildren(this.typeName, this.schedulers, dict.meta.children);
  }
}

function loadChildren(name: string, schedulers: readonly LRScheduler[], children: unknown): void {
  const metas = children as SchedulerStateDict['meta'][] | undefined;
  if (!Array.isArray(metas) || metas.length !== schedulers.length) {
    throw new t.ArgumentError(`${name}.loadStateDict: expected ${schedulers.length} child scheduler states`);
  }
  schedulers.forEach((s, i) => s.loadStateDict({ state: {}, meta: metas[i] }));
}
