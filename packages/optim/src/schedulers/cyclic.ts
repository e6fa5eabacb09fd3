import * as t from '@tensile/core';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

export interface CyclicLROptions {
  /** The lower bound of the cycle, one for all groups or one per group (the groups' lr are set to it). */
  baseLr: number | readonly number[];
  /** The upper bound (reached scaled by the mode's factor). */
  maxLr: number | readonly number[];
  /** Steps in the increasing half of a cycle (default 2000). */
  stepSizeUp?: number;
  /** Steps in the decreasing half (default stepSizeUp). */
  stepSizeDown?: number;
  /** triangular (no scaling), triangular2 (amplitude halved each cycle), exp_range (gamma^iteration). Ignored with scaleFn. */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** exp_range's base (default 1). */
  gamma?: number;
  /** A custom amplitude scale; not saved in state dicts (pass it again when resuming). */
  scaleFn?: (x: number) => number;
  /** What scaleFn is called with: the cycle number or the iteration (default 'cycle'). */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle SGD's momentum inversely to the lr, between baseMomentum and maxMomentum (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
}

/**
 * The cyclical learning-rate policy (torch CyclicLR, Smith 2017): the lr
 * moves linearly between baseLr and maxLr and back, each cycle
 * stepSizeUp + stepSizeDown steps, the amplitude scaled by the mode. Step it
 * after every batch. As PyTorch 1.13, momentum cycling needs an optimizer
 * with a `momentum` option (SGD, RMSprop), not Adam's betas.
 */
export class CyclicLR extends LRScheduler {
  readonly maxLrs: number[];
  readonly totalSize: number;
  readonly stepRatio: number;
  readonly mode: 'triangular' | 'triangular2' | 'exp_range';
  readonly gamma: number;
  readonly scaleMode: 'cycle' | 'iterations';
  readonly cycleMomentum: boolean;
  readonly baseMomentums: number[] = [];
  readonly maxMomentums: number[] = [];
  private readonly scaleFn: (x: number) => number;

  constructor(optimizer: SchedulableOptimizer, options: CyclicLROptions) {
    const groups = optimizer?.paramGroups ?? [];
    const perGroup = (name: string, v: number | readonly number[] | undefined): number[] => {
      const values = Array.isArray(v) ? [...v] : groups.map(() => v as number);
      if (values.length !== groups.length || values.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
        throw new t.ArgumentError(
          `CyclicLR: ${name} must be a finite number or ${groups.length} of them (one per parameter group), got ${JSON.stringify(v)}`,
        );
      }
      return values;
    };
    const baseLrs = perGroup('baseLr', options?.baseLr);
    super(optimizer, 'CyclicLR', baseLrs);
    groups.forEach((g, i) => (g.lr = baseLrs[i]));
    this.maxLrs = perGroup('maxLr', options.maxLr);
    const up = options.stepSizeUp ?? 2000;
    const down = options.stepSizeDown ?? up;
    if (!(up > 0 && down >= 0 && Number.isFinite(up) && Number.isFinite(down))) {
      throw new t.ArgumentError(`CyclicLR: stepSizeUp must be > 0 and stepSizeDown ≥ 0, got ${up} and ${down}`);
    }
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = options.mode ?? 'triangular';
    if (!['triangular', 'triangular2', 'exp_range'].includes(this.mode)) {
      throw new t.ArgumentError(`CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range', got ${JSON.stringify(this.mode)}`);
    }
    this.gamma = options.gamma ?? 1;
    if (options.scaleFn !== undefined) {
      if (typeof options.scaleFn !== 'function') throw new t.ArgumentError('CyclicLR: scaleFn must be a function');
      this.scaleFn = options.scaleFn;
      this.scaleMode = options.scaleMode ?? 'cycle';
      if (this.scaleMode !== 'cycle' && this.scaleMode !== 'iterations') {
        throw new t.ArgumentError(`CyclicLR: scaleMode must be 'cycle' or 'iterations', got ${JSON.stringify(this.scaleMode)}`);
      }
    } else if (this.mode === 'triangular') {
      this.scaleFn = () => 1;
      this.scaleMode = 'cycle';
    } else if (this.mode === 'triangular2') {
      this.scaleFn = (x) => 1 / 2 ** (x - 1);
      this.scaleMode = 'cycle';
    } else {
      this.scaleFn = (x) => this.gamma ** x;
      this.scaleMode = 'iterations';
    }
    this.cycleMomentum = options.cycleMomentum ?? true;
    if (this.cycleMomentum) {
      if (groups.some((g) => typeof g.momentum !== 'number')) {
        throw new t.ArgumentError('CyclicLR: cycleMomentum needs an optimizer with a momentum option (pass cycleMomentum: false)');
      }
      const base = perGroup('baseMomentum', options.baseMomentum ?? 0.8);
      groups.forEach((g, i) => (g.momentum = base[i]));
      this.baseMomentums = base;
      this.maxMomentums = perGroup('maxMomentum', options.maxMomentum ?? 0.9);
    }
    this.baseLrs = baseLrs;
    this.initialStep();
  }

  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const factor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    if (this.cycleMomentum) {
      this.optimizer.paramGroups.forEach((g, i) => {
        g.momentum = this.maxMomentums[i] - (this.maxMomentums[i] - this.baseMomentums[i]) * factor * scale;
      });
    }
    return this.baseLrs.map((base, i) => base + (this.maxLrs[i] - base) * factor * scale);
  }

  protected override closedFormLr(): number[] {
    return this.getLr();
  }
}
