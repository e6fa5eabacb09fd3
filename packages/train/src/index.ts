/**
 * @tensile/train: the training loop (fit / evaluate), metrics and callbacks.
 * Everything is injected: model, loss, optimizer, scheduler, data and callbacks.
 */
export { fit } from './fit.js';
export type { FitOptions, FitResult } from './fit.js';
export { evaluate } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
export type { FitContext } from './fit-context.js';
export { Accuracy, TopKAccuracy, MeanAbsoluteError, resolveMetrics } from './metrics.js';
export type { Metric, MetricName } from './metrics.js';
export type { Callback } from './callbacks/callback.js';
export { EarlyStopping } from './callbacks/early-stopping.js';
export type { EarlyStoppingOptions } from './callbacks/early-stopping.js';
export { ModelCheckpoint, resumeOptions } from './callbacks/checkpoint.js';
export type { ModelCheckpointOptions, ResumeOptions } from './callbacks/checkpoint.js';
export type { EpochState, RunningEpoch } from './epoch-state.js';
export { macrotask } from './yield.js';
export { JsonlLogger, CsvLogger } from './callbacks/loggers.js';
export { GradientStats } from './callbacks/gradient-stats.js';
export type { LayerStats } from './callbacks/gradient-stats.js';
export { namedParameters } from './fit.js';
export type { Batch, BatchSource, Logs, LossLike, OptimizerLike, SchedulerLike, TrainableModel } from './types.js';
