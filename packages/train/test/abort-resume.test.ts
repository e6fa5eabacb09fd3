import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { DataLoader } from '@tensile/data';
import { loadCheckpoint } from '@tensile/io';
import { CrossEntropyLoss } from '@tensile/losses';
import { SGD, StepLR } from '@tensile/optim';
import { type Callback, type FitOptions, fit, ModelCheckpoint, resumeOptions } from '@tensile/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlp, toyData, weightsOf } from './toy.js';

beforeAll(async () => {
  await t.setBackend(cpu());
});

/** Many tiny batches: a long fit made of short synchronous steps. */
function longRun(epochs: number) {
  const model = mlp(1);
  return {
    model,
    options: {
      loss: new CrossEntropyLoss(),
      optimizer: new SGD(model.parameters(), { lr: 0.05 }),
      train: new DataLoader(toyData(64, 2), { batchSize: 2 }),
      epochs,
      onNoGradient: null,
    } satisfies FitOptions,
  };
}

describe('fit stays responsive', () => {
  it('lets a timer run during a long fit', async () => {
    const { model, options } = longRun(40); // 1280 steps
    let stepWhenTimerRan = -1;
    let step = 0;
    const counter: Callback = { onBatchEnd: (_ctx, s) => void (step = s) };
    setTimeout(() => (stepWhenTimerRan = step), 0);
    const { steps } = await fit(model, { ...options, callbacks: [counter] });
    // Without yielding, the timer would only run once fit has returned.
    expect(stepWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(stepWhenTimerRan).toBeLessThan(steps);
  });

  it('stops promptly on AbortSignal.timeout, after the batch in progress, and resolves', async () => {
    // Bounded, so that a fit that never yields ends (and fails below) instead of hanging the suite.
    const { model, options } = longRun(200); // 6400 steps, seconds of work
    const signal = AbortSignal.timeout(30);
    let stepAtAbort = -1;
    let step = 0;
    const seen: boolean[] = [];
    const callbacks: Callback[] = [
      { onBatchEnd: (ctx, s) => void ((step = s), seen.push(Boolean(ctx.signal?.aborted))) },
      { onTrainEnd: (ctx) => void seen.push(Boolean(ctx.signal?.aborted)) },
    ];
    signal.addEventListener('abort', () => (stepAtAbort = step));
    const result = await fit(model, { ...options, signal, callbacks });
    expect(result.aborted).toBe(true);
    expect(result.stopped).toBe(true);
    expect(stepAtAbort).toBeGreaterThan(0);
    // Fit checks the signal after every yield: not one more batch ran once the abort event had fired.
    expect(result.steps).toBe(stepAtAbort);
    expect(seen.at(-1)).toBe(true); // callbacks see it
    expect(result.history.length).toBeLessThan(200);
  });

  it('trains nothing with a signal that is already aborted', async () => {
    const { model, options } = longRun(3);
    const before = await weightsOf(model);
    const result = await fit(model, { ...options, signal: AbortSignal.abort() });
    expect(result).toMatchObject({ aborted: true, steps: 0, history: [] });
    expect(await weightsOf(model)).toEqual(before);
  });
});

describe('fit resumes mid-epoch exactly', () => {
  /** Trains 2 epochs; with `abortAt`, aborts after that many steps, saves, and resumes from the checkpoint in a fresh model. */
  async function run(dir: string, abortAt?: number) {
    const build = () => {
      const model = mlp(5);
      const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
      const train = new DataLoader(toyData(64, 6), { batchSize: 8, shuffle: true, seed: 7 });
      const rng = new t.Rng(3);
      return { model, optimizer, scheduler, train, rng };
    };
    const common = { loss: new CrossEntropyLoss(), epochs: 2, metrics: ['accuracy' as const], onNoGradient: null };
    const first = build();
    const controller = new AbortController();
    const aborter: Callback = { onBatchEnd: (_ctx, step) => void (step === abortAt && controller.abort()) };
    const target = join(dir, 'last.safetensors');
    const checkpoint = new ModelCheckpoint({ target, loader: first.train });
    const one = await fit(first.model, { ...common, ...first, signal: controller.signal, callbacks: [aborter, checkpoint] });
    if (abortAt === undefined) return { history: one.history, weights: await weightsOf(first.model) };
    expect(one.aborted).toBe(true);
    const second = build();
    const loaded = await loadCheckpoint(target, {
      model: second.model,
      optimizer: second.optimizer,
      scheduler: second.scheduler,
      rng: second.rng,
      loader: second.train,
    });
    const { history, ...resume } = resumeOptions(loaded);
    expect(resume.epochState).toBeDefined();
    const two = await fit(second.model, {
      ...common,
      ...second,
      ...resume,
      callbacks: [new ModelCheckpoint({ target, loader: second.train })],
    });
    return { history: [...history, ...two.history], weights: await weightsOf(second.model) };
  }

  const withoutTime = (h: Record<string, number>[]) => h.map(({ seconds: _, ...rest }) => rest);

  it('logs the whole epoch (loss and accuracy over all its batches) and reaches the same weights', async () => {
    const straight = await run(mkdtempSync(join(tmpdir(), 'tensile-abort-')));
    // 8 batches per epoch: abort in the middle of epoch 1, in the middle of epoch 2, and after epoch 2's last batch.
    for (const abortAt of [3, 11, 16]) {
      const resumed = await run(mkdtempSync(join(tmpdir(), 'tensile-abort-')), abortAt);
      expect(withoutTime(resumed.history), `abort at step ${abortAt}`).toEqual(withoutTime(straight.history));
      expect(resumed.weights).toEqual(straight.weights);
    }
    // The logged lr is the one the epoch trained with, not the one after the scheduler's step.
    expect(straight.history.map((h) => h.lr)).toEqual([0.05, 0.025]);
  });
});
