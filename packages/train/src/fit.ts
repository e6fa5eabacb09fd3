import * as t from '@tensile/core';
import { clipGradNorm, clipGradValue } from '@tensile/optim';
import type { Callback } from './callbacks/callback.js';
import { evaluate } from './evaluate.js';
import type { FitContext } from './fit-context.js';
import { resolveMetrics, type Metric, type MetricName } from './metrics.js';
import {
  type BatchSource, callLoss, type Logs, type LossLike, type OptimizerLike, type SchedulerLike, type TrainableModel, unpackBatch,
} from './types.js';

export interface FitOptions {
  loss: LossLike;
  optimizer: OptimizerLike;
  /** Stepped after every epoch (with val_loss when there is validation data, for ReduceLROnPlateau) or every step. */
  scheduler?: SchedulerLike;
  schedulerInterval?: 'epoch' | 'step';
  train: BatchSource;
  val?: BatchSource;
  epochs: number;
  /** The epoch to start at when resuming (0-based). */
  initialEpoch?: number;
  /** Optimizer steps already taken when resuming. */
  initialStep?: number;
  metrics?: readonly (Metric | MetricName)[];
  callbacks?: readonly Callback[];
  /** Clip the global gradient norm to this before each step. */
  clipGradNorm?: number;
  /** Clip every gradient entry into [-v, v] before each step. */
  clipGradValue?: number;
  /** Accumulate gradients over this many batches per optimizer step (Caffe's iter_size). */
  accumulateSteps?: number;
  /** The generator of dropout and shuffling (default t.defaultRng()); checkpoint callbacks save it. */
  rng?: t.Rng;
  /** Aborting ends training after the current batch (Ctrl-C in the CLI). */
  signal?: AbortSignal;
}

export interface FitResult {
  /** Logs of every finished epoch. */
  history: Logs[];
  /** Whether training ended early (a callback, or the signal). */
  stopped: boolean;
  /** Optimizer steps taken in total. */
  steps: number;
}

/**
 * The training loop everyone writes by hand, done once: forward, loss,
 * backward, optional clipping and accumulation, optimizer and scheduler
 * steps, metrics, validation and callbacks. It owns every temporary it makes,
 * so the live-tensor count stays flat across steps and epochs, and it
 * disposes the batches it is given.
 *
 * @example
 * const { history } = await fit(model, { loss: new CrossEntropyLoss(), optimizer: opt, train: loader, epochs: 1, metrics: ['accuracy'] });
 */
export async function fit(model: TrainableModel, options: FitOptions): Promise<FitResult> {
  const accumulate = options.accumulateSteps ?? 1;
  if (!Number.isInteger(accumulate) || accumulate < 1) throw new t.ArgumentError(`fit: accumulateSteps must be a positive integer, got ${accumulate}`);
  if (!Number.isInteger(options.epochs) || options.epochs < 0) throw new t.ArgumentError(`fit: epochs must be a non-negative integer, got ${options.epochs}`);
  const metrics = resolveMetrics(options.metrics);
  const callbacks = options.callbacks ?? [];
  const ctx: FitContext = {
    model,
    optimizer: options.optimizer,
    scheduler: options.scheduler,
    train: options.train,
    rng: options.rng ?? t.defaultRng(),
    epoch: options.initialEpoch ?? 0,
    step: options.initialStep ?? 0,
    stopTraining: false,
    history: [],
  };
  const params = model.parameters();
  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);

  for (let epoch = ctx.epoch; epoch < options.epochs && !ctx.stopTraining; epoch++) {
    ctx.epoch = epoch;
    model.train(true);
    for (const m of metrics) m.reset();
    for (const cb of callbacks) await cb.onEpochBegin?.(ctx, epoch);
    let lossSum = 0;
    let samples = 0;
    let micro = 0;
    const started = performance.now();
    for await (const batch of options.train) {
      const [x, y] = unpackBatch(batch);
      const loss = t.tidy(() => {
        const prediction = model.forward(x);
        const value = callLoss(options.loss, prediction, y);
        (accumulate > 1 ? value.div(accumulate) : value).backward();
        for (const m of metrics) m.update(prediction.detach(), y);
        return value.detach();
      });
      const n = x.shape[0] ?? 1;
      t.dispose(batch);
      const lossValue = (await loss.data())[0];
      loss.dispose();
      lossSum += lossValue * n;
      samples += n;
      if (++micro % accumulate === 0) {
        step(params, options);
        ctx.step++;
        if (options.scheduler && options.schedulerInterval === 'step') options.scheduler.step();
      }
      const seconds = (performance.now() - started) / 1000;
      const logs = { loss: lossValue, samples, samplesPerSecond: samples / Math.max(seconds, 1e-9) };
      for (const cb of callbacks) await cb.onBatchEnd?.(ctx, ctx.step, logs);
      if (options.signal?.aborted) {
        ctx.stopTraining = true;
        break;
      }
    }
    if (micro % accumulate !== 0) {
      // A short tail of micro-batches still updates the weights.
      step(params, options);
      ctx.step++;
    }
    if (ctx.stopTraining && options.signal?.aborted) break;
    const logs: Logs = { epoch, loss: lossSum / Math.max(samples, 1), seconds: (performance.now() - started) / 1000 };
    for (const m of metrics) logs[m.name] = await m.result();
    if (options.val) {
      const val = await evaluate(model, { loss: options.loss, data: options.val, metrics: metrics.map((m) => m.name as MetricName) });
      for (const [k, v] of Object.entries(val)) logs[`val_${k}`] = v;
    }
    if (options.scheduler && options.schedulerInterval !== 'step') options.scheduler.step(logs.val_loss ?? logs.loss);
    const lr = currentLr(options.optimizer);
    if (lr !== undefined) logs.lr = lr;
    ctx.history.push(logs);
    for (const cb of callbacks) await cb.onEpochEnd?.(ctx, epoch, logs);
  }
  for (const m of metrics) m.reset();
  for (const cb of callbacks) await cb.onTrainEnd?.(ctx, ctx.history);
  return { history: ctx.history, stopped: ctx.stopTraining, steps: ctx.step };
}

function step(params: t.Tensor[], options: FitOptions): void {
  if (options.clipGradNorm !== undefined) clipGradNorm(params, options.clipGradNorm).dispose?.();
  if (options.clipGradValue !== undefined) clipGradValue(params, options.clipGradValue);
  options.optimizer.step();
  options.optimizer.zeroGrad();
}

/** The first param group's learning rate, when the optimizer exposes one. */
function currentLr(optimizer: OptimizerLike): number | undefined {
  const groups = (optimizer as { paramGroups?: { lr?: number }[] }).paramGroups;
  return groups?.[0]?.lr;
}
