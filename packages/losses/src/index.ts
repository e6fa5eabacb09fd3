/**
 * @tensile/losses: the loss functions of PyTorch's torch.nn, as functions
 * (`crossEntropy(input, target, options)`) and as classes
 * (`new CrossEntropyLoss(options).forward(input, target)`).
 */
export { mseLoss, l1Loss, smoothL1Loss, huberLoss } from './regression.js';
export type { ReductionOptions, SmoothL1Options, HuberOptions } from './regression.js';
export { bceLoss, bceWithLogitsLoss } from './binary.js';
export type { BCEOptions, BCEWithLogitsOptions } from './binary.js';
export { crossEntropy, nllLoss } from './cross-entropy.js';
export type { CrossEntropyOptions, NLLOptions } from './cross-entropy.js';
export { klDivLoss } from './kl-div.js';
export type { KLDivOptions } from './kl-div.js';
export { poissonNllLoss, gaussianNllLoss } from './poisson-gaussian.js';
export type { PoissonNLLOptions, GaussianNLLOptions } from './poisson-gaussian.js';
export { marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, cosineEmbeddingLoss, tripletMarginLoss } from './margin.js';
export type { MarginOptions, TripletMarginOptions } from './margin.js';
export { multiLabelMarginLoss, multiLabelSoftMarginLoss, multiMarginLoss } from './multi-label.js';
export type { MultiLabelSoftMarginOptions, MultiMarginOptions } from './multi-label.js';
export { ctcLoss } from './ctc.js';
export type { CTCOptions, Lengths } from './ctc.js';
export type { Reduction } from './reduction.js';
export {
  Loss,
  MSELoss,
  L1Loss,
  SmoothL1Loss,
  HuberLoss,
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  NLLLoss,
  KLDivLoss,
  PoissonNLLLoss,
  GaussianNLLLoss,
  MarginRankingLoss,
  HingeEmbeddingLoss,
  CosineEmbeddingLoss,
  TripletMarginLoss,
  MultiLabelMarginLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  SoftMarginLoss,
  CTCLoss,
} from './modules.js';
export { registerLosses, LOSSES } from './registry.js';
export type { LossEntry } from './registry.js';
