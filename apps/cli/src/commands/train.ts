import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as t from '@tensile/core';
import { loadCheckpoint, saveModel } from '@tensile/io';
import type { Module, ModuleSpec } from '@tensile/layers';
import {
  Accuracy, type Callback, fit, type FitContext, GradientStats, JsonlLogger, type LossLike, type Logs, type Metric, ModelCheckpoint,
  type OptimizerLike, type SchedulerLike, type TrainableModel,
} from '@tensile/train';
import { ConfigError, DEFAULT_CONFIG, GRAD_STATS_EVERY, parseConfig, readConfig, type TrainConfig } from '../config.js';
import { buildDataset, makeLoader } from '../data.js';
import { buildModel, modelSpec } from '../model.js';
import { gradientsSvg, historySvg } from '../plot.js';
import { Progress } from '../progress.js';
import { create } from '../registry.js';
import { runFiles } from '../run-files.js';
import { prepare } from '../setup.js';

export interface TrainFlags {
  backend?: string;
  seed?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  out?: string;
  limit?: number;
  testLimit?: number;
  resume?: boolean;
  quiet?: boolean;
  detectAnomaly?: boolean;
  logEvery?: number;
  /** `--grad-stats` alone (true) or with a step interval. */
  gradStats?: true | number;
}

/** The config of a run: the file (or the default), or on --resume the run's own saved config, then the flags. */
export async function resolveConfig(file: string | undefined, flags: TrainFlags): Promise<TrainConfig> {
  let config: TrainConfig;
  if (!file && flags.resume) {
    const out = flags.out ?? (await readConfig(DEFAULT_CONFIG)).out;
    const saved = runFiles(out).config;
    if (!existsSync(saved)) throw new ConfigError(`--resume: ${saved} does not exist (no earlier run in ${out}; pass --out or the config)`);
    config = parseConfig(JSON.parse(await readFile(saved, 'utf8')), saved);
  } else {
    config = await readConfig(file ?? DEFAULT_CONFIG);
  }
  if (flags.backend !== undefined) config.backend = flags.backend;
  if (flags.seed !== undefined) config.seed = flags.seed;
  if (flags.epochs !== undefined) config.epochs = flags.epochs;
  if (flags.batchSize !== undefined) config.batchSize = flags.batchSize;
  if (flags.out !== undefined) config.out = flags.out;
  if (flags.limit !== undefined) config.data.limit = flags.limit;
  if (flags.testLimit !== undefined) config.data.testLimit = flags.testLimit;
  if (flags.lr !== undefined) config.optimizer.config.lr = flags.lr;
  if (flags.gradStats !== undefined) {
    config.gradStats = { everySteps: flags.gradStats === true ? (config.gradStats?.everySteps ?? GRAD_STATS_EVERY) : flags.gradStats };
  }
  return config;
}

/** `tensile train [config]`: trains, checkpoints, logs metrics and plots; returns the process exit code. */
export async function train(file: string | undefined, flags: TrainFlags): Promise<number> {
  const config = await resolveConfig(file, flags);
  const where = file ?? 'config';
  const say = (line: string) => {
    if (!flags.quiet) process.stdout.write(`${line}\n`);
  };
  await prepare({ plugins: config.plugins, backend: config.backend, detectAnomaly: flags.detectAnomaly });
  t.manualSeed(config.seed);
  const rng = t.defaultRng();

  const spec = modelSpec(config.model, where);
  const model = buildModel(spec);
  const loss = create<LossLike>('loss', config.loss.name, config.loss.config);
  const optimizer = create<OptimizerLike>('optimizer', config.optimizer.name, model.parameters(), config.optimizer.config);
  const scheduler = config.schedule ? create<SchedulerLike>('scheduler', config.schedule.name, optimizer, config.schedule.config) : undefined;

  const trainSet = buildDataset(config.data, 'train');
  const trainLoader = makeLoader(trainSet, config.data, { batchSize: config.batchSize, shuffle: true, seed: config.seed });
  const testSet = config.data.test ? buildDataset(config.data, 'test') : null;
  const testLoader = testSet ? makeLoader(testSet, config.data, { batchSize: Math.max(config.batchSize, 500), shuffle: false, seed: 0 }) : undefined;

  const files = runFiles(config.out);
  await mkdir(config.out, { recursive: true });
  let initialEpoch = 0;
  let initialStep = 0;
  let prior: Logs[] = [];
  if (flags.resume) {
    if (!existsSync(files.last)) throw new ConfigError(`--resume: no checkpoint at ${files.last}`);
    const restored = await loadCheckpoint(files.last, { model, optimizer: optimizer as never, scheduler: scheduler as never, rng, loader: trainLoader });
    initialEpoch = restored.epoch ?? 0;
    initialStep = restored.step ?? 0;
    prior = ((restored.extra as { history?: Logs[] } | null)?.history ?? []).filter((h) => h.epoch < initialEpoch);
    // The checkpoint holds the optimizer's hyperparameters (as PyTorch's does); an explicit --lr wins over them.
    if (flags.lr !== undefined) for (const group of (optimizer as { paramGroups?: { lr: number }[] }).paramGroups ?? []) group.lr = flags.lr;
    say(`resuming from ${files.last}: epoch ${initialEpoch + 1}, step ${initialStep}`);
  }
  await writeFile(files.config, `${JSON.stringify(config, null, 2)}\n`);

  const accuracy = config.metrics.includes('accuracy') ? new Accuracy() : undefined;
  const metrics: (Metric | string)[] = config.metrics.map((m) => (m === 'accuracy' && accuracy ? accuracy : m));
  const monitor = testLoader ? (accuracy ? 'val_accuracy' : 'val_loss') : accuracy ? 'accuracy' : 'loss';
  const mode = accuracy ? 'max' : 'min';
  const checkpoint = new ModelCheckpoint({
    target: files.last,
    bestTarget: files.best,
    monitor,
    mode,
    // Resumed: checkpoint-best holds the best of the earlier epochs; only a better one may replace it.
    best: bestOf(prior, monitor, mode),
    everySteps: config.checkpointEverySteps,
    loader: trainLoader,
    architecture: spec as never,
    extra: { config },
  });
  const progress = new Progress({
    epochs: config.epochs,
    batches: trainLoader.length,
    tty: Boolean(process.stdout.isTTY),
    quiet: Boolean(flags.quiet),
    logEvery: flags.logEvery ?? 100,
    accuracy,
  });
  const title = `${config.data.name}: ${spec.type === 'Sequential' ? `${Object.keys(spec.children ?? {}).length} layers` : spec.type}, ${config.optimizer.name}, batch ${config.batchSize}`;
  const gradStats = config.gradStats ? new GradientStats({ everySteps: config.gradStats.everySteps }) : null;
  const run = new RunState(prior, { history: files.plot, gradients: gradStats ? files.gradients : null }, title, layerLabel(spec));
  const controller = new AbortController();
  const stop = onInterrupt(controller, say);
  say(`training on ${config.backend}: ${trainSet.length} samples, ${trainLoader.length} batches/epoch, ${config.epochs} epochs, ${model.numParameters()} parameters → ${config.out}`);

  let result;
  try {
    result = await fit(model as unknown as TrainableModel, {
      loss,
      optimizer,
      scheduler,
      schedulerInterval: config.schedule?.interval,
      train: trainLoader,
      val: testLoader,
      epochs: config.epochs,
      initialEpoch,
      initialStep,
      metrics: metrics as never,
      rng,
      signal: controller.signal,
      // GradientStats adds its keys to the epoch logs: after the progress line (too many to print), before the logger.
      callbacks: [
        run,
        progress,
        ...(gradStats ? [gradStats] : []),
        checkpoint,
        new JsonlLogger(files.metrics, { append: flags.resume }),
        { onEpochEnd: () => run.plot() },
      ],
    });
  } finally {
    stop();
    progress.stopBar();
  }

  if (controller.signal.aborted) {
    await checkpoint.save(run.ctx!);
    await run.plot();
    say(`interrupted: saved ${files.last} (epoch ${run.ctx!.epoch + 1}, step ${run.ctx!.step}); continue with --resume`);
    return 130;
  }
  await saveModel(model, files.model, { architecture: spec as never, metadata: { config: JSON.stringify(config) } });
  await run.plot();
  const last = result.history.at(-1);
  if (last) {
    const test = Object.entries(last).filter(([k]) => k.startsWith('val_')).map(([k, v]) => `${k.slice(4)} ${k.includes('acc') ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)}`);
    if (test.length > 0) say(`test: ${test.join(', ')}`);
  }
  say(`wrote ${files.model}, ${files.last}, ${files.metrics}, ${files.plot}${gradStats ? `, ${files.gradients}` : ''}`);
  return 0;
}

/** The best monitored value of earlier epochs (undefined when there are none). */
function bestOf(history: readonly Logs[], monitor: string, mode: 'min' | 'max'): number | undefined {
  const values = history.map((h) => h[monitor]).filter((v) => Number.isFinite(v));
  if (values.length === 0) return undefined;
  return mode === 'max' ? Math.max(...values) : Math.min(...values);
}

/** Legend names for GradientStats' layers: the parameter path with the layer type (`0` → `0 (Linear)`). */
function layerLabel(spec: ModuleSpec): (layer: string) => string {
  return (layer) => {
    let node: ModuleSpec | undefined = spec;
    for (const part of layer.split('.')) node = node?.children?.[part];
    return node ? `${layer} (${node.type})` : layer;
  };
}

/** Keeps the fit context (for the Ctrl-C checkpoint), carries a resumed run's history, yields to the event loop, plots. */
class RunState implements Callback {
  ctx: FitContext | null = null;
  private warned = false;

  constructor(
    private readonly prior: Logs[],
    private readonly paths: { history: string; gradients: string | null },
    private readonly title: string,
    private readonly label: (layer: string) => string,
  ) {}

  onTrainBegin(ctx: FitContext): void {
    this.ctx = ctx;
    // Checkpoints save ctx.history: with the earlier epochs in it, a resumed run's plot and checkpoints see them all.
    ctx.history.unshift(...this.prior);
  }

  async onBatchEnd(): Promise<void> {
    // Anomaly mode on an asynchronous backend (webgpu) queues its checks: read them every batch, so the error names the first bad op.
    if (t.isAnomalyDetectionEnabled()) await t.checkAnomalies();
    // On the cpu backend a whole epoch can run in microtasks; let signals (Ctrl-C) and timers in.
    await new Promise((resolve) => setImmediate(resolve));
  }

  onEpochEnd(_ctx: FitContext, epoch: number, logs: Logs): void {
    if (Number.isFinite(logs.loss) || this.warned) return;
    this.warned = true;
    // Training goes on (the user may be watching something else), but a NaN loss is never what was meant.
    process.stderr.write(`tensile: warning: the training loss is ${logs.loss} in epoch ${epoch + 1}; run again with --detect-anomaly to find the op and layer that made it\n`);
  }

  /** Writes history.svg (and gradients.svg) from every epoch so far; called after the epoch's callbacks have added their logs. */
  async plot(): Promise<void> {
    if (!this.ctx || this.ctx.history.length === 0) return;
    await writeFile(this.paths.history, await historySvg(this.ctx.history, this.title));
    if (this.paths.gradients) await writeFile(this.paths.gradients, await gradientsSvg(this.ctx.history, `${this.title}: per-layer gradients`, this.label));
  }
}

/** First Ctrl-C: stop after the current batch and save; a second one exits at once. */
function onInterrupt(controller: AbortController, say: (line: string) => void): () => void {
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stdout.write('\n');
    say('stopping after this batch to save a checkpoint (Ctrl-C again to quit without saving)');
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

