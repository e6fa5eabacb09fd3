import * as t from '@tensile/core';

/** What fit needs of a model: @tensile/layers' Module fits, so does any object with these. */
export interface TrainableModel {
  /** Returns the prediction tensor (a method, so every Module subclass's own forward parameters fit). */
  forward(...inputs: unknown[]): unknown;
  parameters(): t.Tensor[];
  train(mode?: boolean): unknown;
  eval(): unknown;
}

/** A loss module (`new CrossEntropyLoss()`) or a plain function. */
export type LossLike =
  | ((prediction: t.Tensor, target: t.Tensor) => t.Tensor)
  | { forward(prediction: t.Tensor, target: t.Tensor): t.Tensor };

export interface OptimizerLike {
  step(): void;
  zeroGrad(): void;
}

export interface SchedulerLike {
  step(metric?: number): void;
}

/** A batch as loaders yield it: `[x, y]`, `{ x, y }` or `{ input, target }`. */
export type Batch = readonly [t.Tensor, t.Tensor] | { x: t.Tensor; y: t.Tensor } | { input: t.Tensor; target: t.Tensor };

export type BatchSource = AsyncIterable<Batch> | Iterable<Batch>;

/** Metric values by name (`loss`, `accuracy`, `val_loss`, …) plus the epoch/step they belong to. */
export type Logs = Record<string, number>;

export function unpackBatch(batch: Batch): [t.Tensor, t.Tensor] {
  if (Array.isArray(batch)) return [batch[0], batch[1]];
  const b = batch as Record<string, t.Tensor>;
  if (b.x && b.y) return [b.x, b.y];
  if (b.input && b.target) return [b.input, b.target];
  throw new TypeError('fit: a batch must be [x, y], { x, y } or { input, target }');
}

/** Runs the model, through Module.call when it has one (so errors and anomaly mode name the layer). */
export function runModel(model: TrainableModel, x: t.Tensor): t.Tensor {
  const callable = model as TrainableModel & { call?: (x: t.Tensor) => unknown };
  const out = typeof callable.call === 'function' ? callable.call(x) : model.forward(x);
  if (!(out instanceof t.Tensor)) throw new t.ArgumentError('fit: the model must return one tensor from forward');
  return out;
}

/**
 * Runs the loss under the module name `loss (<its name>)`, so anomaly mode
 * and errors can point at the loss as they point at a layer.
 */
export function callLoss(loss: LossLike, prediction: t.Tensor, target: t.Tensor): t.Tensor {
  const name = typeof loss === 'function' ? loss.name || 'function' : loss.constructor.name;
  return t.withModuleName(`loss (${name})`, () =>
    typeof loss === 'function' ? loss(prediction, target) : loss.forward(prediction, target),
  );
}
