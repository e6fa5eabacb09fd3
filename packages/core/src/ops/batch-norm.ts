import type { BatchNormParams, BatchNormStats } from '../backend/backend.js';
import { isGradEnabled, noGrad, record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, BackendError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { assign } from '../assign.js';
import { tidy } from '../scope.js';
import { Tensor, fromHandle } from '../tensor.js';
import { backendOf, describe } from './util.js';

export interface BatchNormOptions {
  /** Per-channel scale [C] (default none: 1). */
  weight?: Tensor | null;
  /** Per-channel shift [C] (default none: 0). */
  bias?: Tensor | null;
  /** Normalise with the batch's statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /**
   * Weight of the batch in the running averages (default 0.1). A scalar tensor
   * is taken too, so a module's cumulative average (1/num_batches_tracked)
   * needs no read back.
   */
  momentum?: number | Tensor;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalisation over channel axis 1 of input [N, C, ...], PyTorch's
 * `F.batch_norm(input, running_mean, running_var, weight, bias, training,
 * momentum, eps)`: y = (x - mean) / sqrt(var + eps) · weight + bias per
 * channel. Training normalises with the batch mean and biased variance over
 * every axis but 1 and, where running statistics [C] are given, updates them
 * in place (the variance unbiased, n/(n-1)); evaluation normalises with the
 * running statistics. Runs on the backend's fused kernels where it has them;
 * one recorded op, with gradients of any order.
 *
 * @example
 * const x = t.randn([8, 3, 4, 4]);
 * const mean = t.zeros([3]), variance = t.ones([3]);
 * const y = t.batchNorm(x, mean, variance, { training: true }); // [8, 3, 4, 4]; mean, variance updated
 * const z = t.batchNorm(x, mean, variance); // evaluation: the running statistics
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  const p = checkArgs(input, runningMean, runningVar, weight, bias, training, momentum, eps);
  const b = backendOf('batchNorm', ...[input, weight, bias, runningMean, runningVar].filter((v): v is Tensor => v !== null));
  const x = input;
  const channel = x.shape.map((d, i) => (i === 1 ? d : 1));
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const count = p.n * p.inner;

  let y: Tensor;
  let batch: { mean: Tensor; variance: Tensor } | null = null;
  // Evaluation's statistics, copied: backward must see them as they were, though a later step updates them in place.
  const stats = training ? null : noGrad(() => ({ mean: runningMean!.cast(x.dtype), variance: runningVar!.cast(x.dtype) }));
  const fused =
    b.batchNormForward && x.size > 0
      ? b.batchNormForward(
          x.handle('batchNorm'),
          weight?.handle('batchNorm') ?? null,
          bias?.handle('batchNorm') ?? null,
          stats && { mean: stats.mean.handle('batchNorm'), variance: stats.variance.handle('batchNorm') },
          x.dtype,
          p,
        )
      : null;
  if (fused) {
    y = fromHandle(b, fused.y, x.shape, x.dtype);
    if (training) {
      if (!fused.stats) throw new BackendError(`batchNorm: backend '${b.name}' batchNormForward returned no statistics in training`);
      batch = { mean: fromHandle(b, fused.stats.mean, [p.c], x.dtype), variance: fromHandle(b, fused.stats.variance, [p.c], x.dtype) };
    }
  } else {
    // The composition, not recorded: the op's own backward below is used.
    const e = x.detach();
    [y, batch] = noGrad(() =>
      tidy(() => {
        const m = training ? e.mean(axes, true) : stats!.mean.reshape(channel);
        const centered = e.sub(m);
        const v = training ? centered.square().mean(axes, true) : stats!.variance.reshape(channel);
        let out = centered.mul(v.add(eps).rsqrt());
        if (weight) out = out.mul(weight.detach().reshape(channel));
        if (bias) out = out.add(bias.detach().reshape(channel));
        return [out, training ? { mean: m.reshape([p.c]), variance: v.reshape([p.c]) } : null] as const;
      }),
    );
    e.dispose();
  }
  if (batch && runningMean && runningVar) updateRunning(runningMean, runningVar, batch, count, momentum);

  // One node over the inputs present; a gradient slot per input.
  const constants = (batch ?? stats)!;
  const inputs = [x, weight, bias].filter((v): v is Tensor => v !== null);
  const out = record(
    'batchNorm',
    inputs,
    y,
    (g, _o, needs) => {
      const need = [needs[0], weight !== null && needs[1], bias !== null && needs[inputs.length - 1]];
      const grads = training
        ? trainingGrad(g, x, weight, constants, p, axes, channel)
        : evalGrad(g, x, weight, constants, eps, axes, channel, need);
      // Training computes all three at once; free those no input asked for.
      grads.forEach((d, i) => {
        if (!need[i]) d?.dispose();
      });
      const [dx, dw, db] = grads.map((d, i) => (need[i] ? d : null));
      return [dx, ...(weight ? [dw] : []), ...(bias ? [db] : [])];
    },
    [constants.mean, constants.variance],
  );
  constants.mean.dispose();
  constants.variance.dispose();
  return out;
}

function checkArgs(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  training: boolean,
  momentum: number | Tensor,
  eps: number,
): BatchNormParams {
  if (!(x instanceof Tensor)) throw new ArgumentError(`batchNorm: 'input' must be a tensor, got ${describe(x)}`);
  if (!isFloat(x.dtype)) throw new DTypeError(`batchNorm: 'input' must be float32 or float64, got ${x.dtype} ${fmtShape(x.shape)}`);
  if (x.rank < 2) throw new ShapeError(`batchNorm: 'input' must be [N, C, ...] (rank ≥ 2), got ${fmtShape(x.shape)}`);
  const [n, c] = x.shape;
  const inner = x.size / Math.max(1, n * c);
  const perChannel = { runningMean, runningVar, weight, bias };
  for (const [name, v] of Object.entries(perChannel)) {
    if (v === null || v === undefined) continue;
    if (!(v instanceof Tensor)) throw new ArgumentError(`batchNorm: '${name}' must be a tensor or null, got ${describe(v)}`);
    if (v.rank !== 1 || v.shape[0] !== c) {
      throw new ShapeError(`batchNorm: '${name}' must be [${c}] for input ${fmtShape(x.shape)} (C = ${c}), got ${fmtShape(v.shape)}`);
    }
    if (!isFloat(v.dtype)) throw new DTypeError(`batchNorm: '${name}' must be float, got ${v.dtype}`);
  }
  for (const [name, v] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (v && v.dtype !== x.dtype) throw new DTypeError(`batchNorm: '${name}' is ${v.dtype}, input is ${x.dtype}`);
  }
  if ((runningMean === null) !== (runningVar === null)) {
    throw new ArgumentError('batchNorm: give both runningMean and runningVar, or neither');
  }
  if (!training && runningMean === null) {
    throw new ArgumentError('batchNorm: runningMean and runningVar are needed when training is false (evaluation uses them)');
  }
  if (training && n * inner <= 1) {
    throw new ShapeError(`batchNorm: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
  }
  if (typeof eps !== 'number' || !(eps >= 0)) throw new ArgumentError(`batchNorm: 'eps' must be a number ≥ 0, got ${describe(eps)}`);
  if (!(momentum instanceof Tensor) && typeof momentum !== 'number') {
    throw new ArgumentError(`batchNorm: 'momentum' must be a number or a scalar tensor, got ${describe(momentum)}`);
  }
  return { n, c, inner, eps };
}

/** running ← running + momentum·(batch − running), the variance unbiased by count/(count−1); in place, not recorded. */
function updateRunning(
  runningMean: Tensor,
  runningVar: Tensor,
  batch: { mean: Tensor; variance: Tensor },
  count: number,
  momentum: number | Tensor,
): void {
  noGrad(() => {
    for (const [running, value] of [
      [runningMean, batch.mean],
      [runningVar, batch.variance],
    ] as const) {
      const updated = tidy(() => {
        const v = (running === runningVar ? value.mul(count / (count - 1)) : value).cast(running.dtype);
        const factor = momentum instanceof Tensor ? momentum.cast(running.dtype) : momentum;
        return running.add(v.sub(running).mul(factor));
      });
      assign(running, updated);
    }
  });
}

/**
 * The training gradient. With no graph being built, the backend's fused kernel where it has one; otherwise
 * composed with the statistics recomputed from x by recorded ops, so gradients of this gradient are right.
 */
function trainingGrad(
  g: Tensor,
  x: Tensor,
  weight: Tensor | null,
  batch: { mean: Tensor; variance: Tensor },
  p: BatchNormParams,
  axes: number[],
  channel: number[],
): (Tensor | null)[] {
  const b = x.backend;
  if (!isGradEnabled() && b.batchNormBackward) {
    const stats: BatchNormStats = { mean: batch.mean.handle('batchNorm'), variance: batch.variance.handle('batchNorm') };
    const r = b.batchNormBackward(g.handle('batchNorm'), x.handle('batchNorm'), stats, weight?.handle('batchNorm') ?? null, x.dtype, p);
    if (r) {
      return [fromHandle(b, r.dx, x.shape, x.dtype), fromHandle(b, r.dweight, [p.c], x.dtype), fromHandle(b, r.dbias, [p.c], x.dtype)];
    }
  }
  return tidy(() => {
    const count = p.n * p.inner;
    const mean = x.mean(axes, true);
    const centered = x.sub(mean);
    const invstd = centered.square().mean(axes, true).add(p.eps).rsqrt();
    const xhat = centered.mul(invstd);
    const sumDy = g.sum(axes, true);
    const sumDyXhat = g.mul(xhat).sum(axes, true);
    const scale = weight ? invstd.mul(weight.reshape(channel)) : invstd;
    // dx = γ·invstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)), PyTorch's batch_norm_backward in training.
    const dx = scale.div(count).mul(g.mul(count).sub(sumDy).sub(xhat.mul(sumDyXhat)));
    return [dx, sumDyXhat.reshape([p.c]), sumDy.reshape([p.c])];
  });
}

/** The evaluation gradient: the statistics are constants, so y is affine in x. */
function evalGrad(
  g: Tensor,
  x: Tensor,
  weight: Tensor | null,
  stats: { mean: Tensor; variance: Tensor },
  eps: number,
  axes: number[],
  channel: number[],
  needs: readonly boolean[],
): (Tensor | null)[] {
  return tidy(() => {
    const invstd = stats.variance.reshape(channel).add(eps).rsqrt();
    const scale = weight ? invstd.mul(weight.reshape(channel)) : invstd;
    const dx = needs[0] ? g.mul(scale) : null;
    const xhat = needs[1] ? x.sub(stats.mean.reshape(channel)).mul(invstd) : null;
    const dw = xhat ? g.mul(xhat).sum(axes) : null;
    const db = needs[2] ? g.sum(axes) : null;
    return [dx, dw, db];
  });
}
