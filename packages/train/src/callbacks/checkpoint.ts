import type * as t from '@tensile/core';
import {
  saveCheckpoint,
  type CheckpointContents,
  type HasStateDict,
  type LoadedCheckpoint,
  type Stateful,
  type StorageTarget,
} from '@tensile/io';
import { captureEpochState, checkEpochState, type EpochState } from '../epoch-state.js';
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
  /** When fit's signal aborts training, save the unfinished epoch to `target` (default true). */
  saveOnAbort?: boolean;
  /** Called after each checkpoint is written: 'last' (epoch end), 'best', 'step' (everySteps) or 'abort'. */
  onSaved?: (kind: 'last' | 'best' | 'step' | 'abort', target: StorageTarget) => void | Promise<void>;
}

/** What ModelCheckpoint keeps in a checkpoint's `extra`. */
interface SavedExtra {
  history: Logs[];
  extra: unknown;
  /** Present in a mid-epoch checkpoint: the running sums of that epoch. */
  epochState?: EpochState;
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
  private lastStepSaved = -1;

  constructor(private readonly options: ModelCheckpointOptions) {
    this.best = options.best ?? NaN;
  }

  /**
   * Writes a checkpoint of the current training state now. Mid-epoch (not
   * `epochDone`) it holds the epoch's running loss and metric sums too, so a
   * resume logs the whole epoch.
   */
  async save(ctx: FitContext, target: StorageTarget = this.options.target, epochDone = false): Promise<void> {
    const extra: SavedExtra = { history: ctx.history, extra: this.options.extra ?? null };
    if (!epochDone && ctx.running) extra.epochState = await captureEpochState(ctx.running);
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
        extra,
        architecture: this.options.architecture,
      },
      target,
    );
    this.saves++;
  }

  async onBatchEnd(ctx: FitContext, step: number): Promise<void> {
    const every = this.options.everySteps ?? 0;
    // With gradient accumulation several micro-batches end on the same step: save once per step.
    if (every > 0 && step > 0 && step % every === 0 && step !== this.lastStepSaved) {
      this.lastStepSaved = step;
      await this.save(ctx);
      await this.options.onSaved?.('step', this.options.target);
    }
  }

  async onEpochEnd(ctx: FitContext, epoch: number, logs: Logs): Promise<void> {
    // The best checkpoint goes first: if the process dies between the two
    // writes, the last checkpoint still points at the epoch before, whose
    // rerun rewrites the same best checkpoint, so best and last always agree.
    const { monitor, bestTarget } = this.options;
    if (monitor && bestTarget) {
      const value = logs[monitor];
      const mode = this.options.mode ?? (monitor.includes('acc') ? 'max' : 'min');
      if (value !== undefined && (Number.isNaN(this.best) || (mode === 'min' ? value < this.best : value > this.best))) {
        this.best = value;
        await this.save(ctx, bestTarget, true);
        await this.options.onSaved?.('best', bestTarget);
      }
    }
    const every = this.options.everyEpochs ?? 1;
    if (every > 0 && (epoch + 1) % every === 0) {
      await this.save(ctx, this.options.target, true);
      await this.options.onSaved?.('last', this.options.target);
    }
  }

  async onTrainEnd(ctx: FitContext): Promise<void> {
    if (ctx.signal?.aborted && ctx.running && this.options.saveOnAbort !== false) {
      await this.save(ctx);
      await this.options.onSaved?.('abort', this.options.target);
    }
  }
}

/** fit's resume options from a checkpoint ModelCheckpoint wrote, and the history of the epochs before it. */
export interface ResumeOptions {
  initialEpoch: number;
  initialStep: number;
  /** The running sums of the interrupted epoch (mid-epoch checkpoints only). */
  epochState?: EpochState;
  /** The logs of the finished epochs, as saved in the checkpoint. */
  history: Logs[];
}

/**
 * Reads what fit needs to continue from a loaded checkpoint.
 *
 * @example
 * const loaded = await loadCheckpoint('ckpt/last.safetensors', { model, optimizer, rng, loader });
 * const { history, ...resume } = resumeOptions(loaded);
 * await fit(model, { ...options, ...resume });
 */
export function resumeOptions(loaded: LoadedCheckpoint): ResumeOptions {
  const saved = (loaded.extra ?? {}) as Partial<SavedExtra>;
  const initialEpoch = loaded.epoch ?? 0;
  const history = Array.isArray(saved.history) ? saved.history.filter((h) => h.epoch < initialEpoch) : [];
  const epochState = saved.epochState === undefined ? undefined : checkEpochState(saved.epochState, 'resumeOptions: checkpoint');
  return {
    initialEpoch,
    initialStep: loaded.step ?? 0,
    ...(epochState && epochState.epoch === initialEpoch ? { epochState } : {}),
    history,
  };
}
