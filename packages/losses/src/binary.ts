import * as t from '@tensile/core';
import { checkFloat, checkSameShape, fmtShape, like } from './checks.js';
import { reduce } from './reduction.js';
import type { ReductionOptions } from './regression.js';

export interface BCEOptions extends ReductionOptions {
  /** Per-element rescaling, broadcast against the input. */
  weight?: t.Tensor | null;
}

export function checkBroadcast(loss: string, input: t.Tensor, w: t.Tensor, name: string): void {
  let shape: number[] | null = null;
  try {
    shape = t.broadcastShapes(loss, input.shape, w.shape);
  } catch {
    shape = null;
  }
  if (!shape || shape.length !== input.rank || shape.some((d, i) => d !== input.shape[i])) {
    throw new t.ShapeError(`${loss}: ${name} ${fmtShape(w.shape)} does not broadcast to input ${fmtShape(input.shape)}`);
  }
}

/**
 * Binary cross-entropy on probabilities: -w·(y·log x + (1-y)·log(1-x)),
 * each log clamped to ≥ -100 as PyTorch does so x = 0 or 1 stays finite.
 *
 * @example
 * bceLoss(t.tensor([0.9, 0.2]), t.tensor([1, 0]))
 */
export function bceLoss(input: t.Tensor, target: t.Tensor, options: BCEOptions = {}): t.Tensor {
  checkFloat('BCELoss', input, 'input');
  checkSameShape('BCELoss', input, target);
  if (options.weight) checkBroadcast('BCELoss', input, options.weight, 'weight');
  return t.tidy(() => {
    let loss = binaryCrossEntropy(input, like(target, input));
    if (options.weight) loss = loss.mul(like(options.weight, input));
    return reduce('BCELoss', loss, options.reduction ?? 'mean');
  });
}

/** -(y·log x + (1-y)·log(1-x)) per element, logs clamped at -100. */
function clampedTerms(x: t.Tensor): { logX: t.Tensor; log1mX: t.Tensor } {
  return { logX: x.log().clamp(-100), log1mX: x.neg().add(1).log().clamp(-100) };
}

/**
 * The elementwise BCE with PyTorch's own gradient, (x - y) / max(x·(1-x), 1e-12):
 * differentiating through the clamped logs would give 0/0 = NaN where a
 * saturated sigmoid makes x exactly 0 or 1.
 */
function binaryCrossEntropy(x: t.Tensor, y: t.Tensor): t.Tensor {
  const out = t.noGrad(() =>
    t.tidy(() => {
      const { logX, log1mX } = clampedTerms(x);
      return y.mul(logX).add(y.neg().add(1).mul(log1mX)).neg();
    }),
  );
  return t.record('binaryCrossEntropy', [x, y], out, (g, _out, needs) => [
    needs[0] ? g.mul(x.sub(y)).div(x.mul(x.neg().add(1)).maximum(1e-12)) : null,
    needs[1]
      ? t.tidy(() => {
          const { logX, log1mX } = clampedTerms(x);
          return g.mul(log1mX.sub(logX));
        })
      : null,
  ]);
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of the positive term, broadcast along the last (class) axis. */
  posWeight?: t.Tensor | null;
}

/**
 * Sigmoid + binary cross-entropy in one numerically stable expression:
 * max(x, 0) - x·y + log1p(exp(-|x|)); with posWeight p,
 * (1-y)·x + (1 + (p-1)·y)·(log1p(exp(-|x|)) + max(-x, 0)) (PyTorch's form).
 */
export function bceWithLogitsLoss(input: t.Tensor, target: t.Tensor, options: BCEWithLogitsOptions = {}): t.Tensor {
  const name = 'BCEWithLogitsLoss';
  checkFloat(name, input, 'input');
  checkSameShape(name, input, target);
  if (options.weight) checkBroadcast(name, input, options.weight, 'weight');
  if (options.posWeight) checkBroadcast(name, input, options.posWeight, 'posWeight');
  return t.tidy(() => {
    const y = like(target, input);
    // maximum splits ties evenly, so the gradient at x = 0 is sigmoid(0) - y as PyTorch's.
    const softplusNegAbs = input.abs().neg().exp().log1p();
    let loss: t.Tensor;
    if (options.posWeight) {
      const logWeight = like(options.posWeight, input).sub(1).mul(y).add(1);
      loss = y
        .neg()
        .add(1)
        .mul(input)
        .add(logWeight.mul(softplusNegAbs.add(input.neg().maximum(0))));
    } else {
      loss = input.maximum(0).sub(input.mul(y)).add(softplusNegAbs);
    }
    if (options.weight) loss = loss.mul(like(options.weight, input));
    return reduce(name, loss, options.reduction ?? 'mean');
  });
}
