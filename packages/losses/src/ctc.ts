import * as t from '@tensile/core';
import { fmtShape } from './checks.js';
import { checkReduction, type Reduction } from './reduction.js';

export interface CTCOptions {
  /** The blank class (default 0). */
  blank?: number;
  /** 'mean' (default: each loss divided by its target length, then averaged), 'sum' or 'none'. */
  reduction?: Reduction;
  /** Infinite losses (no alignment fits in the input length) and their gradients become 0 (default false). */
  zeroInfinity?: boolean;
}

/** Per-sample lengths: an int32 tensor, an array, or (one sample) a number. */
export type Lengths = t.Tensor | readonly number[] | number;

const NAME = 'CTCLoss';

/** Lengths checked, with where readable their values; `tensor` makes the int32 [N] (call it inside the tidy). */
function lengths(x: Lengths, n: number, param: string, unbatched: boolean): { tensor: () => t.Tensor; host: Int32Array | null } {
  if (t.isTensor(x)) {
    if (x.dtype !== 'int32') throw new t.DTypeError(`${NAME}: ${param} must be int32, got ${x.dtype}`);
    if (x.size !== n || x.rank > 1)
      throw new t.ShapeError(`${NAME}: ${param} ${fmtShape(x.shape)} must hold ${n} length${n === 1 ? '' : 's'}`);
    return { tensor: () => x.reshape([n]), host: x.backend.readSync ? x.dataSync<Int32Array>() : null };
  }
  const values = typeof x === 'number' ? [x] : x;
  if (typeof x === 'number' && !unbatched) throw new t.ArgumentError(`${NAME}: ${param} must be ${n} lengths, got the number ${x}`);
  if (values.length !== n) throw new t.ShapeError(`${NAME}: ${param} has ${values.length} lengths, the batch ${n}`);
  const host = Int32Array.from(values);
  return { tensor: () => t.tensor(host, { shape: [n], dtype: 'int32' }), host };
}

/** Refuses a length outside [0, max] (named by parameter and sample) before work is queued. */
function checkRange(host: Int32Array | null, max: number, param: string, what: string): void {
  if (!host) return;
  const i = host.findIndex((v) => !Number.isInteger(v) || v < 0 || v > max);
  if (i >= 0) throw new t.ArgumentError(`${NAME}: ${param}[${i}] = ${host[i]} is outside [0, ${max}] (${what})`);
}

/** log(exp a + exp b + exp c) that stays -Infinity, with a zero (not NaN) gradient, when all are -Infinity. */
function logAddExp(terms: t.Tensor[]): t.Tensor {
  const m = t.noGrad(() => {
    let top = terms[0];
    for (const x of terms.slice(1)) top = top.maximum(x);
    return t.where(top.isInf(), 0, top);
  });
  let s = terms[0].sub(m).exp();
  for (const x of terms.slice(1)) s = s.add(x.sub(m).exp());
  const some = s.gt(0);
  return t.where(some, t.where(some, s, 1).log().add(m), -Infinity);
}

/** Shifts [N, S] right by k along the states, filling with -Infinity (log 0). */
function shiftRight(a: t.Tensor, k: number): t.Tensor {
  const [n, s] = a.shape;
  const fill = t.full([n, Math.min(k, s)], -Infinity, { dtype: a.dtype });
  return k >= s ? fill : t.concat([fill, a.narrow(1, 0, s - k)], 1);
}

/**
 * Connectionist temporal classification loss (PyTorch's CTCLoss): the
 * negative log-probability of the target label sequence summed over all its
 * alignments with blanks and repeats, by the log-space forward (alpha)
 * recursion; the gradient is autograd's through that recursion.
 *
 * logProbs: [T, N, C] log-probabilities (log_softmax over C), or [T, C] for one
 * sample. targets: int32 [N, S] padded, or the N sequences concatenated [Σ
 * targetLengths] (for one sample: [S]). Labels lie in [0, C) and are not blank.
 *
 * @example
 * ctcLoss(logits.logSoftmax(-1), targets, [50, 48], [20, 13])
 */
export function ctcLoss(
  logProbs: t.Tensor,
  targets: t.Tensor,
  inputLengths: Lengths,
  targetLengths: Lengths,
  options: CTCOptions = {},
): t.Tensor {
  const reduction = options.reduction ?? 'mean';
  const blank = options.blank ?? 0;
  checkReduction(NAME, reduction);
  if (!t.isTensor(logProbs) || !t.isTensor(targets)) throw new t.ArgumentError(`${NAME}: logProbs and targets must be Tensors`);
  if (logProbs.dtype !== 'float32' && logProbs.dtype !== 'float64') {
    throw new t.DTypeError(`${NAME}: logProbs must be float32 or float64, got ${logProbs.dtype}`);
  }
  if (logProbs.rank !== 2 && logProbs.rank !== 3) {
    throw new t.ShapeError(`${NAME}: logProbs must be [T, N, C] or [T, C], got ${fmtShape(logProbs.shape)}`);
  }
  const unbatched = logProbs.rank === 2;
  const [T, N, C] = unbatched ? [logProbs.shape[0], 1, logProbs.shape[1]] : logProbs.shape;
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new t.ArgumentError(`${NAME}: blank must be in [0, ${C}), got ${blank}`);
  if (targets.dtype !== 'int32') throw new t.DTypeError(`${NAME}: targets must be int32, got ${targets.dtype}`);
  const inLen = lengths(inputLengths, N, 'inputLengths', unbatched);
  const tgLen = lengths(targetLengths, N, 'targetLengths', unbatched);
  checkRange(inLen.host, T, 'inputLengths', `logProbs has ${T} time steps`);
  const concatenated = unbatched || targets.rank === 1;
  if (!concatenated && (targets.rank !== 2 || targets.shape[0] !== N)) {
    throw new t.ShapeError(`${NAME}: targets ${fmtShape(targets.shape)} must be [${N}, S] padded or 1-D concatenated`);
  }
  if (concatenated && targets.rank !== 1)
    throw new t.ShapeError(`${NAME}: targets for one sample must be 1-D, got ${fmtShape(targets.shape)}`);
  checkRange(tgLen.host, concatenated ? targets.size : targets.shape[1], 'targetLengths', `targets ${fmtShape(targets.shape)}`);
  const total = tgLen.host?.reduce((a, b) => a + b, 0);
  if (concatenated && !unbatched && total !== undefined && total !== targets.size) {
    throw new t.ShapeError(`${NAME}: concatenated targets ${fmtShape(targets.shape)} must hold Σ targetLengths = ${total} labels`);
  }
  if (targets.backend.readSync && (concatenated || tgLen.host)) {
    // Only labels within each target length count: a padded row's tail may hold anything, as in PyTorch.
    const labels = targets.dataSync<Int32Array>();
    const width = concatenated ? 0 : targets.shape[1];
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i];
      if (!concatenated && i % width >= (tgLen.host as Int32Array)[Math.floor(i / width)]) continue;
      if (v < 0 || v >= C || v === blank) {
        throw new t.ArgumentError(`${NAME}: targets[${i}] = ${v} must be a class in [0, ${C}) other than blank ${blank}`);
      }
    }
  }

  // The padded width: the longest target where lengths are known, else every label (an upper bound).
  const S = concatenated ? (tgLen.host ? Math.max(0, ...tgLen.host) : targets.size) : targets.shape[1];

  return t.tidy(() => {
    const dtype = logProbs.dtype;
    const targetLen = tgLen.tensor();
    // Past its length a row holds blanks (a padded tail may hold anything, even out-of-range values).
    const inTarget = t.arange(0, S, 1, { dtype: 'int32' }).unsqueeze(0).lt(targetLen.unsqueeze(1));
    const padded = t.where(inTarget, concatenated ? padTargets(targets, targetLen, N, S) : targets, blank);
    // The extended sequence blank, l1, blank, l2, ..., blank: [N, 2S + 1].
    const blanks = t.full([N, S], blank, { dtype: 'int32' });
    const ext = t.concat([t.stack([blanks, padded], 2).reshape([N, 2 * S]), t.full([N, 1], blank, { dtype: 'int32' })], 1);
    const width = 2 * S + 1;
    // s may come from s - 2 when ext[s] is a label differing from ext[s - 2].
    const before2 = t.concat([t.full([N, Math.min(2, width)], blank, { dtype: 'int32' }), ext.narrow(1, 0, Math.max(0, width - 2))], 1);
    const skip = ext.ne(blank).logicalAnd(ext.ne(before2));
    const lp = unbatched ? logProbs.unsqueeze(1) : logProbs; // [T, N, C]
    const emit = t.gather(lp.permute([1, 0, 2]), 2, ext.unsqueeze(1).add(t.zeros([1, T, 1], { dtype: 'int32' }))); // [N, T, 2S+1]
    const steps = T > 0 ? t.split(emit, 1, 1) : [];
    // Before the first frame: log 1 at state 0 (so frame 0 reaches states 0 and 1), log 0 elsewhere.
    let alpha = t.tensor(
      Float64Array.from({ length: N * width }, (_, i) => (i % width === 0 ? 0 : -Infinity)),
      { shape: [N, width], dtype },
    );
    const frames = inLen.tensor().unsqueeze(1); // [N, 1]
    for (let f = 0; f < T; f++) {
      const viaSkip = t.where(skip, shiftRight(alpha, 2), -Infinity);
      const next = logAddExp([alpha, shiftRight(alpha, 1), viaSkip]).add(steps[f].reshape([N, width]));
      alpha = t.where(frames.gt(f), next, alpha); // a sample's alpha stops at its input length
    }
    // Paths end in the last label (state 2L - 1) or the blank after it (state 2L).
    const L = targetLen.unsqueeze(1);
    const endBlank = t.gather(alpha, 1, L.mul(2));
    const endLabel = t.where(L.gt(0), t.gather(alpha, 1, L.mul(2).sub(1).clamp(0)), -Infinity);
    let loss = logAddExp([endBlank, endLabel]).reshape([N]).neg();
    if (options.zeroInfinity) loss = t.where(loss.isInf(), 0, loss);
    if (reduction === 'none') return unbatched ? loss.reshape([]) : loss;
    if (reduction === 'sum') return loss.sum();
    return loss.div(targetLen.clamp(1).cast(dtype)).mean();
  });
}

/** Concatenated targets [Σ L] as padded rows [N, S]: row n starts at Σ_{m<n} L_m (a triangular matmul, no host read). */
function padTargets(targets: t.Tensor, lengths: t.Tensor, n: number, s: number): t.Tensor {
  if (s === 0 || targets.size === 0) return t.zeros([n, s], { dtype: 'int32' });
  const strictlyBefore = t.tensor(
    Float64Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) < i % n ? 1 : 0)),
    { shape: [n, n], dtype: 'float64' },
  );
  const starts = lengths.cast('float64').unsqueeze(0).matmul(strictlyBefore).reshape([n, 1]).cast('int32');
  const index = starts.add(t.arange(0, s, 1, { dtype: 'int32' }).unsqueeze(0)).clamp(0, targets.size - 1);
  return t.indexSelect(targets, 0, index.reshape([n * s])).reshape([n, s]);
}
