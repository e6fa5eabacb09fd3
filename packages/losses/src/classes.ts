import * as t from '@tensile/core';
import { fmtShape } from './checks.js';

/**
 * Logits or log-probabilities [N, C], [C] or [N, C, d1, ...] as rows [M, C]
 * with the class axis last, plus the shape an index target must have.
 */
export function classRows(loss: string, input: t.Tensor): { rows: t.Tensor; classes: number; targetShape: number[] } {
  if (input.rank === 0) throw new t.ShapeError(`${loss}: input must be [N, C], [C] or [N, C, d1, ...], got a scalar`);
  if (input.dtype !== 'float32' && input.dtype !== 'float64') {
    throw new t.DTypeError(`${loss}: input must be float32 or float64, got ${input.dtype}`);
  }
  if (input.rank === 1) return { rows: input.reshape([1, input.shape[0]]), classes: input.shape[0], targetShape: [] };
  const classes = input.shape[1];
  const targetShape = [input.shape[0], ...input.shape.slice(2)];
  if (input.rank === 2) return { rows: input, classes, targetShape };
  // Move the class axis last so the row-wise kernels (fused logSoftmax) apply.
  const perm = [0, ...Array.from({ length: input.rank - 2 }, (_, i) => i + 2), 1];
  return { rows: input.permute(perm).reshape([input.size / classes, classes]), classes, targetShape };
}

/**
 * Validates class-index targets: int32, the right shape, every value in
 * [0, classes) or equal to ignoreIndex. Values are read synchronously where
 * the backend can (cpu, wasm) so a bad label fails here, before any work is
 * queued, and returned; on webgpu (async reads only) the value check is
 * skipped and null is returned.
 */
export function checkClassTargets(
  loss: string,
  target: t.Tensor,
  targetShape: readonly number[],
  classes: number,
  ignoreIndex: number,
): Int32Array | null {
  if (target.dtype !== 'int32') {
    throw new t.DTypeError(
      `${loss}: class-index target must be int32, got ${target.dtype} (pass float probabilities with the input's shape instead)`,
    );
  }
  if (target.rank !== targetShape.length || target.shape.some((d, i) => d !== targetShape[i])) {
    throw new t.ShapeError(
      `${loss}: target ${fmtShape(target.shape)} does not match input: expected class indices ${fmtShape(targetShape)}`,
    );
  }
  if (!target.backend.readSync) return null;
  const values = target.dataSync<Int32Array>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== ignoreIndex && (v < 0 || v >= classes)) {
      throw new t.ArgumentError(
        `${loss}: target[${i}] = ${v} is out of range for ${classes} classes (valid: 0..${classes - 1} or ignoreIndex ${ignoreIndex})`,
      );
    }
  }
  return values;
}

/** Checks a class-weight vector: float, [C]. */
export function checkClassWeight(loss: string, weight: t.Tensor, classes: number): void {
  if (weight.rank !== 1 || weight.shape[0] !== classes) {
    throw new t.ShapeError(`${loss}: weight ${fmtShape(weight.shape)} must be [${classes}], one per class`);
  }
}

/**
 * The one-hot mask [M, C] of the targets (entries `scale`; ignored rows all zero). Built
 * on the host from values already read for the range check (one upload, no
 * kernels); on the device when the values could not be read.
 */
export function targetMask(
  target: t.Tensor,
  host: Int32Array | null,
  classes: number,
  ignoreIndex: number,
  dtype: t.DType,
  scale = 1,
): t.Tensor {
  const m = target.size;
  if (host) {
    const data = dtype === 'float64' ? new Float64Array(m * classes) : new Float32Array(m * classes);
    for (let i = 0; i < m; i++) if (host[i] !== ignoreIndex) data[i * classes + host[i]] = scale;
    return t.tensor(data, { shape: [m, classes], dtype });
  }
  return t.tidy(() => {
    const flat = target.reshape([m]);
    const valid = flat.ne(ignoreIndex);
    const safe = t.where(valid, flat, 0);
    return t.oneHot(safe, classes).cast(dtype).mul(valid.cast(dtype).unsqueeze(1));
  });
}
