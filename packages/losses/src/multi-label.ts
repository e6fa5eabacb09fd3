import * as t from '@tensile/core';
import { checkBroadcast } from './binary.js';
import { checkFloat, checkNumber, checkSameShape, fmtShape, like } from './checks.js';
import { checkClassWeight } from './classes.js';
import { checkReduction, reduce } from './reduction.js';
import type { ReductionOptions } from './regression.js';

/** Scores [N, C] or [C]: the row-matrix shape [M, C] they are computed as. */
function rowShape(name: string, input: t.Tensor): [number, number] {
  checkFloat(name, input, 'input');
  if (input.rank !== 1 && input.rank !== 2) throw new t.ShapeError(`${name}: input must be [N, C] or [C], got ${fmtShape(input.shape)}`);
  return input.rank === 1 ? [1, input.shape[0]] : [input.shape[0], input.shape[1]];
}

/** Reads int32 labels where the backend can, so a bad one fails before work is queued (as classes.ts). */
function checkLabels(name: string, target: t.Tensor, lo: number, hi: number, rule: string): void {
  if (target.dtype !== 'int32') throw new t.DTypeError(`${name}: target must be int32 class indices, got ${target.dtype}`);
  if (!target.backend.readSync) return;
  const values = target.dataSync<Int32Array>();
  const i = values.findIndex((v) => v < lo || v >= hi);
  if (i >= 0) throw new t.ArgumentError(`${name}: target[${i}] = ${values[i]} is out of range (${rule})`);
}

/**
 * Multi-label hinge loss: each row of the int32 target lists the sample's
 * classes, ended by the first -1; for each listed class j and each unlisted
 * class i, max(0, 1 - (x[j] - x[i])), summed and divided by C
 * (PyTorch's MultiLabelMarginLoss).
 *
 * @example
 * multiLabelMarginLoss(scores, t.tensor([[3, 0, -1, 1]], { dtype: 'int32' })) // classes 3 and 0
 */
export function multiLabelMarginLoss(input: t.Tensor, target: t.Tensor, options: ReductionOptions = {}): t.Tensor {
  const name = 'MultiLabelMarginLoss';
  checkReduction(name, options.reduction ?? 'mean');
  const [M, C] = rowShape(name, input);
  checkSameShape(name, input, target);
  checkLabels(name, target, -1, C, `valid: 0..${C - 1}, or -1 to end the list`);
  return t.tidy(() => {
    const x = input.reshape([M, C]);
    const dtype = x.dtype;
    const labels = target.reshape([M, C]);
    // A position is listed while no -1 came at or before it: count the -1s up to k with a triangular matmul.
    const upTo = t.tensor(
      Float64Array.from({ length: C * C }, (_, i) => (Math.floor(i / C) <= i % C ? 1 : 0)),
      { shape: [C, C], dtype },
    );
    const listed = labels.eq(-1).cast(dtype).matmul(upTo).eq(0).cast(dtype); // [M, K]
    const safe = t.where(listed.gt(0), labels, 0);
    const isTarget = t.oneHot(safe, C).cast(dtype).mul(listed.unsqueeze(2)).sum(1).gt(0).cast(dtype); // [M, C]
    const xTarget = t.gather(x, 1, safe); // [M, K]
    // relu: PyTorch adds a term only where it is > 0, so the gradient at exactly 0 is 0.
    const hinge = x.unsqueeze(1).sub(xTarget.unsqueeze(2)).add(1).relu(); // [M, K, C]
    const mask = listed.unsqueeze(2).mul(isTarget.neg().add(1).unsqueeze(1));
    const loss = hinge.mul(mask).sum([1, 2]).div(C);
    return reduce(name, input.rank === 1 ? loss.reshape([]) : loss, options.reduction ?? 'mean');
  });
}

export interface MultiLabelSoftMarginOptions extends ReductionOptions {
  /** Per-class rescaling, broadcast against the input. */
  weight?: t.Tensor | null;
}

/**
 * Binary cross-entropy with logits per class, averaged over the last (class)
 * axis: -(y·logσ(x) + (1-y)·logσ(-x)) (PyTorch's MultiLabelSoftMarginLoss).
 */
export function multiLabelSoftMarginLoss(input: t.Tensor, target: t.Tensor, options: MultiLabelSoftMarginOptions = {}): t.Tensor {
  const name = 'MultiLabelSoftMarginLoss';
  checkReduction(name, options.reduction ?? 'mean');
  checkFloat(name, input, 'input');
  if (input.rank === 0) throw new t.ShapeError(`${name}: input must have a class axis, got a scalar`);
  checkSameShape(name, input, target);
  if (options.weight) checkBroadcast(name, input, options.weight, 'weight');
  return t.tidy(() => {
    const y = like(target, input);
    // -logσ(x) = softplus(-x) = max(-x, 0) + log1p(exp(-|x|)).
    const tail = input.abs().neg().exp().log1p();
    const negLogSig = input.neg().maximum(0).add(tail);
    const negLogSigNeg = input.maximum(0).add(tail);
    let loss = y.mul(negLogSig).add(y.neg().add(1).mul(negLogSigNeg));
    if (options.weight) loss = loss.mul(like(options.weight, input));
    return reduce(name, loss.sum(-1).div(input.shape[input.rank - 1]), options.reduction ?? 'mean');
  });
}

export interface MultiMarginOptions extends ReductionOptions {
  /** 1 (hinge, default) or 2 (squared hinge). */
  p?: 1 | 2;
  /** Default 1. */
  margin?: number;
  /** Per-class rescaling [C], applied by the target class. */
  weight?: t.Tensor | null;
}

/**
 * Multi-class hinge loss: Σ_{i≠y} max(0, margin - x[y] + x[i])^p · w[y] / C
 * for scores [N, C] and int32 targets [N] (or [C] and one target)
 * (PyTorch's MultiMarginLoss).
 */
export function multiMarginLoss(input: t.Tensor, target: t.Tensor, options: MultiMarginOptions = {}): t.Tensor {
  const name = 'MultiMarginLoss';
  const p = options.p ?? 1;
  const margin = options.margin ?? 1;
  checkReduction(name, options.reduction ?? 'mean');
  if (p !== 1 && p !== 2) throw new t.ArgumentError(`${name}: p must be 1 or 2, got ${p}`);
  checkNumber(name, 'margin', margin, () => true, 'a finite number');
  const [M, C] = rowShape(name, input);
  if (target.rank > 1 || target.size !== M) {
    throw new t.ShapeError(
      `${name}: target ${fmtShape(target.shape)} must hold ${M} class ${M === 1 ? 'index' : 'indices'} for input ${fmtShape(input.shape)}`,
    );
  }
  checkLabels(name, target, 0, C, `valid: 0..${C - 1}`);
  if (options.weight) checkClassWeight(name, options.weight, C);
  return t.tidy(() => {
    const x = input.reshape([M, C]);
    const labels = target.reshape([M, 1]);
    const z = x
      .sub(t.gather(x, 1, labels))
      .add(margin)
      .relu(); // PyTorch counts only z > 0
    let h = p === 2 ? z.square() : z;
    h = h.mul(
      t
        .oneHot(labels.reshape([M]), C)
        .cast(x.dtype)
        .neg()
        .add(1),
    );
    if (options.weight) h = h.mul(t.indexSelect(like(options.weight, x), 0, labels.reshape([M])).unsqueeze(1));
    const loss = h.sum(1).div(C);
    return reduce(name, input.rank === 1 ? loss.reshape(target.shape) : loss, options.reduction ?? 'mean');
  });
}
