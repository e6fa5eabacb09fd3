import * as t from '@tensile/core';
import type { Accuracy, Metric } from '@tensile/train';

/**
 * Peak signal-to-noise ratio of image outputs against their targets, in dB,
 * averaged over samples: 10·log10(peak² / MSE) per sample (peak 1 for images
 * scaled to 0–1). Accumulated on the device like the built-in metrics.
 *
 * @example
 * const psnr = new PSNR();
 * psnr.update(denoised, clean); // [N, 1, 28, 28] each
 * await psnr.result(); // e.g. 21.7
 */
export class PSNR implements Metric {
  readonly name = 'psnr';
  private total: t.Tensor | null = null;
  private count = 0;

  constructor(readonly peak = 1) {}

  reset(): void {
    this.total?.dispose();
    this.total = null;
    this.count = 0;
  }

  update(prediction: t.Tensor, target: t.Tensor): void {
    const n = prediction.shape[0] ?? 1;
    const next = t.noGrad(() =>
      t.tidy(() => {
        const mse = prediction.sub(target.reshape(prediction.shape)).square().reshape([n, -1]).mean(1);
        // 10·log10(peak²/mse), with the MSE floored so a perfect sample counts as 100 dB rather than Infinity.
        const db = mse
          .maximum(1e-10)
          .log10()
          .mul(-10)
          .add(20 * Math.log10(this.peak))
          .sum();
        return this.total ? this.total.add(db) : db;
      }),
    );
    this.total?.dispose();
    this.total = t.keep(next);
    this.count += n;
  }

  async result(): Promise<number> {
    if (!this.total || this.count === 0) return NaN;
    return (await this.total.data())[0] / this.count;
  }

  async state(): Promise<Record<string, number>> {
    return { total: this.total ? (await this.total.data())[0] : 0, count: this.count };
  }

  loadState(state: Record<string, number>): void {
    this.reset();
    this.count = state.count;
    if (state.count > 0) this.total = t.keep(t.tensor(state.total, { dtype: 'float32' }));
  }
}

/** The metrics the CLI adds to @tensile/train's names (accuracy, mae, topK): `psnr`. */
export const CLI_METRICS: Readonly<Record<string, () => Metric>> = { psnr: () => new PSNR() };

/** A config's metric names as fit takes them: the CLI's own as instances, the rest as names; `accuracy` as the given instance. */
export function resolveCliMetrics(names: readonly string[], accuracy?: Accuracy): (Metric | string)[] {
  return names.map((m) => (m === 'accuracy' && accuracy ? accuracy : CLI_METRICS[m] ? CLI_METRICS[m]() : m));
}
