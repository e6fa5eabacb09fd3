/**
 * @tensile/optim: torch.optim's optimizers (SGD, Adam, AdamW, RMSprop,
 * Adagrad, NAdam, RAdam, Adamax, Adadelta, Rprop, ASGD, LBFGS) with parameter groups and state dicts, its LR schedulers, and
 * gradient clipping. Parameters are updated in place (t.assign), so models
 * holding them by reference see the new values.
 *
 * Gradient accumulation (Caffe's iter_size): `.grad` adds up over backward
 * calls until zeroGrad(), so k micro-batches with the loss scaled by 1/k and
 * one step() equal one step on the whole batch.
 */
export { Optimizer } from './optimizer.js';
export type { BaseOptions, CheckedOptimizerState, OptimizerStateDict, ParamGroup, ParamGroupInput, ParamState } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export { NAdam } from './nadam.js';
export type { NAdamOptions } from './nadam.js';
export { RAdam } from './radam.js';
export type { RAdamOptions } from './radam.js';
export { Adamax } from './adamax.js';
export type { AdamaxOptions } from './adamax.js';
export { Adadelta } from './adadelta.js';
export type { AdadeltaOptions } from './adadelta.js';
export { Rprop } from './rprop.js';
export type { RpropOptions } from './rprop.js';
export { ASGD } from './asgd.js';
export type { ASGDOptions } from './asgd.js';
export { LBFGS } from './lbfgs.js';
export type { LBFGSClosure, LBFGSOptions } from './lbfgs.js';
export { clipGradNorm, clipGradNormAsync, clipGradValue } from './clip.js';
export { LRScheduler } from './schedulers/scheduler.js';
export type { SchedulableOptimizer, SchedulerStateDict } from './schedulers/scheduler.js';
export { StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, ConstantLR } from './schedulers/basic.js';
export { ReduceLROnPlateau } from './schedulers/plateau.js';
export type { ReduceLROnPlateauOptions } from './schedulers/plateau.js';
export { OneCycleLR } from './schedulers/one-cycle.js';
export type { OneCycleLROptions } from './schedulers/one-cycle.js';
export { SequentialLR, ChainedScheduler } from './schedulers/compose.js';
export { LambdaLR, MultiplicativeLR } from './schedulers/lambda.js';
export type { LrLambda } from './schedulers/lambda.js';
export { CyclicLR } from './schedulers/cyclic.js';
export type { CyclicLROptions } from './schedulers/cyclic.js';
export { CosineAnnealingWarmRestarts } from './schedulers/warm-restarts.js';
export { PolynomialLR } from './schedulers/polynomial.js';
export { registerOptimizers, OPTIMIZERS, SCHEDULERS } from './registry.js';
export type { OptimizerEntry, SchedulerEntry } from './registry.js';
