import type * as t from '@tensile/core';
import { Adam, SGD, type Optimizer } from '@tensile/optim';
import type { OptimizerName } from '../protocol.js';

export type { Optimizer };

/** SGD with momentum 0.9, or Adam, over the model's parameters. */
export function makeOptimizer(name: OptimizerName, params: t.Tensor[], lr: number): Optimizer {
  return name === 'adam' ? new Adam(params, { lr }) : new SGD(params, { lr, momentum: 0.9 });
}
