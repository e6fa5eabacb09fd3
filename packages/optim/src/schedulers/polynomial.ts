import * as t from '@tensile/core';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

/**
 * Decays the lr polynomially to 0 over totalIters epochs (torch PolynomialLR):
 * lr = base·(1 - min(epoch, totalIters)/totalIters)^power.
 */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;

  constructor(optimizer: SchedulableOptimizer, options: { totalIters?: number; power?: number } = {}) {
    super(optimizer, 'PolynomialLR');
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1;
    if (!(Number.isInteger(this.totalIters) && this.totalIters > 0)) {
      throw new t.ArgumentError(`PolynomialLR: totalIters must be a positive integer, got ${this.totalIters}`);
    }
    if (!Number.isFinite(this.power)) throw new t.ArgumentError(`PolynomialLR: power must be a finite number, got ${this.power}`);
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, totalIters: n } = this;
    if (e === 0 || e > n) return this.groupLrs();
    const factor = ((1 - e / n) / (1 - (e - 1) / n)) ** this.power;
    return this.groupLrs().map((lr) => lr * factor);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}
