import * as t from '@tensile/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  encodeCheckpoint,
  encodeModel,
  encodeSafetensors,
  loadModel,
  saveModel,
  type ModelArchitecture,
} from '@tensile/io';
import { useCpu } from './backend.js';
import { fixture } from './helpers.js';
import { TinyModel } from './tiny-model.js';

beforeAll(useCpu);
const dir = mkdtempSync(join(tmpdir(), 'tensile-io-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const architecture = (seed: number): ModelArchitecture => ({ type: 'Tiny', config: { seed } });
const build = (arch: ModelArchitecture) => new TinyModel(arch.config.seed as number);

async function values(model: TinyModel): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(model.params)) out[k] = Array.from(await v.data<Float32Array>());
  return out;
}

describe('model files', () => {
  it('save and load rebuild the model with its weights', async () => {
    const model = new TinyModel(3);
    model.params['fc.bias'].dispose();
    model.params['fc.bias'] = t.tensor([7, 8, 9]); // trained: differs from what seed 3 builds
    const path = join(dir, 'tiny.tensile');
    await saveModel(model, path, { architecture: architecture(3), metadata: { trainedOn: 'nothing' } });

    const loaded = await loadModel(path, { build });
    expect(await values(loaded)).toEqual(await values(model));

    // The file is plain safetensors with PyTorch names and the architecture in metadata.
    const file = decodeSafetensors(await (await import('node:fs/promises')).readFile(path));
    expect(file.names.sort()).toEqual(['bn.num_batches_tracked', 'fc.bias', 'fc.weight']);
    expect(file.metadata).toEqual({
      format: 'tensile-model',
      version: '2',
      architecture: '{"type":"Tiny","config":{"seed":3}}',
      trainedOn: 'nothing',
      checksum: expect.stringMatching(/^crc32:[0-9a-f]{8}$/),
    });
  });

  it('loads the model inside a checkpoint', async () => {
    const model = new TinyModel(4);
    const ckpt = await encodeCheckpoint({ model, step: 5, architecture: architecture(0) });
    expect(await values(await loadModel(ckpt, { build }))).toEqual(await values(model));
    // A checkpoint without an architecture cannot rebuild the model.
    const bare = await encodeCheckpoint({ model, step: 5 });
    await expect(loadModel(bare, { build, fileName: 'c.ckpt' })).rejects.toThrow(/c.ckpt: __metadata__ has no "architecture"/);
  });

  it('refuses mismatched weights without leaking tensors', async () => {
    const bytes = await encodeModel(new TinyModel(1), architecture(1));
    const before = t.memory().tensors;
    const wrongShape = (arch: ModelArchitecture) => {
      const m = build(arch);
      m.params['fc.bias'].dispose();
      m.params['fc.bias'] = t.zeros([5]);
      m.params['bn.num_batches_tracked'].dispose();
      delete m.params['bn.num_batches_tracked'];
      m.params.extra = t.zeros([1]);
      return m;
    };
    await expect(loadModel(bytes, { build: wrongShape, fileName: 'm.tensile' })).rejects.toThrow(
      'loadModel: m.tensile: weights do not fit the model: missing "extra"; unexpected "bn.num_batches_tracked"; ' +
        '"fc.bias" has shape [3] in the file but [5] in the model',
    );
    expect(t.memory().tensors).toBe(before);
  });

  it('refuses files that are not Tensile models, naming the file', async () => {
    await expect(loadModel(fixture('torch-mlp.safetensors'), { build, fileName: 'torch-mlp.safetensors' })).rejects.toThrow(
      /safetensors: torch-mlp.safetensors: not a Tensile tensile-model or tensile-checkpoint file \(__metadata__.format is "pt"\).*loadSafetensors\(\)/,
    );
    const badArch = encodeSafetensors({}, { format: 'tensile-model', version: '1', architecture: '{"type":' });
    await expect(loadModel(badArch, { build, fileName: 'a.tensile' })).rejects.toThrow(
      /a.tensile: __metadata__.architecture is not valid JSON/,
    );
    const noType = encodeSafetensors({}, { format: 'tensile-model', version: '1', architecture: '{"config":{}}' });
    await expect(loadModel(noType, { build })).rejects.toThrow(/__metadata__.architecture: "type" must be a registry name/);
    const future = encodeSafetensors({}, { format: 'tensile-model', version: '9', architecture: '{}' });
    await expect(loadModel(future, { build })).rejects.toThrow(/tensile-model version "9" is not supported/);
    await expect(loadModel(join(dir, 'nope.tensile'), { build })).rejects.toThrow(
      /nodeStorage: cannot read ".*nope.tensile": no such file/,
    );
  });
});
