import * as t from '@tensile/core';
import { checkFields, plainFields, restoreFields, type SchedulableOptimizer, type SchedulerStateDict } from './scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should fall (a loss); 'max': rise (an accuracy). */
  mode?: 'min' | 'max';
  /** lr ← lr·factor on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** What counts as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): relative to the best value; 'abs': absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** A lower bound on the lr, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than eps are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the lr when a metric has stopped improving (torch ReduceLROnPlateau).
 * step(metric) is called once per epoch with, say, the validation loss.
 */
export class ReduceLROnPlateau {
  /** The registry's entry shape (core's RegistryEntry): `X.create(...args)` is `new X(...args)`. */
  static create<A extends unknown[], T>(this: new (...args: A) => T, ...args: A): T {
    return new this(...args);
  }

  readonly typeName = 'ReduceLROnPlateau';
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  protected lastLrs: number[];

  constructor(
    readonly optimizer: SchedulableOptimizer,
    options: ReduceLROnPlateauOptions = {},
  ) {
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1)) throw new t.ArgumentError(`ReduceLROnPlateau: factor must be < 1, got ${this.factor}`);
    if (this.mode !== 'min' && this.mode !== 'max')
      throw new t.ArgumentError(`ReduceLROnPlateau: mode must be 'min' or 'max', got '${this.mode}'`);
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new t.ArgumentError(`ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got '${this.thresholdMode}'`);
    }
    this.cooldown = options.cooldown ?? 0;
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr) && minLr.length !== groups) {
      throw new t.ArgumentError(`ReduceLROnPlateau: minLr has ${minLr.length} entries for ${groups} parameter groups`);
    }
    this.minLrs = Array.isArray(minLr) ? [...minLr] : Array.from({ length: groups }, () => minLr as number);
    this.eps = options.eps ?? 1e-8;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.lastLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Records this epoch's metric and reduces the lr after `patience` epochs without improvement. */
  step(metric?: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) {
      throw new t.ArgumentError(`ReduceLROnPlateau.step: needs the metric to watch (a number), got ${metric}`);
    }
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduce();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduce(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const next = Math.max(g.lr * this.factor, this.minLrs[i]);
      if (g.lr - next > this.eps) g.lr = next;
    });
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): SchedulerStateDict {
    return { state: {}, meta: { type: this.typeName, ...plainFields(this, ['typeName']) } };
  }

  /** Restores a state from stateDict(); a refused state changes nothing. */
  loadStateDict(dict: SchedulerStateDict): void {
    restoreFields(this, dict, this.typeName);
  }

  /** Throws, naming the field, unless loadStateDict would accept `dict`; changes nothing. */
  checkStateDict(dict: unknown, where = `${this.typeName}.checkStateDict`): void {
    checkFields(this, dict, this.typeName, where);
  }
}
