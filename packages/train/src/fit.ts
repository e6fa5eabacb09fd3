import * as t from '@tensile/core';
import { clipGradNormAsync, clipGradValue } from '@tensile/optim';
import type { Callback } from './callbacks/callback.js';
import { evaluate } from './evaluate.js';
import type { FitContext } from './fit-context.js';
import { resolveMetrics, type Metric, type MetricName } from './metrics.js';
import {
  type BatchSource, callLoss, type Logs, type LossLike, type OptimizerLike, type SchedulerLike, type TrainableModel, runModel, unpackBatch,
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
  /**
   * Called once per parameter that received no gradient for a whole epoch,
   * with the reason (default: console.warn). Pass null to turn the check off.
   */
  onNoGradient?: ((message: string, parameter: string) => void) | null;
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
  const named = namedParameters(model);
  const noGradient = options.onNoGradient === undefined ? (m: string) => console.warn(m) : options.onNoGradient;
  const warned = new Set<t.Tensor>();
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
    const gotGradient = new Set<t.Tensor>();
    let reasons: Map<string, string> | null = null;
    for await (const batch of options.train) {
      const [x, y] = unpackBatch(batch);
      const forwardBackward = () =>
        t.tidy(() => {
          const prediction = runModel(model, x);
          const value = callLoss(options.loss, prediction, y);
          (accumulate > 1 ? value.div(accumulate) : value).backward();
          if (trackFlow) reasons = new Map(t.gradientFlow(value, named).map((p) => [p.name, p.reason ?? '']));
          for (const m of metrics) m.update(prediction.detach(), y);
          return value.detach();
        });
      // The first batch of an epoch is traced, so a missing gradient can be explained.
      const trackFlow = noGradient !== null && reasons === null;
      const loss = trackFlow ? await t.trackGradientFlow(forwardBackward) : forwardBackward();
      if (noGradient) for (const p of params) if (p.grad) gotGradient.add(p);
      const n = x.shape[0] ?? 1;
      t.dispose(batch);
      const lossValue = (await loss.data())[0];
      loss.dispose();
      lossSum += lossValue * n;
      samples += n;
      if (++micro % accumulate === 0) {
        await beforeStep(params, options, callbacks, ctx);
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
      await beforeStep(params, options, callbacks, ctx);
      step(params, options);
      ctx.step++;
    }
    if (ctx.stopTraining && options.signal?.aborted) break;
    if (noGradient && micro > 0) {
      for (const [name, p] of named) {
        if (gotGradient.has(p) || warned.has(p)) continue;
        warned.add(p);
        const why = (reasons as Map<string, string> | null)?.get(name) || 'not on the path from the loss';
        noGradient(`fit: parameter '${name}' received no gradient during epoch ${epoch}: ${why}`, name);
      }
    }
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

async function beforeStep(params: t.Tensor[], options: FitOptions, callbacks: readonly Callback[], ctx: FitContext): Promise<void> {
  if (options.clipGradNorm !== undefined) await clipGradNormAsync(params, options.clipGradNorm);
  if (options.clipGradValue !== undefined) clipGradValue(params, options.clipGradValue);
  for (const cb of callbacks) await cb.onBeforeStep?.(ctx, ctx.step);
}

function step(_params: t.Tensor[], options: FitOptions): void {
  options.optimizer.step();
  options.optimizer.zeroGrad();
}

/** The first param group's learning rate, when the optimizer exposes one. */
function currentLr(optimizer: OptimizerLike): number | undefined {
  const groups = (optimizer as { paramGroups?: { lr?: number }[] }).paramGroups;
  return groups?.[0]?.lr;
}

/** The model's parameters by name (Module.namedParameters), or by index for plain models. */
export function namedParameters(model: TrainableModel): [string, t.Tensor][] {
  const withNames = model as TrainableModel & { namedParameters?: () => Iterable<[string, t.Tensor]> };
  if (typeof withNames.namedParameters === 'function') return [...withNames.namedParameters()];
  return model.parameters().map((p, i) => [p.name ?? `parameters[${i}]`, p]);
}
