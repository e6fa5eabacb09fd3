import * as t from '@tensile/core';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

export interface OneCycleLROptions {
  /** The peak lr, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD's momentum, Adam's betas[0]) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** final lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** A third phase annealing to the final lr, as fastai (default false). */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: 'initialLr' | 'maxLr' | 'minLr';
  endLr: 'initialLr' | 'maxLr' | 'minLr';
  startMomentum: 'maxMomentum' | 'baseMomentum';
  endMomentum: 'maxMomentum' | 'baseMomentum';
}

/**
 * The 1cycle policy (torch OneCycleLR): the lr rises from maxLr/divFactor to
 * maxLr over pctStart of the steps, then anneals to a far lower value, while
 * momentum moves the opposite way. Step it after every batch.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  private readonly useBeta1: boolean;
  private readonly phases: Phase[];
  private readonly bounds: { initialLr: number; maxLr: number; minLr: number; maxMomentum: number; baseMomentum: number }[];

  constructor(optimizer: SchedulableOptimizer, options: OneCycleLROptions) {
    const groups = optimizer.paramGroups;
    const maxLrs = Array.isArray(options.maxLr) ? [...options.maxLr] : groups.map(() => options.maxLr as number);
    if (maxLrs.length !== groups.length)
      throw new t.ArgumentError(`OneCycleLR: maxLr has ${maxLrs.length} entries for ${groups.length} parameter groups`);
    const divFactor = options.divFactor ?? 25;
    super(
      optimizer,
      'OneCycleLR',
      maxLrs.map((m) => m / divFactor),
    );
    let total = options.totalSteps;
    if (total === undefined) {
      if (!(options.epochs! > 0 && options.stepsPerEpoch! > 0)) {
        throw new t.ArgumentError('OneCycleLR: give totalSteps, or epochs and stepsPerEpoch (positive integers)');
      }
      total = options.epochs! * options.stepsPerEpoch!;
    }
    if (!(Number.isInteger(total) && total > 0))
      throw new t.ArgumentError(`OneCycleLR: totalSteps must be a positive integer, got ${total}`);
    this.totalSteps = total;
    const pct = options.pctStart ?? 0.3;
    if (!(pct >= 0 && pct <= 1)) throw new t.ArgumentError(`OneCycleLR: pctStart must be in [0, 1], got ${pct}`);
    this.annealStrategy = options.annealStrategy ?? 'cos';
    if (this.annealStrategy !== 'cos' && this.annealStrategy !== 'linear') {
      throw new t.ArgumentError(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got '${this.annealStrategy}'`);
    }
    this.phases = options.threePhase
      ? [
          { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pct * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    const finalDiv = options.finalDivFactor ?? 1e4;
    const baseMomentum = options.baseMomentum ?? 0.85;
    const maxMomentum = options.maxMomentum ?? 0.95;
    this.bounds = maxLrs.map((maxLr) => ({
      initialLr: maxLr / divFactor,
      maxLr,
      minLr: maxLr / divFactor / finalDiv,
      baseMomentum,
      maxMomentum,
    }));
    groups.forEach((g) => (g.lr = g.initialLr!));
    this.cycleMomentum = options.cycleMomentum ?? true;
    this.useBeta1 = groups.length > 0 && Array.isArray(groups[0].betas);
    if (this.cycleMomentum) {
      if (!this.useBeta1 && groups.some((g) => typeof g.momentum !== 'number')) {
        throw new t.ArgumentError('OneCycleLR: cycleMomentum needs an optimizer with momentum or betas (pass cycleMomentum: false)');
      }
      groups.forEach((g) => this.setMomentum(g, maxMomentum));
    }
    this.initialStep();
  }

  private setMomentum(g: SchedulableOptimizer['paramGroups'][number], m: number): void {
    if (this.useBeta1) g.betas = [m, (g.betas as number[])[1]];
    else g.momentum = m;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new t.ArgumentError(`OneCycleLR: stepped ${step} times, more than totalSteps ${this.totalSteps}`);
    }
    return this.optimizer.paramGroups.map((g, i) => {
      const b = this.bounds[i];
      let start = 0;
      let lr = 0;
      for (const [k, phase] of this.phases.entries()) {
        if (step <= phase.endStep || k === this.phases.length - 1) {
          const pct = (step - start) / (phase.endStep - start);
          lr = this.anneal(b[phase.startLr], b[phase.endLr], pct);
          if (this.cycleMomentum) this.setMomentum(g, this.anneal(b[phase.startMomentum], b[phase.endMomentum], pct));
          break;
        }
        start = phase.endStep;
      }
      return lr;
    });
  }
}
