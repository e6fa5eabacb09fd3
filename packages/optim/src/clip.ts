import * as t from '@tensile/core';

/**
 * Rescales the gradients of `params` in place so their joint norm is at most
 * maxNorm (torch.nn.utils.clip_grad_norm_) and returns the norm before
 * clipping. normType is p of the p-norm (Infinity for the max norm).
 * Parameters without a gradient are skipped. Reads the norm synchronously:
 * on backends that cannot (webgpu) use clipGradNormAsync.
 *
 * @example
 * loss.backward();
 * const norm = clipGradNorm(params, 1.0);
 * opt.step();
 */
export function clipGradNorm(params: readonly t.Tensor[], maxNorm: number, normType = 2): number {
  const grads = gradsOf('clipGradNorm', params, maxNorm, normType);
  if (grads.length === 0) return 0;
  const total = totalNorm(grads, normType);
  if (!total.backend.readSync) {
    total.dispose();
    throw new t.ArgumentError(`clipGradNorm: backend '${total.backend.name}' reads asynchronously; use clipGradNormAsync`);
  }
  const norm = total.dataSync<Float64Array>()[0];
  total.dispose();
  scaleGrads(grads, maxNorm, norm);
  return norm;
}

/** clipGradNorm for every backend, reading the norm asynchronously. */
export async function clipGradNormAsync(params: readonly t.Tensor[], maxNorm: number, normType = 2): Promise<number> {
  const grads = gradsOf('clipGradNorm', params, maxNorm, normType);
  if (grads.length === 0) return 0;
  const total = totalNorm(grads, normType);
  const norm = (await total.data<Float64Array>())[0];
  total.dispose();
  scaleGrads(grads, maxNorm, norm);
  return norm;
}

/** Clamps every gradient entry into [-clip, clip] in place (torch.nn.utils.clip_grad_value_). */
export function clipGradValue(params: readonly t.Tensor[], clip: number): void {
  if (!(clip >= 0)) throw new t.ArgumentError(`clipGradValue: clip must be ≥ 0, got ${clip}`);
  t.noGrad(() => {
    for (const p of params) {
      const g = p.grad;
      if (g) t.tidy(() => t.assign(g, g.clamp(-clip, clip)));
    }
  });
}

function gradsOf(op: string, params: readonly t.Tensor[], maxNorm: number, normType: number): t.Tensor[] {
  if (!(maxNorm >= 0)) throw new t.ArgumentError(`${op}: maxNorm must be ≥ 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new t.ArgumentError(`${op}: normType must be > 0 (or Infinity), got ${normType}`);
  return params.map((p) => p.grad).filter((g): g is t.Tensor => g !== null);
}

/** The joint p-norm of the gradients as a 0-d tensor (float64 where the backend has it). */
function totalNorm(grads: readonly t.Tensor[], normType: number): t.Tensor {
  const dtype: t.DType = grads[0].backend.dtypes.includes('float64') ? 'float64' : 'float32';
  return t.noGrad(() =>
    t.tidy(() => {
      const parts = grads.map((g) => {
        if (normType === Infinity) return g.abs().max().cast(dtype);
        const powered = normType === 2 ? g.square() : g.abs().pow(normType);
        return powered.sum().cast(dtype);
      });
      const joined = t.stack(parts);
      return normType === Infinity ? joined.max() : joined.sum().pow(1 / normType);
    }),
  );
}

/** PyTorch's rule: multiply by maxNorm / (norm + 1e-6) when that is below 1. */
function scaleGrads(grads: readonly t.Tensor[], maxNorm: number, norm: number): void {
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return;
  t.noGrad(() => {
    for (const g of grads) t.tidy(() => t.assign(g, g.mul(coef)));
  });
}
