import * as t from '@tensile/core';
import {
  BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, type Loss, MSELoss, NLLLoss, SmoothL1Loss,
} from './modules.js';

/** A registered loss: a class constructed with its options object. */
export type LossEntry = new (options?: never) => Loss;

declare module '@tensile/core' {
  interface RegistryKinds {
    loss: LossEntry;
  }
}

/** The built-in losses by the names configs and the CLI use (PyTorch's class names). */
export const LOSSES: Readonly<Record<string, LossEntry>> = {
  MSELoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss,
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
