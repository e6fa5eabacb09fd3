import * as t from '@tensile/core';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { Adamax } from './adamax.js';
import { ASGD } from './asgd.js';
import { LBFGS } from './lbfgs.js';
import { NAdam } from './nadam.js';
import type { Optimizer, ParamGroupInput } from './optimizer.js';
import { RAdam } from './radam.js';
import { RMSprop } from './rmsprop.js';
import { Rprop } from './rprop.js';
import { SGD } from './sgd.js';
import { ConstantLR, CosineAnnealingLR, ExponentialLR, LinearLR, MultiStepLR, StepLR } from './schedulers/basic.js';
import { ChainedScheduler, SequentialLR } from './schedulers/compose.js';
import { CyclicLR } from './schedulers/cyclic.js';
import { LambdaLR, MultiplicativeLR } from './schedulers/lambda.js';
import { OneCycleLR } from './schedulers/one-cycle.js';
import { ReduceLROnPlateau } from './schedulers/plateau.js';
import { PolynomialLR } from './schedulers/polynomial.js';
import { CosineAnnealingWarmRestarts } from './schedulers/warm-restarts.js';

/**
 * A registered optimizer: core's one entry shape, created from parameters
 * and options: `t.registry.create('optimizer', 'SGD', model.parameters(), { lr: 0.1 })`.
 * Every Optimizer class is an entry as it is (it inherits a static create).
 * A registry name is a runtime string, so the options cannot be typed by
 * name; each optimizer checks its options when constructed.
 */
export type OptimizerEntry = t.RegistryEntry<
  [
    params: readonly t.Tensor[] | readonly ParamGroupInput<Record<string, number | boolean>>[],
    // biome-ignore lint/suspicious/noExplicitAny: see above: any optimizer's options fit (unknown would refuse each class's own options type)
    options: any,
  ],
  Optimizer<{ lr: number }>
>;

/**
 * A registered scheduler: core's one entry shape, created from the
 * optimizer and options (`t.registry.create('scheduler', 'StepLR', opt, {
 * stepSize: 10 })`), or from schedulers for the composites
 * (SequentialLR(optimizer, schedulers, milestones), ChainedScheduler(schedulers));
 * each checks its arguments. The scheduler classes are entries as they are.
 */
// biome-ignore lint/suspicious/noExplicitAny: the argument lists differ by scheduler (unknown[] would refuse each class's own)
export type SchedulerEntry = t.RegistryEntry<any[], { step(metric?: number): void; getLastLr(): number[] }>;

declare module '@tensile/core' {
  interface RegistryKinds {
    optimizer: OptimizerEntry;
    scheduler: SchedulerEntry;
  }
}

export const OPTIMIZERS: Readonly<Record<string, OptimizerEntry>> = {
  SGD,
  Adam,
  AdamW,
  RMSprop,
  Adagrad,
  NAdam,
  RAdam,
  Adamax,
  Adadelta,
  Rprop,
  ASGD,
  LBFGS,
};

export const SCHEDULERS: Readonly<Record<string, SchedulerEntry>> = {
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LinearLR,
  ConstantLR,
  ReduceLROnPlateau,
  OneCycleLR,
  SequentialLR,
  ChainedScheduler,
  LambdaLR,
  MultiplicativeLR,
  CyclicLR,
  CosineAnnealingWarmRestarts,
  PolynomialLR,
};

/**
 * Registers every optimizer (kind 'optimizer') and LR scheduler (kind
 * 'scheduler') in core's registry. Idempotent, also across copies of this
 * package, and leaves alone a name someone registered first (an override).
 */
export function registerOptimizers(): void {
  for (const [name, entry] of Object.entries(OPTIMIZERS)) {
    if (!t.registry.has('optimizer', name)) t.registry.register('optimizer', name, entry);
  }
  for (const [name, entry] of Object.entries(SCHEDULERS)) {
    if (!t.registry.has('scheduler', name)) t.registry.register('scheduler', name, entry);
  }
}
