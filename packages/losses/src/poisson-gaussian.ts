import * as t from '@tensile/core';
import { checkFloat, checkNumber, checkSameShape, checkTensor, fmtShape, like } from './checks.js';
import { checkReduction, reduce } from './reduction.js';
import type { ReductionOptions } from './regression.js';

export interface PoissonNLLOptions extends ReductionOptions {
  /** The input is log(rate) (default true): loss exp(x) - y·x; else the rate: x - y·log(x + eps). */
  logInput?: boolean;
  /** Add Stirling's approximation of log(y!) where y > 1 (default false). */
  full?: boolean;
  /** Keeps log(x + eps) finite at rate 0 when logInput is false (default 1e-8). */
  eps?: number;
}

/**
 * Negative log-likelihood of a Poisson target with the input as (log) rate
 * (PyTorch's PoissonNLLLoss).
 *
 * @example
 * poissonNllLoss(logRate, counts) // logInput: exp(logRate) - counts·logRate, mean
 */
export function poissonNllLoss(input: t.Tensor, target: t.Tensor, options: PoissonNLLOptions = {}): t.Tensor {
  const name = 'PoissonNLLLoss';
  const reduction = options.reduction ?? 'mean';
  const eps = options.eps ?? 1e-8;
  checkReduction(name, reduction);
  checkNumber(name, 'eps', eps, (v) => v >= 0, '≥ 0');
  checkFloat(name, input, 'input');
  checkSameShape(name, input, target);
  return t.tidy(() => {
    const y = like(target, input);
    let loss = (options.logInput ?? true) ? input.exp().sub(y.mul(input)) : input.sub(y.mul(input.add(eps).log()));
    if (options.full) {
      // y·log y - y + ½·log(2πy), only where y > 1 (PyTorch masks the rest to 0).
      const big = y.gt(1);
      const safe = t.where(big, y, 1);
      const stirling = y
        .mul(safe.log())
        .sub(y)
        .add(
          safe
            .mul(2 * Math.PI)
            .log()
            .mul(0.5),
        );
      loss = loss.add(t.where(big, stirling, 0));
    }
    return reduce(name, loss, reduction);
  });
}

export interface GaussianNLLOptions extends ReductionOptions {
  /** Add the constant ½·log(2π) (default false). */
  full?: boolean;
  /** Variances below eps are clamped to eps for the value; the gradient passes unclamped, as PyTorch (default 1e-6). */
  eps?: number;
}

/** var of the input's shape, without its last axis (one per sample: unsqueezed) or with last axis 1 (shared). */
function varianceLike(name: string, input: t.Tensor, variance: t.Tensor): 'same' | 'unsqueeze' {
  const s = input.shape;
  const v = variance.shape;
  const eq = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  if (eq(s, v)) return 'same';
  if (s.length > 0 && eq(s.slice(0, -1), v)) return 'unsqueeze';
  if (s.length > 0 && v.length === s.length && v[v.length - 1] === 1 && eq(s.slice(0, -1), v.slice(0, -1))) return 'same';
  throw new t.ShapeError(
    `${name}: var ${fmtShape(v)} must have the input's shape ${fmtShape(s)}, that shape without its last axis, or last axis 1`,
  );
}

/**
 * Negative log-likelihood of the target under N(input, var):
 * ½·(log max(var, eps) + (input - target)² / max(var, eps)) (+ ½·log 2π with full)
 * (PyTorch's GaussianNLLLoss). A negative variance is refused.
 *
 * @example
 * gaussianNllLoss(mean, target, variance, { full: true })
 */
export function gaussianNllLoss(input: t.Tensor, target: t.Tensor, variance: t.Tensor, options: GaussianNLLOptions = {}): t.Tensor {
  const name = 'GaussianNLLLoss';
  const reduction = options.reduction ?? 'mean';
  const eps = options.eps ?? 1e-6;
  checkReduction(name, reduction);
  checkNumber(name, 'eps', eps, (v) => v >= 0, '≥ 0');
  checkTensor(name, variance, 'var');
  checkFloat(name, input, 'input');
  checkFloat(name, variance, 'var');
  checkSameShape(name, input, target);
  const layout = varianceLike(name, input, variance);
  if (variance.backend.readSync) {
    const values = variance.dataSync<Float64Array>();
    const i = values.findIndex((v) => v < 0);
    if (i >= 0) throw new t.ArgumentError(`${name}: var must be ≥ 0, got var[${i}] = ${values[i]}`);
  }
  return t.tidy(() => {
    let v = like(variance, input);
    if (layout === 'unsqueeze') v = v.unsqueeze(-1);
    // max(v, eps) as a value only: PyTorch clamps a copy under no_grad, so the gradient is that of v.
    const clampShift = t.noGrad(() => v.clamp(eps).sub(v));
    const vc = v.add(clampShift);
    let loss = vc
      .log()
      .add(input.sub(like(target, input)).square().div(vc))
      .mul(0.5);
    if (options.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
    return reduce(name, loss, reduction);
  });
}
