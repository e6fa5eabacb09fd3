import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { DataLoader, TensorDataset, mnist } from '@tensile/data';
import { loadCheckpoint } from '@tensile/io';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@tensile/layers';
import { CrossEntropyLoss, MSELoss } from '@tensile/losses';
import { SGD } from '@tensile/optim';
import { CsvLogger, EarlyStopping, JsonlLogger, ModelCheckpoint, evaluate, fit, type Callback, type Metric } from '@tensile/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlp, toyData, toyTensors, weightsOf } from './toy.js';

beforeAll(async () => {
  await t.setBackend(cpu());
});

const tmp = () => mkdtempSync(join(tmpdir(), 'tensile-fit-'));

describe('fit', () => {
  it('trains a LeNet-5-style CNN on real MNIST images to well above chance', async () => {
    t.manualSeed(0);
    const model = new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(6, 16, 5),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(400, 120),
      new ReLU(),
      new Linear(120, 84),
      new ReLU(),
      new Linear(84, 10),
    );
    const train = new DataLoader(mnist({ split: 'train', limit: 1536, normalize: true }), { batchSize: 32, shuffle: true, seed: 1 });
    const test = new DataLoader(mnist({ split: 'test', limit: 500, normalize: true }), { batchSize: 250 });
    const loss = new CrossEntropyLoss();
    await fit(model, { loss, optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }), train, epochs: 2 });
    const { accuracy } = await evaluate(model, { data: test, loss, metrics: ['accuracy'] });
    expect(accuracy).toBeGreaterThan(0.85);
  }, 60_000);

  it('validates, logs JSONL and CSV, checkpoints, stops early, and keeps the live-tensor count flat', async () => {
    const dir = tmp();
    const model = mlp(1);
    const train = new DataLoader(toyData(96, 2), { batchSize: 16, shuffle: true, seed: 3 });
    const val = new DataLoader(toyData(48, 4), { batchSize: 48 });
    const tensorsAtEpochEnd: number[] = [];
    const counter: Callback = { onEpochEnd: () => void tensorsAtEpochEnd.push(t.memory().tensors) };
    const checkpoint = new ModelCheckpoint({
      target: join(dir, 'last.safetensors'),
      bestTarget: join(dir, 'best.safetensors'),
      monitor: 'val_accuracy',
      loader: train,
    });
    // A patience of 0 epochs with a huge minDelta stops after the second epoch.
    const stopper = new EarlyStopping({ monitor: 'val_loss', patience: 1, minDelta: 1e9 });
    const { history, stopped } = await fit(model, {
      loss: new CrossEntropyLoss(),
      optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
      train,
      val,
      epochs: 6,
      metrics: ['accuracy', 'top2'],
      callbacks: [counter, checkpoint, stopper, new JsonlLogger(join(dir, 'metrics.jsonl')), new CsvLogger(join(dir, 'metrics.csv'))],
    });
    expect(stopped).toBe(true);
    expect(history).toHaveLength(2);
    expect(Object.keys(history[0])).toEqual(
      expect.arrayContaining(['epoch', 'loss', 'accuracy', 'top2', 'val_loss', 'val_accuracy', 'val_top2', 'lr']),
    );
    expect(history[1].top2).toBeGreaterThanOrEqual(history[1].accuracy);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([0, 1]);
    expect(readFileSync(join(dir, 'metrics.csv'), 'utf8').split('\n')[0]).toMatch(/^epoch,loss,seconds,accuracy,top2,val_loss/);
    expect(tensorsAtEpochEnd[1]).toBe(tensorsAtEpochEnd[0]);
    const restored = mlp(99);
    const state = await loadCheckpoint(join(dir, 'last.safetensors'), { model: restored });
    expect(state.epoch).toBe(2);
    expect(await weightsOf(restored)).toEqual(await weightsOf(model));
  });

  it('validates with the same custom Metric object it trains with, reset in between', async () => {
    /** The error rate (1 − accuracy), summed on the device: a metric written by a user, not one fit knows by name. */
    class ErrorRate implements Metric {
      readonly name = 'error';
      private wrong: t.Tensor | null = null;
      private count = 0;
      reset(): void {
        this.wrong?.dispose();
        this.wrong = null;
        this.count = 0;
      }
      update(prediction: t.Tensor, target: t.Tensor): void {
        const next = t.tidy(() => {
          const wrong = prediction.argmax(-1).ne(target).cast('float32').sum();
          return this.wrong ? this.wrong.add(wrong) : wrong;
        });
        this.wrong?.dispose();
        this.wrong = t.keep(next);
        this.count += target.size;
      }
      async result(): Promise<number> {
        return this.wrong ? (await this.wrong.data())[0] / this.count : NaN;
      }
    }
    const model = mlp(5);
    const train = new DataLoader(toyData(96, 2), { batchSize: 16, shuffle: true, seed: 3 });
    const val = new DataLoader(toyData(40, 4), { batchSize: 16 });
    const error = new ErrorRate();
    const before = t.memory().tensors;
    const { history } = await fit(model, {
      loss: new CrossEntropyLoss(),
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      train,
      val,
      epochs: 2,
      metrics: ['accuracy', error],
    });
    expect(t.memory().tensors).toBe(before); // the metric's running sum is freed after fit
    for (const logs of history) {
      expect(logs.error).toBeCloseTo(1 - logs.accuracy, 6);
      expect(logs.val_error).toBeCloseTo(1 - logs.val_accuracy, 6);
    }
    // The last epoch's validation value is the trained model's error on the 40 validation samples, counted here by hand.
    model.eval();
    const { x, y } = toyTensors(40, 4);
    const predicted = await t.noGrad(() => model.call(x).argmax(-1)).data();
    const labels = await y.data();
    const wrong = labels.filter((label, i) => predicted[i] !== label).length;
    expect(history[1].val_error).toBeCloseTo(wrong / 40, 6);
    t.dispose([x, y]);
  });

  it('resumes from a checkpoint to the same parameters, bit for bit', async () => {
    const dir = tmp();
    const run = async (epochs: number, from?: string) => {
      const model = mlp(5);
      const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const train = new DataLoader(toyData(64, 6), { batchSize: 8, shuffle: true, seed: 7 });
      let initialEpoch = 0;
      if (from) initialEpoch = (await loadCheckpoint(from, { model, optimizer, loader: train })).epoch ?? 0;
      const checkpoint = new ModelCheckpoint({ target: join(dir, 'ckpt.safetensors'), loader: train });
      await fit(model, { loss: new CrossEntropyLoss(), optimizer, train, epochs, initialEpoch, callbacks: [checkpoint] });
      return weightsOf(model);
    };
    const straight = await run(2);
    await run(1);
    const resumed = await run(2, join(dir, 'ckpt.safetensors'));
    expect(resumed).toEqual(straight);
  });

  it('accumulates 4 micro-batches of 8 into the step one batch of 32 takes', async () => {
    const data = toyTensors(32, 8);
    const trainWith = async (batchSize: number, accumulateSteps: number) => {
      const model = new Sequential(new Linear(4, 3, { rng: new t.Rng(9) }));
      const x = data.x.cast('float32');
      const y = t.oneHot(data.y, 3);
      await fit(model, {
        loss: new MSELoss(),
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        train: new DataLoader(new TensorDataset({ x, y }), { batchSize }),
        epochs: 1,
        accumulateSteps,
      });
      return (await weightsOf(model)).flat();
    };
    const initial = (await weightsOf(new Sequential(new Linear(4, 3, { rng: new t.Rng(9) })))).flat();
    const big = await trainWith(32, 1);
    const micro = await trainWith(8, 4);
    expect(Math.max(...big.map((w, i) => Math.abs(w - initial[i])))).toBeGreaterThan(1e-3); // it did step
    micro.forEach((w, i) => expect(Math.abs(w - big[i])).toBeLessThan(1e-6));
  });

  it('clips the gradient norm before each step', async () => {
    const model = new Sequential(new Linear(4, 3, { rng: new t.Rng(10) }));
    const before = (await weightsOf(model)).flat();
    await fit(model, {
      loss: new CrossEntropyLoss(),
      optimizer: new SGD(model.parameters(), { lr: 1 }),
      train: [[t.randn([8, 4], { rng: new t.Rng(11) }).mul(100), t.tensor(new Int32Array(8).fill(2))] as const],
      epochs: 1,
      clipGradNorm: 0.01,
    });
    const after = (await weightsOf(model)).flat();
    const step = Math.sqrt(after.reduce((s, w, i) => s + (w - before[i]) ** 2, 0));
    expect(step).toBeLessThanOrEqual(0.01 + 1e-6);
    expect(step).toBeGreaterThan(0.009);
  });
});
