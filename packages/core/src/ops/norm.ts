import { noGrad, record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, fmtShape } from '../errors.js';
import { normalizeAxes } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { where } from './elementwise.js';
import type { Axes } from './reduce-table.js';
import { describe } from './util.js';

/** A vector norm's order: a number (Infinity, -Infinity and 0 included) or 'fro' (the 2-norm). */
export type NormOrder = number | 'fro';

/**
 * The p-norm over `dim` (all axes when omitted), PyTorch's `norm(p, dim,
 * keepdim)` as a vector norm: (Σ|x|^p)^(1/p); Infinity gives max|x|,
 * -Infinity min|x|, 0 the count of nonzeros, 'fro' (the default) the 2-norm.
 * int32 and bool inputs are computed in float32. Gradients are PyTorch's,
 * 0 where the norm is 0; for ±Infinity shared evenly among the entries that
 * reach it.
 *
 * @example
 * t.tensor([3, -4]).norm(); // 5
 * t.tensor([[1, -2], [3, 4]]).norm(1, 1); // [3, 7]
 */
export function norm(x: Tensor, p: NormOrder = 'fro', dim?: Axes, keepdim = false): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`norm: 'input' must be a tensor, got ${describe(x)}`);
  if (p !== 'fro' && (typeof p !== 'number' || Number.isNaN(p))) {
    throw new ArgumentError(`norm: 'p' must be a number (Infinity, -Infinity and 0 included) or 'fro', got ${describe(p)}`);
  }
  const axes = normalizeAxes('norm', dim, x.rank);
  if (!isFloat(x.dtype)) return tidy(() => norm(cast(x, 'float32'), p, axes, keepdim));
  const order = p === 'fro' ? 2 : p;
  if (Math.abs(order) === Infinity) {
    for (const a of axes) {
      if (x.shape[a] === 0) throw new ArgumentError(`norm: the ${order}-norm of the empty axis ${a} of ${fmtShape(x.shape)} has no value`);
    }
  }
  const out = noGrad(() => tidy(() => normOf(x, order, axes, keepdim)));
  const kept = x.shape.map((s, a) => (axes.includes(a) ? 1 : s));
  return record('norm', [x], out, (g, o) => [normGrad(g.reshape(kept), x, o.reshape(kept), order, axes)]);
}

function normOf(x: Tensor, p: number, axes: readonly number[], keepdim: boolean): Tensor {
  const a = x.abs();
  if (p === Infinity) return a.amax(axes, keepdim);
  if (p === -Infinity) return a.amin(axes, keepdim);
  if (p === 0) return x.ne(0).sum(axes, keepdim).cast(x.dtype);
  if (p === 1) return a.sum(axes, keepdim);
  if (p === 2) return a.square().sum(axes, keepdim).sqrt();
  return a
    .pow(p)
    .sum(axes, keepdim)
    .pow(1 / p);
}

/** PyTorch's norm_backward, with g and out kept as size 1 over the reduced axes (they broadcast against x). */
function normGrad(g: Tensor, x: Tensor, out: Tensor, p: number, axes: readonly number[]): Tensor {
  if (p === 0) return x.zerosLike();
  if (p === 1) return g.mul(x.sign());
  const zero = out.eq(0);
  if (p === 2) return x.mul(where(zero, 0, g.div(where(zero, 1, out))));
  if (Math.abs(p) === Infinity) {
    const hit = x.abs().eq(out).cast(x.dtype);
    return x
      .sign()
      .mul(hit)
      .mul(g.div(hit.sum(axes, true)));
  }
  // sign(x)·|x|^(p-1), 0 at x = 0 (for p < 1 the power is infinite there), times g / out^(p-1), 0 where out = 0.
  const a = x.abs();
  const atZero = x.eq(0);
  const scaled = where(atZero, 0, x.sign().mul(where(atZero, 1, a).pow(p - 1)));
  return scaled.mul(where(zero, 0, g.div(where(zero, 1, out).pow(p - 1))));
}
