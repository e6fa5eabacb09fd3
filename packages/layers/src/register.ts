import * as t from '@tensile/core';
import { ELU } from './activation/elu.js';
import { GELU } from './activation/gelu.js';
import { LeakyReLU } from './activation/leaky-relu.js';
import { LogSoftmax } from './activation/log-softmax.js';
import { ReLU } from './activation/relu.js';
import { SiLU } from './activation/silu.js';
import { Sigmoid } from './activation/sigmoid.js';
import { Softmax } from './activation/softmax.js';
import { Tanh } from './activation/tanh.js';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool2d.js';
import { AvgPool2d } from './avg-pool2d.js';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { Conv1d } from './conv1d.js';
import { Conv3d } from './conv3d.js';
import { ConvTranspose1d, ConvTranspose2d } from './conv-transpose.js';
import { Upsample, UpsamplingBilinear2d, UpsamplingNearest2d } from './upsample.js';
import { PixelShuffle, PixelUnshuffle } from './pixel-shuffle.js';
import { Fold, Unfold } from './fold.js';
import {
  ConstantPad1d,
  ConstantPad2d,
  ReflectionPad1d,
  ReflectionPad2d,
  ReplicationPad1d,
  ReplicationPad2d,
  ZeroPad2d,
} from './padding.js';
import { MaxPool1d } from './max-pool1d.js';
import { AvgPool3d, MaxPool3d } from './pool3d.js';
import { LPPool1d, LPPool2d } from './lp-pool.js';
import { AvgPool1d } from './avg-pool1d.js';
import { AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d } from './adaptive-pool.js';
import { MaxUnpool1d, MaxUnpool2d } from './max-unpool.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { EmbeddingBag } from './embedding-bag.js';
import { Flatten } from './flatten.js';
import { AlphaDropout } from './alpha-dropout.js';
import { Bilinear } from './bilinear.js';
import { Hardswish } from './activation/hardswish.js';
import { Hardtanh, ReLU6 } from './activation/hardtanh.js';
import { PReLU } from './activation/prelu.js';
import { SELU } from './activation/selu.js';
import { Mish, Softplus } from './activation/softplus.js';
import { Dropout1d, Dropout2d } from './dropout-channel.js';
import { GroupNorm } from './group-norm.js';
import { InstanceNorm1d, InstanceNorm2d } from './instance-norm.js';
import { RMSNorm } from './rms-norm.js';
import { GRUCell, LSTMCell, RNNCell } from './rnn-cell.js';
import { Unflatten } from './unflatten.js';
import { GRU } from './gru.js';
import { Identity } from './identity.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { LSTM } from './lstm.js';
import { MaxPool2d } from './max-pool2d.js';
import type { LayerConfig, Module } from './module.js';
import { ModuleDict, ModuleList } from './module-list.js';
import { MultiheadAttention } from './multihead-attention.js';
import { RNN } from './rnn.js';
import { Sequential } from './sequential.js';
import { Transformer, TransformerDecoder, TransformerEncoder } from './transformer.js';
import { TransformerDecoderLayer, TransformerEncoderLayer, type TransformerActivation } from './transformer-layer.js';
import type { LayerEntry } from './spec.js';
import { builtinStateShapes } from './state-shapes.js';

// biome-ignore lint/suspicious/noExplicitAny: configs are JSON checked by each constructor
type Config = Record<string, any>;
const entry = (create: (c: Config, children?: Record<string, Module>) => Module): LayerEntry => ({
  create: (config: LayerConfig, children?: Record<string, Module>) => create(config as Config, children),
});

/**
 * Every built-in layer's registry entry, by its PyTorch class name. The
 * calls are marked pure so that a bundle which imports only, say,
 * Linear drops this table and every layer it names (the published package is
 * one file, where "sideEffects": false cannot help).
 */
export const builtinLayers: Readonly<Record<string, LayerEntry>> = /* @__PURE__ */ withStateShapes({
  Linear: /* @__PURE__ */ entry((c) => new Linear(c.inFeatures, c.outFeatures, { bias: c.bias })),
  Conv2d: /* @__PURE__ */ entry(
    (c) =>
      new Conv2d(c.inChannels, c.outChannels, c.kernelSize, {
        stride: c.stride,
        padding: c.padding,
        dilation: c.dilation,
        groups: c.groups,
        bias: c.bias,
        paddingMode: c.paddingMode,
      }),
  ),
  Conv1d: /* @__PURE__ */ entry((c) => new Conv1d(c.inChannels, c.outChannels, c.kernelSize, c)),
  Conv3d: /* @__PURE__ */ entry((c) => new Conv3d(c.inChannels, c.outChannels, c.kernelSize, c)),
  ConvTranspose1d: /* @__PURE__ */ entry((c) => new ConvTranspose1d(c.inChannels, c.outChannels, c.kernelSize, c)),
  ConvTranspose2d: /* @__PURE__ */ entry((c) => new ConvTranspose2d(c.inChannels, c.outChannels, c.kernelSize, c)),
  Upsample: /* @__PURE__ */ entry((c) => new Upsample(c)),
  UpsamplingNearest2d: /* @__PURE__ */ entry((c) => new UpsamplingNearest2d(c)),
  UpsamplingBilinear2d: /* @__PURE__ */ entry((c) => new UpsamplingBilinear2d(c)),
  PixelShuffle: /* @__PURE__ */ entry((c) => new PixelShuffle(c.upscaleFactor)),
  PixelUnshuffle: /* @__PURE__ */ entry((c) => new PixelUnshuffle(c.downscaleFactor)),
  Fold: /* @__PURE__ */ entry((c) => new Fold(c.outputSize, c.kernelSize, c)),
  Unfold: /* @__PURE__ */ entry((c) => new Unfold(c.kernelSize, c)),
  ZeroPad2d: /* @__PURE__ */ entry((c) => new ZeroPad2d(c.padding)),
  ConstantPad1d: /* @__PURE__ */ entry((c) => new ConstantPad1d(c.padding, c.value)),
  ConstantPad2d: /* @__PURE__ */ entry((c) => new ConstantPad2d(c.padding, c.value)),
  ReflectionPad1d: /* @__PURE__ */ entry((c) => new ReflectionPad1d(c.padding)),
  ReflectionPad2d: /* @__PURE__ */ entry((c) => new ReflectionPad2d(c.padding)),
  ReplicationPad1d: /* @__PURE__ */ entry((c) => new ReplicationPad1d(c.padding)),
  ReplicationPad2d: /* @__PURE__ */ entry((c) => new ReplicationPad2d(c.padding)),
  MaxPool2d: /* @__PURE__ */ entry((c) => new MaxPool2d(c.kernelSize, c)),
  AvgPool2d: /* @__PURE__ */ entry((c) => new AvgPool2d(c.kernelSize, c)),
  MaxPool1d: /* @__PURE__ */ entry((c) => new MaxPool1d(c.kernelSize, c)),
  AvgPool1d: /* @__PURE__ */ entry((c) => new AvgPool1d(c.kernelSize, c)),
  MaxPool3d: /* @__PURE__ */ entry((c) => new MaxPool3d(c.kernelSize, c)),
  AvgPool3d: /* @__PURE__ */ entry((c) => new AvgPool3d(c.kernelSize, c)),
  LPPool1d: /* @__PURE__ */ entry((c) => new LPPool1d(c.normType, c.kernelSize, c)),
  LPPool2d: /* @__PURE__ */ entry((c) => new LPPool2d(c.normType, c.kernelSize, c)),
  AdaptiveAvgPool1d: /* @__PURE__ */ entry((c) => new AdaptiveAvgPool1d(c.outputSize)),
  AdaptiveMaxPool1d: /* @__PURE__ */ entry((c) => new AdaptiveMaxPool1d(c.outputSize, c)),
  AdaptiveMaxPool2d: /* @__PURE__ */ entry((c) => new AdaptiveMaxPool2d(c.outputSize, c)),
  MaxUnpool1d: /* @__PURE__ */ entry((c) => new MaxUnpool1d(c.kernelSize, c)),
  MaxUnpool2d: /* @__PURE__ */ entry((c) => new MaxUnpool2d(c.kernelSize, c)),
  AdaptiveAvgPool2d: /* @__PURE__ */ entry((c) => new AdaptiveAvgPool2d(c.outputSize)),
  BatchNorm1d: /* @__PURE__ */ entry((c) => new BatchNorm1d(c.numFeatures, c)),
  BatchNorm2d: /* @__PURE__ */ entry((c) => new BatchNorm2d(c.numFeatures, c)),
  BatchNorm3d: /* @__PURE__ */ entry((c) => new BatchNorm3d(c.numFeatures, c)),
  LayerNorm: /* @__PURE__ */ entry((c) => new LayerNorm(c.normalizedShape, c)),
  Dropout: /* @__PURE__ */ entry((c) => new Dropout(c.p)),
  Embedding: /* @__PURE__ */ entry((c) => new Embedding(c.numEmbeddings, c.embeddingDim, c)),
  EmbeddingBag: /* @__PURE__ */ entry((c) => new EmbeddingBag(c.numEmbeddings, c.embeddingDim, c)),
  RNN: /* @__PURE__ */ entry((c) => new RNN(c.inputSize, c.hiddenSize, c)),
  LSTM: /* @__PURE__ */ entry((c) => new LSTM(c.inputSize, c.hiddenSize, c)),
  GRU: /* @__PURE__ */ entry((c) => new GRU(c.inputSize, c.hiddenSize, c)),
  MultiheadAttention: /* @__PURE__ */ entry((c) => new MultiheadAttention(c.embedDim, c.numHeads, c)),
  Flatten: /* @__PURE__ */ entry((c) => new Flatten(c.startDim, c.endDim)),
  Identity: /* @__PURE__ */ entry(() => new Identity()),
  Sequential: /* @__PURE__ */ entry((_c, children) => new Sequential(children ?? {})),
  ModuleList: /* @__PURE__ */ entry((_c, children) => new ModuleList(listOf('ModuleList', children))),
  ModuleDict: /* @__PURE__ */ entry((_c, children) => new ModuleDict(children ?? {})),
  ReLU: /* @__PURE__ */ entry(() => new ReLU()),
  LeakyReLU: /* @__PURE__ */ entry((c) => new LeakyReLU(c.negativeSlope)),
  ELU: /* @__PURE__ */ entry((c) => new ELU(c.alpha)),
  GELU: /* @__PURE__ */ entry((c) => new GELU(c.approximate)),
  SiLU: /* @__PURE__ */ entry(() => new SiLU()),
  Sigmoid: /* @__PURE__ */ entry(() => new Sigmoid()),
  Tanh: /* @__PURE__ */ entry(() => new Tanh()),
  Softmax: /* @__PURE__ */ entry((c) => new Softmax(c.dim)),
  LogSoftmax: /* @__PURE__ */ entry((c) => new LogSoftmax(c.dim)),
  GroupNorm: /* @__PURE__ */ entry((c) => new GroupNorm(c.numGroups, c.numChannels, c)),
  InstanceNorm1d: /* @__PURE__ */ entry((c) => new InstanceNorm1d(c.numFeatures, c)),
  InstanceNorm2d: /* @__PURE__ */ entry((c) => new InstanceNorm2d(c.numFeatures, c)),
  RMSNorm: /* @__PURE__ */ entry((c) => new RMSNorm(c.normalizedShape, c)),
  Unflatten: /* @__PURE__ */ entry((c) => new Unflatten(c.dim, c.unflattenedSize)),
  RNNCell: /* @__PURE__ */ entry((c) => new RNNCell(c.inputSize, c.hiddenSize, c)),
  LSTMCell: /* @__PURE__ */ entry((c) => new LSTMCell(c.inputSize, c.hiddenSize, c)),
  GRUCell: /* @__PURE__ */ entry((c) => new GRUCell(c.inputSize, c.hiddenSize, c)),
  PReLU: /* @__PURE__ */ entry((c) => new PReLU(c.numParameters, c)),
  ReLU6: /* @__PURE__ */ entry(() => new ReLU6()),
  Hardtanh: /* @__PURE__ */ entry((c) => new Hardtanh(c.minVal, c.maxVal)),
  Softplus: /* @__PURE__ */ entry((c) => new Softplus(c.beta, c.threshold)),
  Mish: /* @__PURE__ */ entry(() => new Mish()),
  Hardswish: /* @__PURE__ */ entry(() => new Hardswish()),
  SELU: /* @__PURE__ */ entry(() => new SELU()),
  Dropout1d: /* @__PURE__ */ entry((c) => new Dropout1d(c.p)),
  Dropout2d: /* @__PURE__ */ entry((c) => new Dropout2d(c.p)),
  AlphaDropout: /* @__PURE__ */ entry((c) => new AlphaDropout(c.p)),
  Bilinear: /* @__PURE__ */ entry((c) => new Bilinear(c.in1Features, c.in2Features, c.outFeatures, { bias: c.bias })),
  TransformerEncoderLayer: /* @__PURE__ */ entry(
    (c, children) => new TransformerEncoderLayer(c.dModel, c.nhead, { ...c, activation: activationOf(c, children) }),
  ),
  TransformerDecoderLayer: /* @__PURE__ */ entry(
    (c, children) => new TransformerDecoderLayer(c.dModel, c.nhead, { ...c, activation: activationOf(c, children) }),
  ),
  TransformerEncoder: /* @__PURE__ */ entry(
    (c, children) =>
      new TransformerEncoder(childOf('TransformerEncoder', children, 'layers') as never, c.numLayers, { norm: children?.norm as never }),
  ),
  TransformerDecoder: /* @__PURE__ */ entry(
    (c, children) =>
      new TransformerDecoder(childOf('TransformerDecoder', children, 'layers') as never, c.numLayers, { norm: children?.norm as never }),
  ),
  Transformer: /* @__PURE__ */ entry(
    (c, children) =>
      new Transformer({
        ...c,
        activation: c.activation ?? undefined,
        customEncoder: children?.encoder as never,
        customDecoder: children?.decoder as never,
      }),
  ),
});

/** A Transformer layer's activation: its saved child module, else the name in its config. */
function activationOf(c: Config, children?: Record<string, Module>): TransformerActivation | undefined {
  return (children?.activation as TransformerActivation | undefined) ?? c.activation ?? undefined;
}

/** A child a container cannot be built without. */
function childOf(layer: string, children: Record<string, Module> | undefined, name: string): Module {
  const child = children?.[name];
  if (!child) throw new t.ArgumentError(`${layer}: the spec has no child '${name}'`);
  return child;
}

/** A saved ModuleList's children '0', '1', … in order (any other key is refused). */
function listOf(layer: string, children: Record<string, Module> = {}): Module[] {
  const keys = Object.keys(children);
  keys.forEach((k, i) => {
    if (k !== String(i)) throw new t.ArgumentError(`${layer}: children must be named '0', '1', … in order, got '${k}' at ${i}`);
  });
  return keys.map((k) => children[k]);
}

/** Adds to each entry what state it has, from its config alone (see state-shapes.ts). */
function withStateShapes(entries: Record<string, LayerEntry>): Record<string, LayerEntry> {
  const out: Record<string, LayerEntry> = {};
  for (const [name, e] of Object.entries(entries)) {
    const stateShapes = builtinStateShapes[name] as LayerEntry['stateShapes'];
    out[name] = stateShapes ? { ...e, stateShapes } : e;
  }
  return out;
}

/**
 * Registers every built-in layer in core's registry under its class name.
 * Idempotent, and leaves alone a name someone registered first (an override).
 * moduleFromSpec calls it, so explicit calls are only needed for tools that
 * list the registry (the CLI).
 */
export function registerLayers(): void {
  for (const [name, e] of Object.entries(builtinLayers)) {
    if (!t.registry.has('layer', name)) t.registry.register('layer', name, e);
  }
}
