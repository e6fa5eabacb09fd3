import type * as t from '@tensile/core';
import { saveCheckpoint, type CheckpointContents, type HasStateDict, type Stateful, type StorageTarget } from '@tensile/io';
import type { Logs } from '../types.js';
import type { FitContext } from '../fit-context.js';
import type { Callback } from './callback.js';

export interface ModelCheckpointOptions {
  /** Where the latest checkpoint goes (a path, or { storage, path }). */
  target: StorageTarget;
  /** Where the best one goes, when `monitor` is set. */
  bestTarget?: StorageTarget;
  /** Save every N epochs (default 1; 0 turns it off). */
  everyEpochs?: number;
  /** Save every N optimizer steps too (default off). */
  everySteps?: number;
  /** Save to bestTarget when this log improves. */
  monitor?: string;
  mode?: 'min' | 'max';
  /**
   * The best monitored value so far, when resuming: the best checkpoint is
   * then replaced only by a better value, not by the first epoch after the
   * resume. Default: none yet.
   */
  best?: number;
  /** The data loader whose position is saved, so a resume continues the same order. */
  loader?: Stateful;
  /** Saved in the checkpoint's JSON (e.g. the training config). */
  extra?: unknown;
  /** The model's architecture, so loadModel() can rebuild it from the checkpoint. */
  architecture?: CheckpointContents['architecture'];
}

/**
 * Saves model, optimizer, scheduler, epoch, step, RNG and loader state
 * atomically every N epochs/steps and on the best monitored value: enough to
 * resume to the same numbers.
 */
export class ModelCheckpoint implements Callback {
  /** The best monitored value seen (NaN before the first). */
  best: number;
  /** How many checkpoints were written. */
  saves = 0;

  constructor(private readonly options: ModelCheckpointOptions) {
    this.best = options.best ?? NaN;
  }

  /** Writes a checkpoint of the current training state now (also used on Ctrl-C). */
  async save(ctx: FitContext, target: StorageTarget = this.options.target, epochDone = false): Promise<void> {
    await saveCheckpoint(
      {
        model: ctx.model as unknown as HasStateDict,
        optimizer: ctx.optimizer as unknown as Stateful,
        scheduler: ctx.scheduler as unknown as Stateful | undefined,
        // After a finished epoch, resuming starts at the next one.
        epoch: epochDone ? ctx.epoch + 1 : ctx.epoch,
        step: ctx.step,
        rng: ctx.rng as t.Rng,
        loader: this.options.loader,
        extra: { history: ctx.history, extra: this.options.extra ?? null },
        architecture: this.options.architecture,
      },
      target,
    );
    this.saves++;
  }

  async onBatchEnd(ctx: FitContext, step: number): Promise<void> {
    const every = this.options.everySteps ?? 0;
    if (every > 0 && step > 0 && step % every === 0) await this.save(ctx);
  }

  async onEpochEnd(ctx: FitContext, epoch: number, logs: Logs): Promise<void> {
    const every = this.options.everyEpochs ?? 1;
    if (every > 0 && (epoch + 1) % every === 0) await this.save(ctx, this.options.target, true);
    const { monitor, bestTarget } = this.options;
    if (monitor && bestTarget) {
      const value = logs[monitor];
      const mode = this.options.mode ?? (monitor.includes('acc') ? 'max' : 'min');
      if (value !== undefined && (Number.isNaN(this.best) || (mode === 'min' ? value < this.best : value > this.best))) {
        this.best = value;
        await this.save(ctx, bestTarget, true);
      }
    }
  }
}
