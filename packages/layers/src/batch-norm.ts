import * as t from '@tensile/core';
import { ones_, zeros_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running averages (default 0.1); null: cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running mean/variance for evaluation (default true). */
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation over the channel axis 1, shared by BatchNorm1d and
 * BatchNorm2d. Training normalises with the batch mean and biased variance and
 * updates the running averages with the unbiased variance (as PyTorch);
 * evaluation normalises with the running averages.
 */
abstract class BatchNorm extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** [C], ones at first; null without affine. */
  declare readonly weight: Parameter | null;
  /** [C], zeros at first; null without affine. */
  declare readonly bias: Parameter | null;
  /** [C] buffers; null without trackRunningStats. */
  declare readonly runningMean: t.Tensor | null;
  declare readonly runningVar: t.Tensor | null;
  /** An int32 scalar buffer; null without trackRunningStats. */
  declare readonly numBatchesTracked: t.Tensor | null;
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    checkSize(new.target.name, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    // Absent ones are registered as null (as PyTorch's register_parameter(name, None)), so the properties read null.
    const affine = this.affine;
    const track = this.trackRunningStats;
    if (affine) {
      ones_(this.addParameter('weight', t.zeros([numFeatures]))!);
      zeros_(this.addParameter('bias', t.zeros([numFeatures]))!);
    } else {
      this.addParameter('weight', null);
      this.addParameter('bias', null);
    }
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

  forward(x: t.Tensor): t.Tensor {
    if (!this.ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      throw new t.ShapeError(
        `${this.typeName}(${this.numFeatures}): expected input ${this.layout} with C = ${this.numFeatures}, got [${x.shape.join(',')}]`,
      );
    }
    // As PyTorch's _BatchNorm.forward: batch statistics when training or when no running ones are kept.
    const useBatchStats = this.training || !this.trackRunningStats;
    if (this.training && x.size / this.numFeatures <= 1) {
      throw new t.ShapeError(`${this.typeName}: expected more than 1 value per channel when training, got input [${x.shape.join(',')}]`);
    }
    const track = this.training && this.trackRunningStats;
    if (track) {
      const tracked = this.buffer('num_batches_tracked');
      t.noGrad(() =>
        t.assign(
          tracked,
          t.tidy(() => tracked.add(1)),
        ),
      );
    }
    // Running statistics go in whenever they are kept: evaluation reads them, training (track) updates them.
    const keepsStats = this.trackRunningStats;
    return t.tidy(() =>
      t.batchNorm(x, keepsStats ? this.buffer('running_mean') : null, keepsStats ? this.buffer('running_var') : null, {
        weight: this.affine ? this.param('weight') : null,
        bias: this.affine ? this.param('bias') : null,
        training: useBatchStats,
        // momentum null: a cumulative average, weight 1/num_batches_tracked (computed on device, no read back).
        momentum: this.momentum ?? (track ? this.buffer('num_batches_tracked').cast('float32').reciprocal() : 0),
        eps: this.eps,
      }),
    );
  }
}

/** Batch normalisation of [N, C] or [N, C, L] input over N (and L). */
export class BatchNorm1d extends BatchNorm {
  readonly typeName = 'BatchNorm1d';
  protected readonly ranks = [2, 3];
  protected readonly layout = '[N, C] or [N, C, L]';
}

/** Batch normalisation of NCDHW input over N, D, H and W. */
export class BatchNorm3d extends BatchNorm {
  readonly typeName = 'BatchNorm3d';
  protected readonly ranks = [5];
  protected readonly layout = '[N, C, D, H, W]';
}

/** Batch normalisation of NCHW input over N, H and W. */
export class BatchNorm2d extends BatchNorm {
  readonly typeName = 'BatchNorm2d';
  protected readonly ranks = [4];
  protected readonly layout = '[N, C, H, W]';
}
