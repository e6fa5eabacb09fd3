import * as t from '@tensile/core';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchNorm1d, Linear, Module, ReLU, registerLayer, Sequential, Tanh } from '@tensile/layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeCheckpoint, loadCheckpoint, loadModel, loadSafetensors, saveModel } from '@tensile/io';
import { useCpu } from './backend.js';
import { fixture, fixtureJson } from './helpers.js';

beforeAll(useCpu);
const dir = mkdtempSync(join(tmpdir(), 'tensile-io-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

function forward(model: Module, input: number[][]): Promise<number[][]> {
  const x = t.tensor(input);
  const y = (model as Sequential).call(x) as t.Tensor;
  x.dispose();
  return y.toArray().finally(() => y.dispose()) as Promise<number[][]>;
}

/** A model with parameters, buffers (running stats, an int32 counter) and trained values. */
function trainedModel(): Sequential {
  t.manualSeed(7);
  const model = new Sequential(new Linear(4, 3), new BatchNorm1d(3), new ReLU(), new Linear(3, 2), new Tanh());
  // A few training-mode passes move the running statistics and num_batches_tracked off their defaults.
  for (let i = 0; i < 3; i++) {
    const x = t.randn([8, 4]);
    (model.call(x) as t.Tensor).dispose();
    x.dispose();
  }
  return model.eval();
}

const input = [
  [0.5, -1, 2, 0.25],
  [1, 1, -1, -0.5],
  [-2, 0.3, 0.1, 1.5],
];

describe('model files with @tensile/layers', () => {
  it('loads a PyTorch state_dict (safetensors written by PyTorch) and gives PyTorch’s outputs', async () => {
    const expected = fixtureJson<{ input: number[][]; output: number[][] }>('torch-mlp.json');
    const model = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
    const weights = loadSafetensors(fixture('torch-mlp.safetensors'), { fileName: 'torch-mlp.safetensors' });
    model.loadStateDict(weights);
    for (const w of Object.values(weights)) w.dispose();
    const out = await forward(model, expected.input);
    out.flat().forEach((v, i) => expect(v).toBeCloseTo(expected.output.flat()[i], 5));
  });

  it('saveModel + loadModel rebuild the same model through the registry', async () => {
    const model = trainedModel();
    const path = join(dir, 'mlp.tensile');
    await saveModel(model, path);
    const before = t.memory().tensors;
    const loaded = await loadModel(path);
    // Only the new model's own tensors remain: the loaded weights were copied in and freed.
    expect(t.memory().tensors - before).toBe(loaded.parameters().length + loaded.buffers().length);
    expect(loaded).toBeInstanceOf(Sequential);
    expect(loaded.toString()).toBe(model.toString());
    loaded.eval();
    expect(await forward(loaded, input)).toEqual(await forward(model, input));
    const file = decodeSafetensors(readFileSync(path));
    expect(JSON.parse(file.metadata.architecture).children['1']).toMatchObject({ type: 'BatchNorm1d', config: { numFeatures: 3 } });
    expect(file.names).toContain('1.num_batches_tracked');
    expect(file.tensors['1.num_batches_tracked'].dtype).toBe('I32');
    const counter = await loaded.stateDict()['1.num_batches_tracked'].data();
    expect(Array.from(counter)).toEqual([3]);
  });

  it.skipIf(!hasTorch)('PyTorch rebuilds the saved model and computes the same outputs', async () => {
    const model = trainedModel();
    const path = join(dir, 'for-torch.tensile');
    await saveModel(model, path, { int64: ['1.num_batches_tracked'] });
    writeFileSync(join(dir, 'input.json'), JSON.stringify(input));
    const script = new URL('../scripts/torch_run_model.py', import.meta.url).pathname;
    const torchOut = JSON.parse(execFileSync(PYTHON, [script, path, join(dir, 'input.json')], { encoding: 'utf8' })) as number[][];
    const ours = await forward(model, input);
    ours.flat().forEach((v, i) => expect(v).toBeCloseTo(torchOut.flat()[i], 5));
  });

  it('rebuilds a third-party layer once it is registered, and says which one is missing otherwise', async () => {
    class Scale extends Module {
      readonly typeName = 'TestScale';
      constructor(readonly n: number) {
        super();
        this.addParameter('weight', t.ones([n]));
      }
      get config() {
        return { n: this.n };
      }
      forward(x: t.Tensor): t.Tensor {
        return t.mul(x, this.param('weight'));
      }
    }
    const model = new Sequential(new Linear(4, 4), new Scale(4));
    t.assign(model.stateDict()['1.weight'], t.tensor([1, 2, 3, 4]));
    const bytes = await (async () => {
      const path = join(dir, 'scale.tensile');
      await saveModel(model, path);
      return new Uint8Array(readFileSync(path));
    })();
    await expect(loadModel(bytes, { fileName: 'scale.tensile' })).rejects.toThrow(/no layer named 'TestScale' is registered/);
    registerLayer('TestScale', { create: (c) => new Scale(c.n as number) });
    const loaded = await loadModel(bytes);
    expect(await forward(loaded, input)).toEqual(await forward(model, input));
  });

  it('refuses a model file whose weights do not fit its architecture, leaving no tensors behind', async () => {
    const model = trainedModel();
    const path = join(dir, 'bad.tensile');
    await saveModel(model, path, {
      architecture: {
        type: 'Sequential',
        config: {},
        children: { '0': { type: 'Linear', config: { inFeatures: 4, outFeatures: 5, bias: true } } },
      },
    });
    const before = t.memory().tensors;
    await expect(loadModel(path)).rejects.toThrow(
      /loadModel: .*bad.tensile: weights do not fit the model: unexpected .*"0.weight" has shape \[3,4\] in the file but \[5,4\] in the model/,
    );
    expect(t.memory().tensors).toBe(before);
  });

  it('checkpoints store the architecture, so loadModel reads them too', async () => {
    const model = trainedModel();
    const bytes = await encodeCheckpoint({ model, epoch: 2 });
    const fromCheckpoint = await loadModel(bytes);
    fromCheckpoint.eval();
    expect(await forward(fromCheckpoint, input)).toEqual(await forward(model, input));
    const other = trainedModel();
    t.assign(other.stateDict()['0.bias'], t.zeros([3]));
    const before = t.memory().tensors;
    expect((await loadCheckpoint(bytes, { model: other })).epoch).toBe(2);
    expect(t.memory().tensors).toBe(before);
    expect(await forward(other, input)).toEqual(await forward(model, input));
  });
});
