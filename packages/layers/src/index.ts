/**
 * @tensile/layers: Module and the neural-network layers, with PyTorch's names
 * and parameter layouts, and the registry entries that rebuild a model from
 * its JSON spec. Import has no side effects: call registerLayers() (or use
 * moduleFromSpec, which does) to make the built-ins resolvable by name.
 */
export { Module, functionalCall } from './module.js';
export type { Parameter, JsonValue, LayerConfig, LoadStateDictOptions, LoadStateDictResult } from './module.js';
export { moduleToSpec, moduleFromSpec, registerLayer, specStateShapes } from './spec.js';
export type { LayerEntry, ModuleSpec, StateShape } from './spec.js';
export { registerLayers, builtinLayers } from './register.js';
export { ConfigModule, registerModule } from './config-module.js';
export type { ConfigModuleClass } from './config-module.js';
export * as init from './init.js';
export type { InitOptions, KaimingOptions, Nonlinearity, FanMode } from './init.js';

export { Linear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Conv2d } from './conv2d.js';
export type { Conv2dOptions } from './conv2d.js';
export { Conv1d } from './conv1d.js';
export type { Conv1dOptions } from './conv1d.js';
export { Conv3d } from './conv3d.js';
export type { Conv3dOptions } from './conv3d.js';
export { ConvNd } from './conv-base.js';
export type { ConvNdOptions, PaddingMode } from './conv-base.js';
export { ConvTranspose1d, ConvTranspose2d } from './conv-transpose.js';
export type { ConvTransposeOptions, ConvTranspose1dOptions, ConvTranspose2dOptions } from './conv-transpose.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from './upsample.js';
export type { UpsampleOptions } from './upsample.js';
export { PixelShuffle, PixelUnshuffle } from './pixel-shuffle.js';
export { Fold, Unfold } from './fold.js';
export type { FoldOptions, UnfoldOptions } from './fold.js';
export {
  ZeroPad2d,
  ConstantPad1d,
  ConstantPad2d,
  ReflectionPad1d,
  ReflectionPad2d,
  ReplicationPad1d,
  ReplicationPad2d,
} from './padding.js';
export { MaxPool1d } from './max-pool1d.js';
export type { MaxPool1dOptions } from './max-pool1d.js';
export { AvgPool1d } from './avg-pool1d.js';
export type { AvgPool1dOptions } from './avg-pool1d.js';
export { MaxPool3d, AvgPool3d } from './pool3d.js';
export type { MaxPool3dOptions, AvgPool3dOptions } from './pool3d.js';
export { LPPool1d, LPPool2d } from './lp-pool.js';
export type { LPPoolOptions } from './lp-pool.js';
export { AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d } from './adaptive-pool.js';
export { MaxUnpool1d, MaxUnpool2d } from './max-unpool.js';
export type { MaxUnpoolOptions } from './max-unpool.js';
export { MaxPool2d } from './max-pool2d.js';
export type { MaxPool2dOptions } from './max-pool2d.js';
export { AvgPool2d } from './avg-pool2d.js';
export type { AvgPool2dOptions } from './avg-pool2d.js';
export { AdaptiveAvgPool2d } from './adaptive-avg-pool2d.js';
export type { AdaptiveSize } from './adaptive-avg-pool2d.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './batch-norm.js';
export type { BatchNormOptions } from './batch-norm.js';
export { LayerNorm } from './layer-norm.js';
export type { LayerNormOptions } from './layer-norm.js';
export { GroupNorm } from './group-norm.js';
export type { GroupNormOptions } from './group-norm.js';
export { InstanceNorm1d, InstanceNorm2d } from './instance-norm.js';
export type { InstanceNormOptions } from './instance-norm.js';
export { RMSNorm } from './rms-norm.js';
export type { RMSNormOptions } from './rms-norm.js';
export { Unflatten } from './unflatten.js';
export { Bilinear } from './bilinear.js';
export type { BilinearOptions } from './bilinear.js';
export { RNNCell, LSTMCell, GRUCell } from './rnn-cell.js';
export type { RNNCellOptions } from './rnn-cell.js';
export { Dropout1d, Dropout2d } from './dropout-channel.js';
export { AlphaDropout } from './alpha-dropout.js';
export { PReLU } from './activation/prelu.js';
export type { PReLUOptions } from './activation/prelu.js';
export { Hardtanh, ReLU6, hardtanh } from './activation/hardtanh.js';
export { Softplus, Mish, softplus } from './activation/softplus.js';
export { Hardswish } from './activation/hardswish.js';
export { SELU } from './activation/selu.js';
export { Dropout, dropout } from './dropout.js';
export type { DropoutOptions } from './dropout.js';
export { Embedding } from './embedding.js';
export type { EmbeddingOptions } from './embedding.js';
export { EmbeddingBag } from './embedding-bag.js';
export type { EmbeddingBagOptions } from './embedding-bag.js';
export { RNNBase } from './rnn-base.js';
export type { RNNBaseOptions } from './rnn-base.js';
export { RNN } from './rnn.js';
export type { RNNOptions } from './rnn.js';
export { LSTM } from './lstm.js';
export type { LSTMOptions } from './lstm.js';
export { GRU } from './gru.js';
export { MultiheadAttention } from './multihead-attention.js';
export type { MultiheadAttentionOptions, AttentionCallOptions } from './multihead-attention.js';
export { generateSquareSubsequentMask } from './multihead-attention.js';
export { TransformerEncoderLayer, TransformerDecoderLayer } from './transformer-layer.js';
export type {
  TransformerActivation,
  TransformerLayerOptions,
  EncoderLayerCallOptions,
  DecoderLayerCallOptions,
} from './transformer-layer.js';
export { TransformerEncoder, TransformerDecoder, Transformer } from './transformer.js';
export type { EncoderCallOptions, StackOptions, TransformerOptions, TransformerCallOptions } from './transformer.js';
export { Flatten } from './flatten.js';
export { Identity } from './identity.js';
export { Sequential, sequential } from './sequential.js';
export type { InputOf, OutputOf, TypedSequential } from './sequential.js';
export { ModuleList, ModuleDict } from './module-list.js';
export { ReLU } from './activation/relu.js';
export { LeakyReLU } from './activation/leaky-relu.js';
export { ELU } from './activation/elu.js';
export { GELU } from './activation/gelu.js';
export { SiLU } from './activation/silu.js';
export { Sigmoid } from './activation/sigmoid.js';
export { Tanh } from './activation/tanh.js';
export { Softmax } from './activation/softmax.js';
export { LogSoftmax } from './activation/log-softmax.js';
