import * as t from '@tensile/core';
import { clipGradNormAsync, clipGradValue } from '@tensile/optim';
import type { Callback } from './callbacks/callback.js';
import { evaluate } from './evaluate.js';
import type { FitContext } from './fit-context.js';
import { checkEpochState, type EpochState, type RunningEpoch } from './epoch-state.js';
import { resolveMetrics, type Metric, type MetricName } from './metrics.js';
import {
  type BatchSource,
  callLoss,
  type Logs,
  type LossLike,
  type OptimizerLike,
  type SchedulerLike,
  type TrainableModel,
  runModel,
  unpackBatch,
} from './types.js';
import { Yielder } from './yield.js';

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
  /**
   * The running sums of the epoch a mid-epoch checkpoint interrupted
   * ({@link resumeOptions} reads them from the checkpoint): the resumed
   * epoch's loss and metrics then cover all its batches.
   */
  epochState?: EpochState;
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
  /**
   * Stops training cleanly: fit finishes the batch in progress, skips that
   * unfinished epoch's validation and onEpochEnd, calls onTrainEnd and
   * resolves (it does not reject) with `aborted: true`, like tfjs's
   * `model.stopTraining` and PyTorch Lightning's graceful Ctrl-C. Callbacks
   * see the signal as `ctx.signal`. A signal aborted before fit starts trains
   * nothing. `AbortSignal.timeout(ms)` bounds a run's time.
   */
  signal?: AbortSignal;
  /**
   * fit yields to the event loop (a macrotask) after at least this many
   * milliseconds of work, so timers, progress output and abort signals run
   * during a long epoch (default 25; 0 yields after every batch).
   */
  yieldEveryMs?: number;
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
  /** Whether the signal ended it (the last epoch is then unfinished and not in history). */
  aborted: boolean;
  /** Optimizer steps taken in total. */
  steps: number;
}

/** How long fit computes at most before letting the event loop run: a timer or Ctrl-C waits no longer than this (plus one batch). */
const YIELD_EVERY_MS = 25;

/**
 * The training loop everyone writes by hand, done once: forward, loss,
 * backward, optional clipping and accumulation, optimizer and scheduler
 * steps, metrics, validation and callbacks. It owns every temporary it makes,
 * so the live-tensor count stays flat across steps and epochs, and it
 * disposes the batches it is given.
 *
 * @example
 * const { history } = await fit(model, { loss: new CrossEntropyLoss(), optimizer: opt, train: loader, epochs: 1, metrics: ['accuracy'] });
 * // Stop after the batch in progress when 10 minutes have passed (resolves with aborted: true):
 * await fit(model, { ...options, signal: AbortSignal.timeout(600_000) });
 */
export async function fit(model: TrainableModel, options: FitOptions): Promise<FitResult> {
  const accumulate = options.accumulateSteps ?? 1;
  if (!Number.isInteger(accumulate) || accumulate < 1)
    throw new t.ArgumentError(`fit: accumulateSteps must be a positive integer, got ${accumulate}`);
  const closureStep = requiresClosure(options.optimizer);
  if (closureStep && accumulate > 1)
    throw new t.ArgumentError(`fit: accumulateSteps must be 1 with an optimizer that re-evaluates the loss (LBFGS), got ${accumulate}`);
  if (!Number.isInteger(options.epochs) || options.epochs < 0)
    throw new t.ArgumentError(`fit: epochs must be a non-negative integer, got ${options.epochs}`);
  const yieldEvery = options.yieldEveryMs ?? YIELD_EVERY_MS;
  if (!(yieldEvery >= 0)) throw new t.ArgumentError(`fit: yieldEveryMs must be a number ≥ 0, got ${yieldEvery}`);
  const resumed = options.epochState ? checkEpochState(options.epochState, 'fit: epochState') : undefined;
  const metrics = resolveMetrics(options.metrics);
  const callbacks = options.callbacks ?? [];
  const signal = options.signal;
  const ctx: FitContext = {
    model,
    optimizer: options.optimizer,
    scheduler: options.scheduler,
    train: options.train,
    rng: options.rng ?? t.defaultRng(),
    signal,
    epoch: options.initialEpoch ?? 0,
    step: options.initialStep ?? 0,
    stopTraining: false,
    history: [],
    running: null,
  };
  const params = model.parameters();
  const named = namedParameters(model);
  const noGradient = options.onNoGradient === undefined ? (m: string) => console.warn(m) : options.onNoGradient;
  const warned = new Set<t.Tensor>();
  const yielder = new Yielder(yieldEvery);
  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);

  let aborted = Boolean(signal?.aborted);
  for (let epoch = ctx.epoch; epoch < options.epochs && !ctx.stopTraining && !aborted; epoch++) {
    ctx.epoch = epoch;
    model.train(true);
    for (const m of metrics) m.reset();
    // The part of this epoch done before a mid-epoch resume counts too.
    const carried = resumed?.epoch === epoch ? resumed : undefined;
    if (carried) for (const m of metrics) if (carried.metrics[m.name]) m.loadState?.(carried.metrics[m.name]);
    const running: RunningEpoch = {
      epoch,
      lossSum: carried?.lossSum ?? 0,
      samples: carried?.samples ?? 0,
      batches: carried?.batches ?? 0,
      startedAt: performance.now() - (carried?.seconds ?? 0) * 1000,
      metrics,
    };
    ctx.running = running;
    for (const cb of callbacks) await cb.onEpochBegin?.(ctx, epoch);
    let micro = 0;
    let lr = currentLr(options.optimizer);
    const gotGradient = new Set<t.Tensor>();
    let reasons: Map<string, string> | null = null;
    // A checkpoint taken after the epoch's last batch (before its end) resumes straight into the epoch end:
    // the loader would otherwise read its finished position as the start of the next epoch.
    const length = (options.train as { length?: unknown }).length;
    const finished = carried !== undefined && typeof length === 'number' && carried.batches >= length;
    for await (const batch of finished ? [] : options.train) {
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
      // A closure optimizer re-evaluates this batch at its step: keep it until then.
      if (!closureStep) t.dispose(batch);
      const lossValue = (await loss.data())[0];
      loss.dispose();
      running.lossSum += lossValue * n;
      running.samples += n;
      running.batches++;
      if (++micro % accumulate === 0) {
        await beforeStep(params, options, callbacks, ctx);
        // The rate this step uses: what the epoch's log reports (not the one after the scheduler's step).
        lr = currentLr(options.optimizer);
        if (closureStep) {
          await closureStep(() => lossOn(model, options, x, y, params));
          t.dispose(batch);
        } else {
          step(params, options);
        }
        ctx.step++;
        if (options.scheduler && options.schedulerInterval === 'step') options.scheduler.step();
      }
      const seconds = (performance.now() - running.startedAt) / 1000;
      const logs = { loss: lossValue, samples: running.samples, samplesPerSecond: running.samples / Math.max(seconds, 1e-9) };
      for (const cb of callbacks) await cb.onBatchEnd?.(ctx, ctx.step, logs);
      await yielder.maybe();
      if (signal?.aborted) {
        aborted = true;
        ctx.stopTraining = true;
        break;
      }
    }
    // Aborted: the epoch is unfinished (a checkpoint taken now resumes it), so no tail step, validation or epoch logs.
    if (aborted) break;
    if (micro % accumulate !== 0) {
      // A short tail of micro-batches still updates the weights.
      await beforeStep(params, options, callbacks, ctx);
      lr = currentLr(options.optimizer);
      step(params, options);
      ctx.step++;
    }
    if (noGradient && micro > 0) {
      for (const [name, p] of named) {
        if (gotGradient.has(p) || warned.has(p)) continue;
        warned.add(p);
        const why = (reasons as Map<string, string> | null)?.get(name) || 'not on the path from the loss';
        noGradient(`fit: parameter '${name}' received no gradient during epoch ${epoch}: ${why}`, name);
      }
    }
    const logs: Logs = {
      epoch,
      loss: running.lossSum / Math.max(running.samples, 1),
      seconds: (performance.now() - running.startedAt) / 1000,
    };
    for (const m of metrics) logs[m.name] = await m.result();
    ctx.running = null;
    if (options.val) {
      const val = await evaluate(model, {
        loss: options.loss,
        data: options.val,
        // The training metrics themselves, reset first (as Keras): a custom Metric validates as it trains.
        metrics,
        yieldEveryMs: yieldEvery,
      });
      for (const [k, v] of Object.entries(val)) logs[`val_${k}`] = v;
    }
    if (options.scheduler && options.schedulerInterval !== 'step') options.scheduler.step(logs.val_loss ?? logs.loss);
    if (lr !== undefined) logs.lr = lr;
    ctx.history.push(logs);
    for (const cb of callbacks) await cb.onEpochEnd?.(ctx, epoch, logs);
    await yielder.maybe();
    if (signal?.aborted) {
      aborted = true;
      ctx.stopTraining = true;
    }
  }
  // After an abort ctx.running still holds the unfinished epoch, so onTrainEnd can checkpoint it.
  for (const cb of callbacks) await cb.onTrainEnd?.(ctx, ctx.history);
  ctx.running = null;
  for (const m of metrics) m.reset();
  return { history: ctx.history, stopped: ctx.stopTraining, aborted, steps: ctx.step };
}

async function beforeStep(params: t.Tensor[], options: FitOptions, callbacks: readonly Callback[], ctx: FitContext): Promise<void> {
  await clip(params, options);
  for (const cb of callbacks) await cb.onBeforeStep?.(ctx, ctx.step);
}

async function clip(params: t.Tensor[], options: FitOptions): Promise<void> {
  if (options.clipGradNorm !== undefined) await clipGradNormAsync(params, options.clipGradNorm);
  if (options.clipGradValue !== undefined) clipGradValue(params, options.clipGradValue);
}

function step(_params: t.Tensor[], options: FitOptions): void {
  options.optimizer.step();
  options.optimizer.zeroGrad();
}

/** An optimizer whose step takes a closure that re-evaluates the loss (LBFGS), as PyTorch's `optimizer.step(closure)`. */
interface ClosureOptimizer {
  readonly requiresClosure: true;
  step(closure: () => Promise<t.Tensor>): unknown;
}

/** The step of an optimizer that needs a closure (it says so with `requiresClosure`), else null. */
function requiresClosure(optimizer: OptimizerLike): ((closure: () => Promise<t.Tensor>) => Promise<void>) | null {
  const o = optimizer as Partial<ClosureOptimizer> & OptimizerLike;
  if (o.requiresClosure !== true) return null;
  return async (closure) => {
    await (o as ClosureOptimizer).step(closure);
    o.zeroGrad();
  };
}

/**
 * The closure fit hands a closure optimizer: zeroGrad, forward and backward
 * on the batch, the same gradient clipping as a plain step, and the loss
 * (detached, for the optimizer to read). onBeforeStep callbacks run once per
 * step, before it, on the batch's first gradient.
 */
async function lossOn(model: TrainableModel, options: FitOptions, x: t.Tensor, y: t.Tensor, params: t.Tensor[]): Promise<t.Tensor> {
  options.optimizer.zeroGrad();
  const loss = t.tidy(() => {
    const value = callLoss(options.loss, runModel(model, x), y);
    value.backward();
    return value.detach();
  });
  await clip(params, options);
  return loss;
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
