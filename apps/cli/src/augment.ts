import type * as t from '@tensile/core';
import { type CropPaddingMode, compose, randomCrop, randomHorizontalFlip, type Transform } from '@tensile/data';
import { ConfigError, type Json, type Named } from './config.js';

/** The transforms a config's `data.augment` may name, with their options and defaults (torchvision's). */
const AUGMENTATIONS: Record<string, { defaults: Record<string, Json>; build: (c: Record<string, Json>, rng: t.Rng) => Transform }> = {
  randomCrop: {
    defaults: { size: null, padding: 0, paddingMode: 'constant', fill: 0 },
    build: (c, rng) =>
      randomCrop(c.size as number | [number, number], c.padding as number, {
        paddingMode: c.paddingMode as CropPaddingMode,
        fill: c.fill as number,
        rng,
      }),
  },
  randomHorizontalFlip: {
    defaults: { p: 0.5 },
    build: (c, rng) => randomHorizontalFlip(c.p as number, { rng }),
  },
};

/**
 * The training batches' augmentation from a config's `data.augment` list
 * (null when empty), drawing from `rng` so a seed reproduces it and a
 * checkpoint resumes it. Bad names and options fail here, before training.
 *
 * @example
 * buildAugment([{ name: 'randomCrop', config: { size: 28, padding: 2, paddingMode: 'edge' } }], t.defaultRng(), 'mnist.yaml')
 */
export function buildAugment(list: readonly Named[], rng: t.Rng, where: string): Transform | null {
  if (list.length === 0) return null;
  const transforms = list.map(({ name, config }, i) => {
    const at = `${where}: data.augment[${i}]`;
    const entry = AUGMENTATIONS[name];
    if (!entry) throw new ConfigError(`${at}: unknown transform '${name}' (known: ${Object.keys(AUGMENTATIONS).join(', ')})`);
    for (const key of Object.keys(config)) {
      if (!(key in entry.defaults))
        throw new ConfigError(`${at}: ${name}: unknown option '${key}' (known: ${Object.keys(entry.defaults).join(', ')})`);
    }
    try {
      return entry.build({ ...entry.defaults, ...config }, rng);
    } catch (err) {
      throw new ConfigError(`${at}: ${(err as Error).message}`);
    }
  });
  return transforms.length === 1 ? transforms[0] : compose(...transforms);
}
