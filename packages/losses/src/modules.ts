import type * as t from '@tensile/core';
import { bceLoss, bceWithLogitsLoss, type BCEOptions, type BCEWithLogitsOptions } from './binary.js';
import { crossEntropy, nllLoss, type CrossEntropyOptions, type NLLOptions } from './cross-entropy.js';
import { klDivLoss, type KLDivOptions } from './kl-div.js';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss, type HuberOptions, type ReductionOptions, type SmoothL1Options } from './regression.js';
import { gaussianNllLoss, poissonNllLoss, type GaussianNLLOptions, type PoissonNLLOptions } from './poisson-gaussian.js';
import {
  cosineEmbeddingLoss,
  hingeEmbeddingLoss,
  marginRankingLoss,
  softMarginLoss,
  tripletMarginLoss,
  type MarginOptions,
  type TripletMarginOptions,
} from './margin.js';
import {
  multiLabelMarginLoss,
  multiLabelSoftMarginLoss,
  multiMarginLoss,
  type MultiLabelSoftMarginOptions,
  type MultiMarginOptions,
} from './multi-label.js';
import { ctcLoss, type CTCOptions, type Lengths } from './ctc.js';

/**
 * A loss as an object: options fixed at construction, `forward(input, target)`
 * (or `call`) computes it. Weight tensors passed in options stay the caller's.
 * A is forward's arguments: (input, target) for most; PyTorch's own for the
 * others, e.g. (input1, input2, target) for MarginRankingLoss.
 */
export abstract class Loss<O extends object = object, A extends unknown[] = [input: t.Tensor, target: t.Tensor]> {
  /** The registry's entry shape (core's RegistryEntry): `X.create(...args)` is `new X(...args)`. */
  static create<A extends unknown[], T>(this: new (...args: A) => T, ...args: A): T {
    return new this(...args);
  }

  readonly options: Readonly<O>;

  constructor(options: O = {} as O) {
    this.options = { ...options };
  }

  abstract forward(...args: A): t.Tensor;

  /** Same as forward (the spelling modules use). */
  call(...args: A): t.Tensor {
    return this.forward(...args);
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

/** @see poissonNllLoss */
export class PoissonNLLLoss extends Loss<PoissonNLLOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return poissonNllLoss(input, target, this.options);
  }
}

/** @see gaussianNllLoss (forward(input, target, var), as PyTorch) */
export class GaussianNLLLoss extends Loss<GaussianNLLOptions, [input: t.Tensor, target: t.Tensor, variance: t.Tensor]> {
  forward(input: t.Tensor, target: t.Tensor, variance: t.Tensor): t.Tensor {
    return gaussianNllLoss(input, target, variance, this.options);
  }
}

/** @see marginRankingLoss */
export class MarginRankingLoss extends Loss<MarginOptions, [input1: t.Tensor, input2: t.Tensor, target: t.Tensor]> {
  forward(input1: t.Tensor, input2: t.Tensor, target: t.Tensor): t.Tensor {
    return marginRankingLoss(input1, input2, target, this.options);
  }
}

/** @see hingeEmbeddingLoss */
export class HingeEmbeddingLoss extends Loss<MarginOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return hingeEmbeddingLoss(input, target, this.options);
  }
}

/** @see cosineEmbeddingLoss */
export class CosineEmbeddingLoss extends Loss<MarginOptions, [input1: t.Tensor, input2: t.Tensor, target: t.Tensor]> {
  forward(input1: t.Tensor, input2: t.Tensor, target: t.Tensor): t.Tensor {
    return cosineEmbeddingLoss(input1, input2, target, this.options);
  }
}

/** @see tripletMarginLoss */
export class TripletMarginLoss extends Loss<TripletMarginOptions, [anchor: t.Tensor, positive: t.Tensor, negative: t.Tensor]> {
  forward(anchor: t.Tensor, positive: t.Tensor, negative: t.Tensor): t.Tensor {
    return tripletMarginLoss(anchor, positive, negative, this.options);
  }
}

/** @see multiLabelMarginLoss */
export class MultiLabelMarginLoss extends Loss<ReductionOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return multiLabelMarginLoss(input, target, this.options);
  }
}

/** @see multiLabelSoftMarginLoss */
export class MultiLabelSoftMarginLoss extends Loss<MultiLabelSoftMarginOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return multiLabelSoftMarginLoss(input, target, this.options);
  }
}

/** @see multiMarginLoss */
export class MultiMarginLoss extends Loss<MultiMarginOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return multiMarginLoss(input, target, this.options);
  }
}

/** @see softMarginLoss */
export class SoftMarginLoss extends Loss<ReductionOptions> {
  forward(input: t.Tensor, target: t.Tensor): t.Tensor {
    return softMarginLoss(input, target, this.options);
  }
}

/**
 * @see ctcLoss
 * @example
 * const ctc = new CTCLoss({ blank: 0, zeroInfinity: true });
 * const loss = ctc.forward(logits.logSoftmax(-1), targets, inputLengths, targetLengths);
 */
export class CTCLoss extends Loss<CTCOptions, [logProbs: t.Tensor, targets: t.Tensor, inputLengths: Lengths, targetLengths: Lengths]> {
  forward(logProbs: t.Tensor, targets: t.Tensor, inputLengths: Lengths, targetLengths: Lengths): t.Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, this.options);
  }
}
