import type * as t from '@tensile/core';
import type { RunningEpoch } from './epoch-state.js';
import type { BatchSource, Logs, OptimizerLike, SchedulerLike, TrainableModel } from './types.js';

/** What callbacks see of the running fit. */
export interface FitContext {
  readonly model: TrainableModel;
  readonly optimizer: OptimizerLike;
  readonly scheduler?: SchedulerLike;
  readonly train: BatchSource;
  /** The generator driving dropout and shuffling, saved in checkpoints. */
  readonly rng: t.Rng;
  /** The signal passed to fit: aborted means training ends after the current batch. */
  readonly signal?: AbortSignal;
  /** The running sums of the epoch in progress (null between epochs); mid-epoch checkpoints save them. */
  running: RunningEpoch | null;
  /** The current epoch (0-based). */
  epoch: number;
  /** Optimizer steps taken so far, over all epochs. */
  step: number;
  /** Set by a callback to end training after this epoch. */
  stopTraining: boolean;
  /** One entry per finished epoch. */
  readonly history: Logs[];
}
