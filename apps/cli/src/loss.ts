import type * as t from '@tensile/core';
import type { LossLike } from '@tensile/train';
import { ConfigError, type Named } from './config.js';
import { checkLossOptions } from './options-check.js';
import { create } from './registry.js';

/**
 * The run's loss from its config. One option is the CLI's own: `flatten:
 * true` hands the loss the model's output [..., C] as [N, C] and the targets
 * [...] as [N], as a PyTorch user writes `F.cross_entropy(logits.view(-1,
 * C), y.view(-1))` for a language model's logits [B, T, C].
 */
export function buildLoss(named: Named, where: string): LossLike {
  const { inner, flatten } = checkLossConfig(named, where);
  const loss = create<LossLike>('loss', inner.name, inner.config);
  return flatten ? new FlattenedLoss(loss) : loss;
}

/** Checks a loss config before anything runs: `flatten`, then the loss's own options; returns them apart. */
export function checkLossConfig(named: Named, where: string): { inner: Named; flatten: boolean } {
  const { flatten = false, ...config } = named.config;
  if (typeof flatten !== 'boolean') throw new ConfigError(`${where}: loss.flatten: must be true or false, got ${JSON.stringify(flatten)}`);
  const inner = { name: named.name, config };
  checkLossOptions(inner, where);
  return { inner, flatten };
}

/** A loss over the rows of [..., C] outputs: output [N, C], targets [N] (class indices) or [N, C] (probabilities). */
export class FlattenedLoss {
  constructor(readonly loss: LossLike) {}

  forward(prediction: t.Tensor, target: t.Tensor): t.Tensor {
    const classes = prediction.shape.at(-1) ?? 1;
    const rows = prediction.reshape([-1, classes]);
    const targets = target.rank === prediction.rank ? target.reshape([-1, classes]) : target.reshape([-1]);
    return typeof this.loss === 'function' ? this.loss(rows, targets) : this.loss.forward(rows, targets);
  }
}
