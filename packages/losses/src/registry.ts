import * as t from '@tensile/core';
import {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  type Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from './modules.js';

/**
 * A registered loss: a class constructed with its options object, e.g.
 * `new (t.registry.get('loss', 'HuberLoss'))({ delta: 0.5 })`. A registry
 * name is a runtime string, so the options cannot be typed by name; each
 * loss checks its options when constructed.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above: any loss's options fit (unknown would refuse each class's own options type)
export type LossEntry = new (options?: any) => Loss;

declare module '@tensile/core' {
  interface RegistryKinds {
    loss: LossEntry;
  }
}

/** The built-in losses by the names configs and the CLI use (PyTorch's class names). */
export const LOSSES: Readonly<Record<string, LossEntry>> = {
  MSELoss,
  L1Loss,
  SmoothL1Loss,
  HuberLoss,
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  NLLLoss,
  KLDivLoss,
};

/**
 * Registers every built-in loss under kind 'loss' in core's registry.
 * Idempotent, also across copies of this package, and leaves alone a name
 * someone registered first (an override).
 */
export function registerLosses(): void {
  for (const [name, entry] of Object.entries(LOSSES)) {
    if (!t.registry.has('loss', name)) t.registry.register('loss', name, entry);
  }
}
