import type * as t from '@tensile/core';
import { ConfigError, type Named } from './config.js';
import { create } from './registry.js';

/** The options each built-in loss reads (@tensile/losses' option types). */
const LOSS_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  MSELoss: ['reduction'],
  L1Loss: ['reduction'],
  SmoothL1Loss: ['reduction', 'beta'],
  HuberLoss: ['reduction', 'delta'],
  BCELoss: ['reduction', 'weight'],
  BCEWithLogitsLoss: ['reduction', 'weight', 'posWeight'],
  CrossEntropyLoss: ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing'],
  NLLLoss: ['reduction', 'weight', 'ignoreIndex'],
  KLDivLoss: ['reduction', 'logTarget'],
  PoissonNLLLoss: ['reduction', 'logInput', 'full', 'eps'],
  GaussianNLLLoss: ['reduction', 'full', 'eps'],
  MarginRankingLoss: ['reduction', 'margin'],
  HingeEmbeddingLoss: ['reduction', 'margin'],
  CosineEmbeddingLoss: ['reduction', 'margin'],
  TripletMarginLoss: ['reduction', 'margin', 'p', 'eps', 'swap'],
  MultiLabelMarginLoss: ['reduction'],
  MultiLabelSoftMarginLoss: ['reduction', 'weight'],
  MultiMarginLoss: ['reduction', 'p', 'margin', 'weight'],
  SoftMarginLoss: ['reduction'],
  CTCLoss: ['reduction', 'blank', 'zeroInfinity'],
};

function refuse(section: string, named: Named, known: readonly string[], where: string): void {
  const unknown = Object.keys(named.config).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${where}: ${section}: ${named.name} has no option '${unknown[0]}' (known: ${[...known].sort().join(', ') || 'none'})`,
    );
  }
}

/** A built-in loss's config keys must be options it reads (a plugin's loss is not checked: its options are not known here). */
export function checkLossOptions(loss: Named, where: string): void {
  const known = LOSS_OPTIONS[loss.name];
  if (known) refuse('loss', loss, known, where);
}

/**
 * An optimizer's config keys must be hyperparameters it has: its defaults,
 * read from an instance made with the learning rate alone (so a misspelt
 * `momentun: 0.9` is refused instead of training at momentum 0). Works for
 * any optimizer that keeps PyTorch-style `defaults`; others are not checked.
 */
export function checkOptimizerOptions(optimizer: Named, params: t.Tensor[], where: string): void {
  let defaults: object | undefined;
  try {
    const lr = optimizer.config.lr;
    const probe = create<{ defaults?: object }>('optimizer', optimizer.name, params, lr === undefined ? {} : { lr });
    defaults = probe.defaults;
  } catch {
    return; // it needs more than lr to be built; the real construction reports its own errors
  }
  if (defaults) refuse('optimizer', optimizer, Object.keys(defaults), where);
}
