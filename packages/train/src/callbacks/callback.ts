import type { Logs } from '../types.js';
import type { FitContext } from '../fit-context.js';

/**
 * Hooks into the training loop. Every hook may be async; fit awaits it.
 * `ctx.stopTraining = true` ends training after the current epoch.
 */
export interface Callback {
  onTrainBegin?(ctx: FitContext): void | Promise<void>;
  onEpochBegin?(ctx: FitContext, epoch: number): void | Promise<void>;
  /** Just before each optimizer step, with the gradients in `.grad` (after clipping). */
  onBeforeStep?(ctx: FitContext, step: number): void | Promise<void>;
  /** After each optimizer step (or micro-batch, with accumulation): logs hold `loss`, `samples`, `samplesPerSecond`. */
  onBatchEnd?(ctx: FitContext, step: number, logs: Logs): void | Promise<void>;
  /** After the epoch's validation: logs hold `loss`, metrics, `val_loss`, `val_<metric>`, `lr`… */
  onEpochEnd?(ctx: FitContext, epoch: number, logs: Logs): void | Promise<void>;
  onTrainEnd?(ctx: FitContext, history: Logs[]): void | Promise<void>;
}
