/**
 * The three real models (GPT, ResNet, U-Net) trained for a few steps in-process
 * (loss falls, output sane), reloaded from a saved model file through the
 * registry, and cross-checked against the same networks written with PyTorch's
 * own layers (apps/cli/scripts/crosscheck_*.py, Debian's /usr/bin/python3 with
 * python3-torch, as the fixture scripts), which load the saved weights with
 * load_state_dict(strict=True) and must give the same outputs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { createDataset, DataLoader, registerData, textDataset, type Dataset } from '@tensile/data';
import { loadModel, saveModel, saveSafetensors } from '@tensile/io';
import { type Module, moduleFromSpec, moduleToSpec, type ModuleSpec } from '@tensile/layers';
import { CrossEntropyLoss, MSELoss } from '@tensile/losses';
import { Adam } from '@tensile/optim';
import { fit } from '@tensile/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlattenedLoss } from '../src/loss.js';
import { GPT, registerModels, ResNet, UNet } from '../src/models/index.js';
import { generate } from '../src/sampling.js';

const scripts = fileURLToPath(new URL('../scripts/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tensile-models-'));

beforeAll(async () => {
  await t.setBackend(cpu());
  registerData();
  registerModels();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Trains `model` for one epoch over `data` and returns the first and last batch losses. */
async function train(model: Module, data: Dataset, loss: ConstructorParameters<typeof FlattenedLoss>[0], lr: number, batchSize: number) {
  const losses: number[] = [];
  const optimizer = new Adam(model.parameters(), { lr });
  await fit(model as never, {
    loss,
    optimizer,
    train: new DataLoader(data, { batchSize, shuffle: true, seed: 0 }),
    epochs: 1,
    callbacks: [{ onBatchEnd: (_ctx, _batch, logs) => void losses.push(logs.loss) }],
    onNoGradient: null,
  });
  return { first: losses[0], last: losses.at(-1)!, steps: losses.length };
}

/**
 * Saves the model (as tensile train does) and the input with its outputs in eval and
 * training mode, runs the PyTorch cross-check, and returns its largest difference.
 */
async function crosscheck(name: 'gpt' | 'resnet' | 'unet', model: Module, input: t.Tensor): Promise<number> {
  const modelPath = join(dir, `${name}.tensile`);
  await saveModel(model, modelPath, { architecture: moduleToSpec(model) as never });
  const reloaded = await loadModel<Module>(modelPath, { build: (spec) => moduleFromSpec(spec as ModuleSpec) });
  reloaded.eval();
  model.eval();
  const output = t.noGrad(() => model.call(input) as t.Tensor);
  const again = t.noGrad(() => reloaded.call(input) as t.Tensor);
  expect(await again.data()).toEqual(await output.data()); // the registry rebuilds the same model
  model.train();
  const outputTrain = t.noGrad(() => model.call(input) as t.Tensor);
  const ioPath = join(dir, `${name}-io.safetensors`);
  writeFileSync(ioPath, await saveSafetensors({ input, output, output_train: outputTrain }));
  for (const x of [output, again, outputTrain]) x.dispose();
  reloaded.dispose();
  const r = spawnSync('/usr/bin/python3', [join(scripts, `crosscheck_${name}.py`), modelPath, ioPath], { encoding: 'utf8' });
  expect(r.stderr, 'the cross-check needs PyTorch for /usr/bin/python3 (apt-get install python3-torch)').not.toMatch(/No module named/);
  expect(r.status, r.stdout + r.stderr).toBe(0);
  const worst = Number(/largest difference (\S+)/.exec(r.stdout)?.[1]);
  expect(worst).toBeLessThanOrEqual(1e-4);
  return worst;
}

describe('GPT', () => {
  it('learns next characters, samples text, and equals torch.nn.TransformerEncoder (norm_first, causal) with tied embeddings', async () => {
    t.manualSeed(0);
    const text = 'the quick brown fox jumps over the lazy dog. '.repeat(40);
    const data = textDataset(text, { blockSize: 16, stride: 2 });
    const model = new GPT({ vocabSize: data.vocab.size, blockSize: 16, embedDim: 32, numHeads: 2, numLayers: 2, activation: 'gelu' });
    const { first, last, steps } = await train(model, data, new FlattenedLoss(new CrossEntropyLoss()), 1e-2, 16);
    expect(steps).toBe(56);
    expect(first).toBeGreaterThan(Math.log(data.vocab.size) - 0.5); // ln 28 ≈ 3.33 at the start
    expect(last).toBeLessThan(0.5); // the sentence repeats: it is learnt
    const ids = await generate(model as Module<[t.Tensor], t.Tensor>, data.vocab.encode('the quick '), {
      maxNewTokens: 20,
      blockSize: 16,
      temperature: 0,
    });
    expect(data.vocab.decode(ids)).toBe('brown fox jumps over');
    const worst = await crosscheck('gpt', model, data.getBatch([0, 7]).x);
    expect(worst).toBeLessThan(1e-4);
    model.dispose();
  });

  it('refuses ids longer than blockSize and bad configs', () => {
    const model = new GPT({ vocabSize: 5, blockSize: 4, embedDim: 8, numHeads: 2, numLayers: 1 });
    expect(() => model.call(t.zeros([1, 5], { dtype: 'int32' }))).toThrow(/GPT: a sequence of 5 tokens is longer than blockSize 4/);
    expect(() => model.call(t.zeros([1, 4]))).toThrow(/GPT: ids must be int32 \[batch, seq\], got float32/);
    expect(() => new GPT({ vocabSize: 5, blockSize: 4, embedDim: 8, numHeads: 2, numLayers: 0 })).toThrow(
      /numLayers must be a positive integer/,
    );
    model.dispose();
  });
});

describe('ResNet', () => {
  const mnist = () => createDataset('mnist', { split: 'test', limit: 96, normalize: true }) as Dataset;

  for (const norm of ['batch', 'group'] as const) {
    it(`${norm === 'batch' ? 'BatchNorm' : 'GroupNorm'}: the loss falls on MNIST, and equals torchvision's layout in PyTorch (eval and training mode)`, async () => {
      t.manualSeed(1);
      const model = new ResNet({ numClasses: 10, widths: [8, 16], blocks: [1, 1], norm, groups: 4, stemPool: true });
      expect(Object.keys(model.stateDict())).toContain('layer2.0.downsample.1.weight');
      const { first, last } = await train(model, mnist(), new CrossEntropyLoss(), 1e-2, 16);
      expect(last).toBeLessThan(first);
      const { x } = await (mnist().getBatch!([0, 1, 2, 3]) as Promise<{ x: t.Tensor }>);
      await crosscheck('resnet', model, x);
      model.dispose();
    });
  }

  it('refuses a GroupNorm that does not divide a width', () => {
    expect(() => new ResNet({ numClasses: 10, widths: [6], blocks: [1], norm: 'group', groups: 4 })).toThrow(
      /groups must divide every width/,
    );
  });
});

describe('UNet', () => {
  it('denoises MNIST (loss falls) through a ConvTranspose2d and an Upsample step, and equals the PyTorch U-Net', async () => {
    t.manualSeed(2);
    const noisy = () => createDataset('mnist-noisy', { split: 'test', limit: 64, std: 0.5 }) as Dataset;
    const model = new UNet({ channels: [4, 8, 16], up: ['transposed', 'bilinear'] });
    const { first, last } = await train(model, noisy(), new MSELoss(), 1e-2, 16);
    expect(last).toBeLessThan(first);
    const { x } = await (noisy().getBatch!([0, 1]) as Promise<{ x: t.Tensor }>);
    const y = t.noGrad(() => model.call(x) as t.Tensor);
    expect(y.shape).toEqual([2, 1, 28, 28]);
    y.dispose();
    await crosscheck('unet', model, x);
    expect(() => model.call(t.zeros([1, 1, 30, 30]))).toThrow(/UNet: input must be \[N, C, H, W\] with H and W divisible by 4/);
    model.dispose();
  });
});

describe('model specs', () => {
  it('save as their config alone and rebuild through the registry', () => {
    const gpt = new GPT({ vocabSize: 7, blockSize: 8, embedDim: 8, numHeads: 2, numLayers: 1, activation: 'relu' });
    const spec = moduleToSpec(gpt);
    expect(spec).toEqual({
      type: 'GPT',
      config: { vocabSize: 7, blockSize: 8, embedDim: 8, numHeads: 2, numLayers: 1, activation: 'relu' },
    });
    const rebuilt = moduleFromSpec(spec);
    expect(Object.keys(rebuilt.stateDict())).toEqual(Object.keys(gpt.stateDict()));
    for (const m of [gpt, rebuilt]) m.dispose();
  });
});
