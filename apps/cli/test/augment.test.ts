/**
 * `data.augment`: random transforms of the training batches only (the
 * ResNet's ±2 px shifts), built from the config before anything trains.
 */
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { TensorDataset } from '@tensile/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAugment } from '../src/augment.js';
import { parseConfig } from '../src/config.js';
import { evalLoader, makeLoader } from '../src/data.js';

beforeAll(async () => {
  await t.setBackend(cpu());
});

const base = { data: { name: 'mnist' }, model: [{ Flatten: {} }] };
const shift = { name: 'randomCrop', config: { size: 5, padding: 2, paddingMode: 'edge' } };

/** Images [n, 1, 5, 5] whose pixel (i, y, x) is i·100 + y·10 + x, labelled i. */
function images(n: number): TensorDataset<{ x: t.Tensor; y: t.Tensor }> {
  const x = t.tensor(
    Float32Array.from({ length: n * 25 }, (_, k) => Math.floor(k / 25) * 100 + (Math.floor(k / 5) % 5) * 10 + (k % 5)),
    {
      shape: [n, 1, 5, 5],
    },
  );
  return new TensorDataset({ x, y: t.arange(n).cast('int32') });
}

/** The (dy, dx) shifts in [-2, 2]² that explain image i of a batch, the edge pixels repeated. */
function shiftsOf(pixels: Float32Array, i: number, label: number): string[] {
  const clamp = (v: number) => Math.min(Math.max(v, 0), 4);
  const img = pixels.slice(i * 25, (i + 1) * 25);
  const found: string[] = [];
  for (let dy = -2; dy <= 2; dy++)
    for (let dx = -2; dx <= 2; dx++)
      if (img.every((p, k) => p === label * 100 + clamp(Math.floor(k / 5) + dy) * 10 + clamp((k % 5) + dx))) found.push(`${dy},${dx}`);
  return found;
}

describe('data.augment', () => {
  it('is read as a list of named transforms; errors name the file and the entry', () => {
    expect(parseConfig(base, 'c.yaml').data.augment).toEqual([]);
    const { augment } = parseConfig(
      { ...base, data: { name: 'mnist', augment: [{ randomCrop: { size: 28, padding: 2 } }] } },
      'c.yaml',
    ).data;
    expect(augment).toEqual([{ name: 'randomCrop', config: { size: 28, padding: 2 } }]);
    expect(() => parseConfig({ ...base, data: { name: 'mnist', augment: { randomCrop: {} } } }, 'c.yaml')).toThrow(
      /c\.yaml: data\.augment: must be a list of transforms/,
    );
    const rng = new t.Rng(0);
    expect(() => buildAugment([{ name: 'randomRotation', config: {} }], rng, 'c.yaml')).toThrow(
      /c\.yaml: data\.augment\[0\]: unknown transform 'randomRotation' \(known: randomCrop, randomHorizontalFlip\)/,
    );
    expect(() => buildAugment([{ name: 'randomCrop', config: { size: 28, pad: 2 } }], rng, 'c.yaml')).toThrow(
      /data\.augment\[0\]: randomCrop: unknown option 'pad' \(known: size, padding, paddingMode, fill\)/,
    );
    expect(() => buildAugment([{ name: 'randomCrop', config: { padding: 2 } }], rng, 'c.yaml')).toThrow(
      /data\.augment\[0\]: randomCrop: size must be positive integers, got null/,
    );
    expect(buildAugment([], rng, 'c.yaml')).toBeNull();
  });

  it('shifts each training image by up to ±2 px, seeded; validation and test batches stay as they are', async () => {
    const data = images(32);
    const config = parseConfig(base, 'c.yaml');
    const seen = new Set<string>();
    const epochs: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const augment = buildAugment([shift], new t.Rng(7), 'c.yaml');
      const train = makeLoader(data, config.data, { batchSize: 16, shuffle: false, seed: 0, augment });
      const before = t.memory().tensors;
      const pixels: number[] = [];
      for await (const batch of train) {
        const { x, y } = batch as { x: t.Tensor; y: t.Tensor };
        const v = (await x.data()) as Float32Array;
        const labels = await y.data();
        labels.forEach((label, i) => {
          const found = shiftsOf(v, i, label);
          expect(found.length).toBeGreaterThan(0);
          seen.add(found[0]);
        });
        pixels.push(...v);
        t.dispose([x, y]);
      }
      expect(t.memory().tensors).toBe(before); // the unshifted batch is freed
      epochs.push(pixels);
    }
    expect(seen.size).toBeGreaterThan(10); // 25 shifts, equally likely
    expect(epochs[1]).toEqual(epochs[0]); // the same generator state gives the same shifts
    for await (const batch of evalLoader(data, config)) {
      const { x, y } = batch as { x: t.Tensor; y: t.Tensor };
      expect(Array.from(await x.data())).toEqual(Array.from(await data.getBatch(Array.from(await y.data())).x.data()));
      t.dispose([x, y]);
    }
  });
});
