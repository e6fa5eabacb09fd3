import type * as t from '@tensile/core';
import { bceLoss, bceWithLogitsLoss, type BCEOptions, type BCEWithLogitsOptions } from './binary.js';
import { crossEntropy, nllLoss, type CrossEntropyOptions, type NLLOptions } from './cross-entropy.js';
import { klDivLoss, type KLDivOptions } from './kl-div.js';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss, type HuberOptions, type ReductionOptions, type SmoothL1Options } from './regression.js';

/**
 * A loss as an object: options fixed at construction, `forward(input, target)`
 * (or `call`) computes it. Weight tensors passed in options stay the caller's.
 */
export abstract class Loss<O extends object = object> {
  readonly options: Readonly<O>;

  constructor(options: O = {} as O) {
    this.options = { ...options };
  }

  abstract forward(input: t.Tensor, target: t.Tensor): t.Tensor;

  /** Same as forward (the spelling modules use). */
  call(input: t.Tensor, target: t.Tensor): t.Tensor {
    return this.forward(input, target);
  }
}

/** @see mseLoss */
export class MSELoss extends Loss<ReductionOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return mseLoss(input, target, this.options);
  }
}

/** @see l1Loss */
export class L1Loss extends Loss<ReductionOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return l1Loss(input, target, this.options);
  }
}

/** @see smoothL1Loss */
export class SmoothL1Loss extends Loss<SmoothL1Options> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

/** @see huberLoss */
export class HuberLoss extends Loss<HuberOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return huberLoss(input, target, this.options);
  }
}

/** @see bceLoss */
export class BCELoss extends Loss<BCEOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return bceLoss(input, target, this.options);
  }
}

/** @see bceWithLogitsLoss */
export class BCEWithLogitsLoss extends Loss<BCEWithLogitsOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return bceWithLogitsLoss(input, target, this.options);
  }
}

/**
 * @see crossEntropy
 * @example
 * const lossFn = new CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = lossFn.forward(logits, labels); // logits [N, C], labels int32 [N]
 */
export class CrossEntropyLoss extends Loss<CrossEntropyOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return crossEntropy(input, target, this.options);
  }
}

/** @see nllLoss */
export class NLLLoss extends Loss<NLLOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return nllLoss(input, target, this.options);
  }
}

/** @see klDivLoss */
export class KLDivLoss extends Loss<KLDivOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return klDivLoss(input, target, this.options);
  }
}
