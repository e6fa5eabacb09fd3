import type { Logs } from '../types.js';
import type { FitContext } from '../fit-context.js';
import type { Callback } from './callback.js';

export interface EarlyStoppingOptions {
  /** The log to watch (default 'val_loss'). */
  monitor?: string;
  /** 'min' for losses, 'max' for accuracies (default: 'max' when the name has 'acc', else 'min'). */
  mode?: 'min' | 'max';
  /** Epochs without improvement to tolerate (default 5). */
  patience?: number;
  /** The smallest change that counts as improvement (default 0). */
  minDelta?: number;
}

/** Stops training once the monitored value has not improved for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly patience: number;
  readonly minDelta: number;
  best = NaN;
  wait = 0;
  /** The epoch training was stopped after, if it was. */
  stoppedEpoch: number | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor ?? 'val_loss';
    this.mode = options.mode ?? (this.monitor.includes('acc') ? 'max' : 'min');
    this.patience = options.patience ?? 5;
    this.minDelta = options.minDelta ?? 0;
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.wait = 0;
    this.stoppedEpoch = null;
  }

  onEpochEnd(ctx: FitContext, epoch: number, logs: Logs): void {
    const value = logs[this.monitor];
    if (value === undefined)
      throw new Error(`EarlyStopping: no '${this.monitor}' in the epoch logs (have: ${Object.keys(logs).join(', ')})`);
    const improved =
      Number.isNaN(this.best) || (this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta);
    if (improved) {
      this.best = value;
      this.wait = 0;
    } else if (++this.wait >= this.patience) {
      ctx.stopTraining = true;
      this.stoppedEpoch = epoch;
    }
  }
}
