import * as t from '@tensile/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeCheckpoint, indexedDbStorage, loadCheckpoint, saveCheckpoint } from '@tensile/io';
import { useCpu } from './backend.js';
import { TinyModel, TinyOptimizer } from './tiny-model.js';

beforeAll(useCpu);
const dir = mkdtempSync(join(tmpdir(), 'tensile-io-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function values(model: TinyModel): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(model.params)) out[k] = Array.from(await v.data<Float32Array>());
  return out;
}

describe('checkpoints', () => {
  it('restore model, optimizer, rng, loader, epoch, step and extra', async () => {
    const model = new TinyModel(1);
    const optimizer = new TinyOptimizer(model);
    optimizer.state[0].step = 12;
    optimizer.state[0].exp_avg.dispose();
    optimizer.state[0].exp_avg = t.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    optimizer.groups[0].lr = 0.005;
    const rng = new t.Rng(42);
    rng.uniform(); // advance it past its seed state
    const loaderState = { epoch: 3, order: [4, 1, 0, 2, 3], position: 2 };
    const path = join(dir, 'run', 'last.safetensors');
    await saveCheckpoint(
      { model, optimizer, rng, loader: loaderState, epoch: 3, step: 120, extra: { history: [0.9, 0.5], $odd: 'key' } },
      path,
    );

    const file = decodeSafetensors(await (await import('node:fs/promises')).readFile(path));
    expect(file.metadata.format).toBe('tensile-checkpoint');
    expect(file.names.sort()).toEqual(['model.bn.num_batches_tracked', 'model.fc.bias', 'model.fc.weight', 'optimizer.state.0.exp_avg']);

    const fresh = new TinyModel(2);
    const freshOptimizer = new TinyOptimizer(fresh);
    const freshRng = new t.Rng(0);
    const restored = await loadCheckpoint(path, { model: fresh, optimizer: freshOptimizer, rng: freshRng });
    expect(await values(fresh)).toEqual(await values(model));
    expect(freshOptimizer.state[0].step).toBe(12);
    expect(freshOptimizer.state[0].best).toBe(Infinity);
    expect(await freshOptimizer.state[0].exp_avg.data()).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(freshOptimizer.groups).toEqual([{ lr: 0.005, betas: [0.9, 0.999] }]);
    expect(freshRng.getState()).toEqual(rng.getState());
    expect(restored).toMatchObject({ epoch: 3, step: 120, loader: loaderState, extra: { history: [0.9, 0.5], $odd: 'key' } });
  });

  it('works through any Storage (IndexedDB here)', async () => {
    const storage = indexedDbStorage('ckpt', { indexedDB: new IDBFactory() });
    const model = new TinyModel(5);
    await saveCheckpoint({ model, epoch: 1 }, { storage, path: 'ckpt/a' });
    const other = new TinyModel(6);
    expect((await loadCheckpoint({ storage, path: 'ckpt/a' }, { model: other })).epoch).toBe(1);
    expect(await values(other)).toEqual(await values(model));
  });

  it('refuses a mismatched or damaged checkpoint and leaves the model untouched', async () => {
    const model = new TinyModel(1);
    const bytes = await encodeCheckpoint({ model, optimizer: new TinyOptimizer(model), step: 1 });
    const target = new TinyModel(9);
    target.params['fc.weight'].dispose();
    target.params['fc.weight'] = t.zeros([4, 2]);
    const before = await values(target);
    const tensorsBefore = t.memory().tensors;

    await expect(loadCheckpoint(bytes, { model: target, fileName: 'x.ckpt' })).rejects.toThrow(
      'loadCheckpoint: x.ckpt: weights do not fit the model: "fc.weight" has shape [3,2] in the file but [4,2] in the model',
    );
    await expect(loadCheckpoint(bytes.subarray(0, bytes.length - 3), { model: target, fileName: 'x.ckpt' })).rejects.toThrow(
      /safetensors: x.ckpt: tensor .* \(truncated file\?\)/,
    );
    const wrongOptimizer = {
      stateDict: () => ({}),
      loadStateDict: () => {
        throw new Error('optimizer says no');
      },
    };
    const same = new TinyModel(9);
    const sameBefore = await values(same);
    await expect(loadCheckpoint(bytes, { model: same, optimizer: wrongOptimizer })).rejects.toThrow('optimizer says no');
    expect(await values(same)).toEqual(sameBefore);
    expect(await values(target)).toEqual(before);
    expect(t.memory().tensors).toBe(tensorsBefore + 3); // only `same`'s own tensors are new

    const weightsOnly = (await import('@tensile/io')).encodeSafetensors({});
    await expect(loadCheckpoint(weightsOnly, { model: target, fileName: 'w.safetensors' })).rejects.toThrow(
      /safetensors: w.safetensors: not a Tensile tensile-checkpoint file \(__metadata__.format is null\)/,
    );
  });
});
