import * as t from '@tensile/core';
import { ones_, zeros_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface InstanceNormOptions {
  eps?: number;
  /** Weight of the new batch in the running averages (default 0.1). */
  momentum?: number;
  /** Learn a per-channel scale and shift (default false, as PyTorch). */
  affine?: boolean;
  /** Keep running mean/variance and use them in evaluation (default false, as PyTorch). */
  trackRunningStats?: boolean;
}

/**
 * Instance normalisation, shared by InstanceNorm1d and InstanceNorm2d: each
 * channel of each sample is normalised over its spatial axes with its own
 * mean and biased variance. With trackRunningStats, training also updates
 * running averages of the per-instance mean and unbiased variance (averaged
 * over the batch, as PyTorch), which evaluation then uses. Unbatched input
 * ([C, L] / [C, H, W]) is accepted, as PyTorch does.
 */
abstract class InstanceNorm extends Module {
  readonly eps: number;
  readonly momentum: number;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** [C], ones at first; null without affine. */
  declare readonly weight: Parameter | null;
  /** [C], zeros at first; null without affine. */
  declare readonly bias: Parameter | null;
  /** [C] buffers; null without trackRunningStats. */
  declare readonly runningMean: t.Tensor | null;
  declare readonly runningVar: t.Tensor | null;
  declare readonly numBatchesTracked: t.Tensor | null;
  /** Spatial axes of one batched sample (1 for 1d, 2 for 2d). */
  protected abstract readonly spatial: number;
  protected abstract readonly layout: string;

  constructor(
    readonly numFeatures: number,
    options: InstanceNormOptions = {},
  ) {
    super();
    checkSize(new.target.name, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    if (typeof this.momentum !== 'number') throw new t.ArgumentError(`${new.target.name}: momentum must be a number, got ${this.momentum}`);
    this.affine = options.affine ?? false;
    this.trackRunningStats = options.trackRunningStats ?? false;
    const weight = this.addParameter('weight', this.affine ? t.zeros([numFeatures]) : null);
    const bias = this.addParameter('bias', this.affine ? t.zeros([numFeatures]) : null);
    if (weight) ones_(weight);
    if (bias) zeros_(bias);
    const track = this.trackRunningStats;
    this.addBuffer('running_mean', track ? t.zeros([numFeatures]) : null);
    this.addBuffer('running_var', track ? t.ones([numFeatures]) : null);
    this.addBuffer('num_batches_tracked', track ? t.zeros([], { dtype: 'int32' }) : null);
  }

  get config() {
    return {
      numFeatures: this.numFeatures,
      eps: this.eps,
      momentum: this.momentum,
      affine: this.affine,
      trackRunningStats: this.trackRunningStats,
    };
  }

  forward(input: t.Tensor): t.Tensor {
    const batched = this.spatial + 2;
    const rankOk = input.rank === batched || input.rank === batched - 1;
    if (!rankOk || input.shape[input.rank - this.spatial - 1] !== this.numFeatures) {
      throw new t.ShapeError(
        `${this.typeName}(${this.numFeatures}): expected input ${this.layout} with C = ${this.numFeatures}, got [${input.shape.join(',')}]`,
      );
    }
    const x = input.rank === batched ? input : input.unsqueeze(0);
    const axes = Array.from({ length: this.spatial }, (_, i) => i + 2);
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    const useInstanceStats = this.training || !this.trackRunningStats;
    let mean: t.Tensor;
    let variance: t.Tensor;
    const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1));
    if (useInstanceStats) {
      if (this.training && count <= 1) {
        throw new t.ShapeError(
          `${this.typeName}: expected more than 1 spatial element per channel when training, got input [${input.shape.join(',')}]`,
        );
      }
      mean = x.mean(axes, true);
      variance = x.sub(mean).square().mean(axes, true);
      if (this.training && this.trackRunningStats) this.updateRunningStats(mean, variance, count);
    } else {
      mean = this.runningMean!.reshape(channelShape);
      variance = this.runningVar!.reshape(channelShape);
    }
    let y = x.sub(mean).mul(variance.add(this.eps).rsqrt());
    if (this.weight) y = y.mul(this.weight.reshape(channelShape));
    if (this.bias) y = y.add(this.bias.reshape(channelShape));
    return input.rank === batched ? y : y.squeeze(0);
  }

  private updateRunningStats(mean: t.Tensor, biasedVar: t.Tensor, count: number): void {
    t.noGrad(() => {
      for (const [running, batch] of [
        [this.runningMean!, mean],
        [this.runningVar!, biasedVar.mul(count / (count - 1))],
      ] as const) {
        // The per-instance statistics [N, C, 1…] averaged over the batch.
        const updated = t.tidy(() => {
          const value = batch.mean(0).reshape([this.numFeatures]).cast(running.dtype);
          return running.add(value.sub(running).mul(this.momentum));
        });
        t.assign(running, updated);
      }
    });
  }
}

/** Instance normalisation of [N, C, L] (or unbatched [C, L]) input over L. */
export class InstanceNorm1d extends InstanceNorm {
  readonly typeName = 'InstanceNorm1d';
  protected readonly spatial = 1;
  protected readonly layout = '[N, C, L] or [C, L]';
}

/** Instance normalisation of [N, C, H, W] (or unbatched [C, H, W]) input over H and W. */
export class InstanceNorm2d extends InstanceNorm {
  readonly typeName = 'InstanceNorm2d';
  protected readonly spatial = 2;
  protected readonly layout = '[N, C, H, W] or [C, H, W]';
}
