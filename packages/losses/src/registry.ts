import * as t from '@tensile/core';
import {
  BCELoss,
  BCEWithLogitsLoss,
  CTCLoss,
  CosineEmbeddingLoss,
  CrossEntropyLoss,
  GaussianNLLLoss,
  HingeEmbeddingLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  type Loss,
  MSELoss,
  MarginRankingLoss,
  MultiLabelMarginLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  NLLLoss,
  PoissonNLLLoss,
  SmoothL1Loss,
  SoftMarginLoss,
  TripletMarginLoss,
} from './modules.js';

/**
 * A registered loss: core's one entry shape, created from its options
 * object: `t.registry.create('loss', 'HuberLoss', { delta: 0.5 })`. Every Loss
 * class is an entry as it is (it inherits a static create). A registry
 * name is a runtime string, so the options cannot be typed by name; each
 * loss checks its options when constructed. Most losses' forward takes
 * (input, target); GaussianNLLLoss, MarginRankingLoss, CosineEmbeddingLoss,
 * TripletMarginLoss and CTCLoss take PyTorch's other arguments and name the
 * one missing when called with two.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above: any loss's options and forward arguments fit (unknown would refuse each class's own)
export type LossEntry = t.RegistryEntry<[options?: any], Loss<object, any>>;

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
  PoissonNLLLoss,
  GaussianNLLLoss,
  MarginRankingLoss,
  HingeEmbeddingLoss,
  CosineEmbeddingLoss,
  TripletMarginLoss,
  MultiLabelMarginLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  SoftMarginLoss,
  CTCLoss,
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
