import * as t from '@tensile/core';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

/**
 * Cosine annealing with warm restarts (torch CosineAnnealingWarmRestarts,
 * SGDR): the lr follows a cosine from the base lr to etaMin over t0 epochs,
 * then restarts, each period tMult times longer than the last.
 * tCur (epochs since the restart) and tI (the current period) are PyTorch's T_cur and T_i.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly t0: number;
  readonly tMult: number;
  readonly etaMin: number;
  tI: number;
  tCur = 0;

  constructor(optimizer: SchedulableOptimizer, options: { t0: number; tMult?: number; etaMin?: number }) {
    super(optimizer, 'CosineAnnealingWarmRestarts');
    const { t0, tMult = 1, etaMin = 0 } = options ?? ({} as { t0: number });
    if (!(Number.isInteger(t0) && t0 > 0))
      throw new t.ArgumentError(`CosineAnnealingWarmRestarts: t0 must be a positive integer, got ${t0}`);
    if (!(Number.isInteger(tMult) && tMult >= 1)) {
      throw new t.ArgumentError(`CosineAnnealingWarmRestarts: tMult must be an integer ≥ 1, got ${tMult}`);
    }
    if (!Number.isFinite(etaMin)) throw new t.ArgumentError(`CosineAnnealingWarmRestarts: etaMin must be a finite number, got ${etaMin}`);
    this.t0 = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tI = t0;
    this.initialStep();
  }

  /** @internal Advances one epoch (moving tCur, restarting at tI), or jumps to `epoch` (SequentialLR's restart). */
  override advance(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch >= 0) {
      this.tCur++;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
      super.advance();
      return;
    }
    const e = epoch ?? 0;
    if (e >= this.t0) {
      if (this.tMult === 1) this.tCur = e % this.t0;
      else {
        const n = Math.floor(Math.log((e / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
        this.tCur = e - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
        this.tI = this.t0 * this.tMult ** n;
      }
    } else {
      this.tI = this.t0;
      this.tCur = e;
    }
    super.advance(e);
  }

  protected getLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
}
