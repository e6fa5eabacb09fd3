import { record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { ShapeError, fmtShape } from '../errors.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { tidy } from '../scope.js';
import { type Tensor, fromHandle } from '../tensor.js';
import { cast } from './cast.js';
import { backendOf } from './util.js';

function rowwise(
  op: 'softmax' | 'logSoftmax',
  x: Tensor,
  axis: number,
  compose: (x: Tensor, a: number) => Tensor,
  backward: (g: Tensor, out: Tensor, a: number) => Tensor,
): Tensor {
  if (!isFloat(x.dtype)) return tidy(() => rowwise(op, cast(x, 'float32'), axis, compose, backward));
  const a = normalizeAxis(op, axis, x.rank);
  const b = backendOf(op, x);
  const fused = b[op];
  let out: Tensor;
  if (fused && a === x.rank - 1 && x.size > 0) {
    const cols = x.shape[a];
    out = fromHandle(b, fused.call(b, x.handle(op), x.dtype, x.size / cols, cols), x.shape, x.dtype);
  } else {
    // Composition from primitives, computed without recording: the op's own backward is used.
    const e = x.detach();
    out = tidy(() => compose(e, a));
    e.dispose();
  }
  return record(op, [x], out, (g, o) => [backward(g, o, a)]);
}

/** softmax(x) = exp(x - max) / Σ exp(x - max) along an axis (the last by default). */
export function softmax(x: Tensor, axis = -1): Tensor {
  return rowwise(
    'softmax',
    x,
    axis,
    (e, a) => {
      const z = e.sub(e.amax(a, true)).exp();
      return z.div(z.sum(a, true));
    },
    (g, y, a) => y.mul(g.sub(g.mul(y).sum(a, true))),
  );
}

/**
 * log(softmax(x)), computed stably as s - log Σ exp(s), s = x - max: shifting
 * first keeps float32 precision for rows with a large offset (x - logsumexp(x)
 * rounds the offset twice). An infinite max is subtracted too, as PyTorch
 * does: a row holding +Inf, or all -Inf, comes out all NaN.
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return rowwise(
    'logSoftmax',
    x,
    axis,
    (e, a) => {
      const s = e.sub(e.amax(a, true));
      return s.sub(s.exp().sum(a, true).log());
    },
    (g, y, a) => g.sub(y.exp().mul(g.sum(a, true))),
  );
}

/**
 * The affine map of a dense layer: x · weightᵀ + bias, weight [out, in] as
 * PyTorch lays it out. Backward: dX = dZ·W, dW = dZᵀ·X, db = Σ over the batch.
 * Uses the backend's fused matmulBias when it has one.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.rank !== 2) throw new ShapeError(`linear: weight must be [out, in], got ${fmtShape(weight.shape)}`);
  const [outF, inF] = weight.shape;
  if (x.shape.at(-1) !== inF) {
    throw new ShapeError(
      `linear: input ${fmtShape(x.shape)} has ${x.shape.at(-1)} features, weight ${fmtShape(weight.shape)} expects ${inF}`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError(`linear: bias ${fmtShape(bias.shape)} must be [${outF}] for weight ${fmtShape(weight.shape)}`);
  }
  const b = backendOf('linear', x, weight);
  if (bias && b.matmulBias && x.rank >= 1 && x.dtype === weight.dtype && bias.dtype === x.dtype) {
    const rows = sizeOf(x.shape.slice(0, -1));
    const p = { batch: 1, m: rows, k: inF, n: outF, transA: false, transB: true, aBatched: false, bBatched: false };
    const h = b.matmulBias(x.handle('linear'), weight.handle('linear'), bias.handle('linear'), x.dtype, p, 'none');
    const out = fromHandle(b, h, [...x.shape.slice(0, -1), outF], x.dtype);
    return record('linear', [x, weight, bias], out, (g, _o, needs) => {
      const g2 = g.reshape([rows, outF]);
      const x2 = x.reshape([rows, inF]);
      return [
        needs[0] ? g2.matmul(weight).reshape(x.shape) : null,
        needs[1] ? g2.matmul(x2, { transA: true }) : null,
        needs[2] ? g2.sum(0) : null,
      ];
    });
  }
  return tidy(() => {
    const z = x.matmul(weight, { transB: true });
    return bias ? z.add(bias) : z;
  });
}
