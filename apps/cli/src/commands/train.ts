import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as t from '@tensile/core';
import { loadCheckpoint, saveModel } from '@tensile/io';
import type { ModuleSpec } from '@tensile/layers';
import {
  Accuracy,
  type Callback,
  evaluate,
  fit,
  type FitContext,
  GradientStats,
  type Logs,
  ModelCheckpoint,
  type OptimizerLike,
  type ResumeOptions,
  resumeOptions,
  type TrainableModel,
} from '@tensile/train';
import { ConfigError, DEFAULT_CONFIG, GRAD_STATS_EVERY, parseConfig, readConfig, type TrainConfig } from '../config.js';
import { buildAugment } from '../augment.js';
import { buildDataset, evalLoader, makeLoader, splitValidation } from '../data.js';
import { exitCodeOf, onStop, type StopSignal } from '../interrupts.js';
import { baselineLines, baselines, textSample } from '../baselines.js';
import { buildLoss, checkLossConfig } from '../loss.js';
import { resolveCliMetrics } from '../metrics.js';
import { checkOptimizerOptions } from '../options-check.js';
import { buildScheduler } from '../schedule.js';
import { checkOutDir, existingRunFiles, removeRunFiles } from '../out-dir.js';
import { MetricsLog } from '../run-log.js';
import { reached } from '../test-hooks.js';
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
  /** Replace a run already in the output folder. */
  force?: boolean;
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
  const where = file ?? (flags.resume ? runFiles(config.out).config : 'the default config');
  const say = (line: string) => {
    if (!flags.quiet) process.stdout.write(`${line}\n`);
  };
  // Everything that can be refused is refused before the backend, the data or a minute of training.
  await checkOutDir(config.out, flags.out !== undefined ? '--out' : `out (${where})`);
  const files = runFiles(config.out);
  if (!flags.resume) {
    const existing = await existingRunFiles(config.out);
    if (existing.length > 0 && !flags.force) {
      throw new ConfigError(
        `--out ${config.out} already holds a run (${existing.map((f) => basename(f)).join(', ')}): add --resume to continue it, --force to replace it, or choose another --out`,
      );
    }
    await removeRunFiles(config.out);
  } else if (!existsSync(files.last)) {
    throw new ConfigError(
      `--resume: no checkpoint at ${files.last} (the run stopped before its first checkpoint; start it again with --force)`,
    );
  }
  checkLossConfig(config.loss, where);

  // Ctrl-C / SIGTERM from here on stop the run cleanly (fit sees the signal after the batch in progress).
  const controller = new AbortController();
  let progress: Progress | null = null;
  const stopSignal = { value: null as StopSignal | null };
  const removeStop = onStop((signal) => {
    stopSignal.value = signal;
    progress?.interrupt(); // the bar goes first, so no fragment of it stays on the terminal
    say(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping after this batch to save a checkpoint (again to quit without saving)`);
    controller.abort();
  });

  try {
    const backend = await prepare({ plugins: config.plugins, backend: config.backend, detectAnomaly: flags.detectAnomaly });
    t.manualSeed(config.seed);
    const rng = t.defaultRng();

    const spec = modelSpec(config.model, where);
    const model = buildModel(spec);
    const loss = buildLoss(config.loss, where);
    checkOptimizerOptions(config.optimizer, model.parameters(), where);
    const optimizer = create<OptimizerLike>('optimizer', config.optimizer.name, model.parameters(), config.optimizer.config);
    const scheduler = config.schedule ? buildScheduler(optimizer, config.schedule, where) : undefined;

    const { train: trainSet, val: valSet } = splitValidation(buildDataset(config.data, 'train'), config.data.validation);
    const augment = buildAugment(config.data.augment, rng, where);
    const trainLoader = makeLoader(trainSet, config.data, { batchSize: config.batchSize, shuffle: true, seed: config.seed, augment });
    const valLoader = valSet ? evalLoader(valSet, config) : undefined;

    const metricsLog = new MetricsLog(files.metrics, reached);
    let resume: ResumeOptions = { initialEpoch: 0, initialStep: 0, history: [] };
    if (flags.resume) {
      const restored = await loadCheckpoint(files.last, {
        model,
        optimizer: optimizer as never,
        scheduler: scheduler as never,
        rng,
        loader: trainLoader,
      });
      resume = resumeOptions(restored);
      // The checkpoint holds the optimizer's hyperparameters (as PyTorch's does); an explicit --lr wins over them.
      if (flags.lr !== undefined)
        for (const group of (optimizer as { paramGroups?: { lr: number }[] }).paramGroups ?? []) group.lr = flags.lr;
      const at = resume.epochState
        ? `epoch ${resume.initialEpoch + 1}, batch ${resume.epochState.batches + 1}`
        : `epoch ${resume.initialEpoch + 1}`;
      say(`resuming from ${files.last}: ${at}, step ${resume.initialStep}`);
      if (resume.epochState && resume.initialEpoch >= config.epochs) {
        throw new ConfigError(
          `--epochs ${config.epochs}: the run in ${config.out} stopped inside epoch ${resume.initialEpoch + 1}; pass --epochs ${resume.initialEpoch + 1} or more`,
        );
      }
    }
    // The checkpoint is the record: metrics.jsonl gets exactly its epochs back, whatever moment the last run died at.
    await metricsLog.rewrite(resume.history);
    await writeFile(files.config, `${JSON.stringify(config, null, 2)}\n`);

    const accuracy = config.metrics.includes('accuracy') ? new Accuracy() : undefined;
    const metrics = resolveCliMetrics(config.metrics, accuracy);
    const monitor = valLoader ? (accuracy ? 'val_accuracy' : 'val_loss') : accuracy ? 'accuracy' : 'loss';
    const mode = accuracy ? 'max' : 'min';
    const checkpoint = new ModelCheckpoint({
      target: files.last,
      bestTarget: files.best,
      monitor,
      mode,
      // Resumed: checkpoint-best holds the best of the earlier epochs; only a better one may replace it.
      best: bestOf(resume.history, monitor, mode),
      everySteps: config.checkpointEverySteps,
      loader: trainLoader,
      architecture: spec as never,
      extra: { config },
      onSaved: (kind) => reached(kind === 'step' ? 'after-step-checkpoint' : `after-${kind}`),
    });
    progress = new Progress({
      epochs: config.epochs,
      batches: trainLoader.length,
      tty: Boolean(process.stdout.isTTY),
      quiet: Boolean(flags.quiet),
      logEvery: flags.logEvery ?? 100,
      accuracy,
    });
    const title = `${config.data.name}: ${spec.type === 'Sequential' ? `${Object.keys(spec.children ?? {}).length} layers` : spec.type}, ${config.optimizer.name}, batch ${config.batchSize}`;
    const gradStats = config.gradStats ? new GradientStats({ everySteps: config.gradStats.everySteps }) : null;
    const run = new RunState(
      resume.history,
      { history: files.plot, gradients: gradStats ? files.gradients : null },
      title,
      layerLabel(spec),
    );
    const chosen = config.backend === 'auto' ? `${backend} (the fastest backend here; --backend to choose)` : backend;
    const split = `${trainSet.length} samples${valSet ? ` + ${valSet.length} held out for validation` : ''}`;
    say(
      `training on ${chosen}: ${split}, ${trainLoader.length} batches/epoch, ${plural(config.epochs, 'epoch')}, ${model.numParameters()} parameters → ${config.out}`,
    );

    let history: Logs[] = resume.history;
    let aborted = false;
    if (resume.initialEpoch >= config.epochs) {
      say(
        `${config.out} has finished ${plural(resume.initialEpoch, 'epoch')} already: nothing to train (pass --epochs ${resume.initialEpoch + 1} or more to train further)`,
      );
    } else {
      const result = await fit(model as unknown as TrainableModel, {
        loss,
        optimizer,
        scheduler,
        schedulerInterval: config.schedule?.interval,
        clipGradNorm: config.clipGradNorm ?? undefined,
        train: trainLoader,
        val: valLoader,
        epochs: config.epochs,
        initialEpoch: resume.initialEpoch,
        initialStep: resume.initialStep,
        epochState: resume.epochState,
        metrics: metrics as never,
        rng,
        signal: controller.signal,
        // GradientStats adds its keys to the epoch logs: after the progress line (too many to print), before the checkpoint and the log.
        callbacks: [
          run,
          progress,
          ...(gradStats ? [gradStats] : []),
          checkpoint,
          metricsLog,
          {
            onEpochEnd: async () => {
              await run.plot();
              reached('after-plot');
            },
          },
        ],
      });
      history = result.history;
      aborted = result.aborted;
      progress.stopBar();
    }

    if (aborted) {
      await run.plot();
      const ctx = run.ctx!;
      const saved = checkpoint.saves > 0 || existsSync(files.last);
      const at =
        run.stoppedInEpoch !== null ? `in epoch ${ctx.epoch + 1}, after batch ${run.stoppedInEpoch}` : `after epoch ${ctx.epoch + 1}`;
      say(
        saved
          ? `interrupted: saved ${files.last} (${at}, step ${ctx.step}); continue with --resume`
          : 'interrupted before the first batch: nothing saved',
      );
      return exitCodeOf(stopSignal.value ?? 'SIGINT');
    }
    await saveModel(model, files.model, { architecture: spec as never, metadata: { config: JSON.stringify(config) } });
    await run.plot();
    // The test split, touched once: after training, never for choosing a checkpoint.
    if (config.data.test) {
      const testSet = buildDataset(config.data, 'test');
      const testLoader = () => evalLoader(testSet, config);
      const started = performance.now();
      const evaluated = await evaluate(model as unknown as TrainableModel, {
        loss,
        data: testLoader(),
        metrics: resolveCliMetrics(config.metrics) as never,
      });
      const test = { ...evaluated, ...(await baselines(config, testSet, testLoader)) };
      await metricsLog.test({ ...test, samples: testSet.length });
      const parts = Object.entries(evaluated).map(([k, v]) => `${k} ${/acc|top\d/.test(k) ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)}`);
      say(`test (${testSet.length} samples, ${((performance.now() - started) / 1000).toFixed(1)} s): ${parts.join(', ')}`);
      for (const line of baselineLines(test)) say(line);
      const sample = flags.quiet ? null : await textSample(model, testSet, config.seed);
      if (sample) say(`sample (temperature 0.8, top-k 20; the prompt, then ⟨the model's text⟩):\n${sample}`);
    }
    const wrote = [
      files.model,
      files.last,
      ...(existsSync(files.best) ? [files.best] : []),
      files.metrics,
      ...(history.length > 0 ? [files.plot] : []),
    ];
    say(`wrote ${wrote.join(', ')}${gradStats && history.length > 0 ? `, ${files.gradients}` : ''}`);
    return 0;
  } finally {
    removeStop();
    progress?.stopBar();
  }
}

/** `1 epoch`, `5 epochs`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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

/** Keeps the fit context, carries a resumed run's history, adds the step to epoch logs, plots. */
class RunState implements Callback {
  ctx: FitContext | null = null;
  private warned = false;

  constructor(
    private readonly prior: Logs[],
    private readonly paths: { history: string; gradients: string | null },
    private readonly title: string,
    private readonly label: (layer: string) => string,
  ) {}

  /** Where an aborted fit stopped: batches done in the unfinished epoch (null: between epochs). */
  stoppedInEpoch: number | null = null;

  onTrainEnd(ctx: FitContext): void {
    this.stoppedInEpoch = ctx.running?.batches ?? null;
  }

  onTrainBegin(ctx: FitContext): void {
    this.ctx = ctx;
    // Checkpoints save ctx.history: with the earlier epochs in it, a resumed run's plot and checkpoints see them all.
    ctx.history.unshift(...this.prior);
  }

  async onBatchEnd(): Promise<void> {
    // Anomaly mode on an asynchronous backend (webgpu) queues its checks: read them every batch, so the error names the first bad op.
    if (t.isAnomalyDetectionEnabled()) await t.checkAnomalies();
    reached('after-batch');
  }

  onEpochEnd(ctx: FitContext, epoch: number, logs: Logs): void {
    // The step count goes into the epoch's logs, so the checkpoint's history rebuilds metrics.jsonl exactly.
    logs.step = ctx.step;
    reached('epoch-end');
    if (Number.isFinite(logs.loss) || this.warned) return;
    this.warned = true;
    // Training goes on (the user may be watching something else), but a NaN loss is never what was meant.
    process.stderr.write(
      `tensile: warning: the training loss is ${logs.loss} in epoch ${epoch + 1}; run again with --detect-anomaly to find the op and layer that made it\n`,
    );
  }

  /** Writes history.svg (and gradients.svg) from every epoch so far; called after the epoch's callbacks have added their logs. */
  async plot(): Promise<void> {
    if (!this.ctx || this.ctx.history.length === 0) return;
    await writeFile(this.paths.history, await historySvg(this.ctx.history, this.title));
    if (this.paths.gradients)
      await writeFile(this.paths.gradients, await gradientsSvg(this.ctx.history, `${this.title}: per-layer gradients`, this.label));
  }
}
