import * as t from '@tensile/core';
import type { Metric } from './metrics.js';

/**
 * The running sums of an unfinished epoch, saved in a mid-epoch checkpoint
 * so that after a resume the epoch's logged loss and metrics still cover
 * every batch of the epoch, not only those after the resume.
 */
export interface EpochState {
  /** The epoch these sums belong to (0-based). */
  epoch: number;
  /** Σ batch loss × batch size. */
  lossSum: number;
  samples: number;
  /** Micro-batches done in the epoch. */
  batches: number;
  /** Seconds spent in the epoch so far. */
  seconds: number;
  /** Each metric's state by name (see Metric.state). */
  metrics: Record<string, Record<string, number>>;
}

/** What fit keeps of the running epoch (on FitContext, for checkpoints). */
export interface RunningEpoch {
  epoch: number;
  lossSum: number;
  samples: number;
  batches: number;
  /** performance.now() when the epoch (or its resumed part) started, minus the seconds already spent before a resume. */
  startedAt: number;
  metrics: readonly Metric[];
}

/** Reads the running sums of an epoch (metrics wait for the device). */
export async function captureEpochState(running: RunningEpoch): Promise<EpochState> {
  const metrics: EpochState['metrics'] = {};
  for (const m of running.metrics) {
    if (!m.state) throw new t.ArgumentError(`fit: metric '${m.name}' has no state(): a mid-epoch checkpoint cannot carry it`);
    metrics[m.name] = await m.state();
  }
  return {
    epoch: running.epoch,
    lossSum: running.lossSum,
    samples: running.samples,
    batches: running.batches,
    seconds: (performance.now() - running.startedAt) / 1000,
    metrics,
  };
}

/** Checks a saved EpochState (from a checkpoint's JSON) before fit uses it; names the field at fault. */
export function checkEpochState(value: unknown, where: string): EpochState {
  const fail = (problem: string): never => {
    throw new t.ArgumentError(`${where}: epoch state: ${problem}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`expected an object, got ${JSON.stringify(value)}`);
  const s = value as Record<string, unknown>;
  for (const key of ['epoch', 'lossSum', 'samples', 'batches', 'seconds'] as const) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${key} must be a finite number ≥ 0, got ${JSON.stringify(v)}`);
  }
  for (const key of ['epoch', 'samples', 'batches'] as const)
    if (!Number.isInteger(s[key])) fail(`${key} must be an integer, got ${s[key]}`);
  const metrics = s.metrics;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) fail('metrics must be an object');
  for (const [name, m] of Object.entries(metrics as object)) {
    if (typeof m !== 'object' || m === null || Object.values(m).some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      fail(`metrics.${name} must map names to finite numbers`);
    }
  }
  return s as unknown as EpochState;
}
