import * as t from '@tensile/core';
import { bisectRight } from './basic.js';
import { checkFields, type LRScheduler, plainFields, type SchedulableOptimizer, type SchedulerStateDict } from './scheduler.js';

/**
 * Runs schedulers one after another, switching at milestone epochs (torch
 * SequentialLR): a warm-up then a decay is
 * `new SequentialLR(opt, [new LinearLR(opt, …), new CosineAnnealingLR(opt, …)], [5])`.
 */
export class SequentialLR {
  /** The registry's entry shape (core's RegistryEntry): `X.create(...args)` is `new X(...args)`. */
  static create<A extends unknown[], T>(this: new (...args: A) => T, ...args: A): T {
    return new this(...args);
  }

  readonly typeName = 'SequentialLR';
  lastEpoch: number;
  readonly milestones: number[];
  private lastLrs: number[];

  constructor(
    readonly optimizer: SchedulableOptimizer,
    readonly schedulers: readonly LRScheduler[],
    milestones: readonly number[],
  ) {
    if (schedulers.length === 0) throw new t.ArgumentError('SequentialLR: needs at least one scheduler');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new t.ArgumentError(`SequentialLR: scheduler ${i} belongs to another optimizer`);
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new t.ArgumentError(
        `SequentialLR: ${schedulers.length} schedulers need ${schedulers.length - 1} milestones, got ${milestones.length}`,
      );
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

  /** Restores this scheduler's and its children's states; a refused state changes nothing. */
  loadStateDict(dict: SchedulerStateDict): void {
    loadComposite(this, this.schedulers, dict);
  }

  /** Throws, naming the field, unless loadStateDict would accept `dict`; changes nothing. */
  checkStateDict(dict: unknown, where = `${this.typeName}.checkStateDict`): void {
    checkComposite(this, this.schedulers, dict, where);
  }
}

/**
 * Steps several schedulers together, each scaling the lr the previous left
 * (torch ChainedScheduler): e.g. ConstantLR warm-up times ExponentialLR decay.
 */
export class ChainedScheduler {
  /** The registry's entry shape (core's RegistryEntry): `X.create(...args)` is `new X(...args)`. */
  static create<A extends unknown[], T>(this: new (...args: A) => T, ...args: A): T {
    return new this(...args);
  }

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
    return {
      state: {},
      meta: { type: this.typeName, ...plainFields(this, ['typeName']), children: this.schedulers.map((s) => s.stateDict().meta) },
    };
  }

  /** Restores this scheduler's and its children's states; a refused state changes nothing. */
  loadStateDict(dict: SchedulerStateDict): void {
    loadComposite(this, this.schedulers, dict);
  }

  /** Throws, naming the field, unless loadStateDict would accept `dict`; changes nothing. */
  checkStateDict(dict: unknown, where = `${this.typeName}.checkStateDict`): void {
    checkComposite(this, this.schedulers, dict, where);
  }
}

/** Checks a composite's own fields and every child's state; returns the own fields to set. */
function checkComposite(
  self: { typeName: string },
  schedulers: readonly LRScheduler[],
  dict: unknown,
  where: string,
): Record<string, unknown> {
  const fields = checkFields(self, dict, self.typeName, where);
  const children = (dict as SchedulerStateDict).meta.children;
  if (!Array.isArray(children) || children.length !== schedulers.length) {
    throw new t.ArgumentError(
      `${where}: meta.children must hold ${schedulers.length} child scheduler states, got ${Array.isArray(children) ? children.length : typeof children}`,
    );
  }
  schedulers.forEach((s, i) => s.checkStateDict({ state: {}, meta: children[i] }, `${where}: meta.children.${i}`));
  return fields;
}

function loadComposite(self: { typeName: string }, schedulers: readonly LRScheduler[], dict: SchedulerStateDict): void {
  const fields = checkComposite(self, schedulers, dict, `${self.typeName}.loadStateDict`);
  Object.assign(self, fields);
  schedulers.forEach((s, i) => s.loadStateDict({ state: {}, meta: (dict.meta.children as SchedulerStateDict['meta'][])[i] }));
}
