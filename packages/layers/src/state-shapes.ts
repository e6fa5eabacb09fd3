import type { StateShape } from './spec.js';

/**
 * The state each built-in layer has for a config, computed without building
 * it (the registry's `stateShapes`), so loadModel can check a file's tensors
 * against its architecture before allocating anything. Each function reads
 * the config exactly as the layer's registry entry and constructor do
 * (same defaults, same truthiness); a test builds every layer and compares.
 * Nothing here validates: a nonsense config gives nonsense shapes, which
 * then do not match the file (and the constructor refuses the config later).
 */
// biome-ignore lint/suspicious/noExplicitAny: configs are JSON from a file; shapes are compared, not trusted
type Config = Record<string, any>;
type Shapes = Record<string, StateShape>;

const f32 = (...shape: number[]): StateShape => ({ shape, dtype: 'float32' });
const none = (): Shapes => ({});

function linear(c: Config, prefix = ''): Shapes {
  const out: Shapes = { [`${prefix}weight`]: f32(c.outFeatures, c.inFeatures) };
  if (c.bias ?? true) out[`${prefix}bias`] = f32(c.outFeatures);
  return out;
}

/** Conv1d/2d/3d (weight [out, in/groups, k…]) and, transposed, ConvTranspose1d/2d (weight [in, out/groups, k…]). */
function conv(dims: number, transposed = false) {
  return (c: Config): Shapes => {
    const groups = c.groups ?? 1;
    const kernel: number[] = Array.isArray(c.kernelSize) ? [...c.kernelSize] : Array<number>(dims).fill(c.kernelSize);
    const [a, b] = transposed ? [c.inChannels, c.outChannels / groups] : [c.outChannels, c.inChannels / groups];
    const out: Shapes = { weight: f32(a, b, ...kernel) };
    if (c.bias ?? true) out.bias = f32(c.outChannels);
    return out;
  };
}

function batchNorm(c: Config): Shapes {
  const n = c.numFeatures;
  const out: Shapes = {};
  if (c.affine ?? true) Object.assign(out, { weight: f32(n), bias: f32(n) });
  if (c.trackRunningStats ?? true) {
    Object.assign(out, { running_mean: f32(n), running_var: f32(n), num_batches_tracked: { shape: [], dtype: 'int32' } });
  }
  return out;
}

function layerNorm(c: Config): Shapes {
  const shape: number[] = typeof c.normalizedShape === 'number' ? [c.normalizedShape] : [...c.normalizedShape];
  const out: Shapes = {};
  if (c.elementwiseAffine ?? true) {
    out.weight = f32(...shape);
    if (c.bias ?? true) out.bias = f32(...shape);
  }
  return out;
}

/** RNN, LSTM and GRU: PyTorch's per-layer, per-direction weights (rnn-base.ts). */
function recurrent(gates: number) {
  return (c: Config): Shapes => {
    const out: Shapes = {};
    const layers = c.numLayers ?? 1;
    const directions = (c.bidirectional ?? false) ? 2 : 1;
    const hidden = c.hiddenSize;
    const proj = c.projSize ?? 0;
    // A claimed layer count is a loop bound: cap it so a hostile value cannot spin here (it will not match the file anyway).
    for (let k = 0; k < Math.min(layers, 1024); k++) {
      const inK = k === 0 ? c.inputSize : (proj || hidden) * directions;
      for (let d = 0; d < directions; d++) {
        const suffix = `l${k}${d ? '_reverse' : ''}`;
        out[`weight_ih_${suffix}`] = f32(gates * hidden, inK);
        out[`weight_hh_${suffix}`] = f32(gates * hidden, proj || hidden);
        if (c.bias ?? true) {
          out[`bias_ih_${suffix}`] = f32(gates * hidden);
          out[`bias_hh_${suffix}`] = f32(gates * hidden);
        }
        if (proj) out[`weight_hr_${suffix}`] = f32(proj, hidden);
      }
    }
    return out;
  };
}

/** RNNCell, LSTMCell and GRUCell (rnn-cell.ts). */
function cell(gates: number) {
  return (c: Config): Shapes => {
    const g = gates * c.hiddenSize;
    const out: Shapes = { weight_ih: f32(g, c.inputSize), weight_hh: f32(g, c.hiddenSize) };
    if (c.bias ?? true) Object.assign(out, { bias_ih: f32(g), bias_hh: f32(g) });
    return out;
  };
}

function instanceNorm(c: Config): Shapes {
  const n = c.numFeatures;
  const out: Shapes = {};
  if (c.affine ?? false) Object.assign(out, { weight: f32(n), bias: f32(n) });
  if (c.trackRunningStats ?? false) {
    Object.assign(out, { running_mean: f32(n), running_var: f32(n), num_batches_tracked: { shape: [], dtype: 'int32' } });
  }
  return out;
}

function multiheadAttention(c: Config, prefix = ''): Shapes {
  const e = c.embedDim;
  const bias = c.bias ?? true;
  const kdim = c.kdim ?? e;
  const vdim = c.vdim ?? e;
  const out: Shapes = {};
  if (kdim === e && vdim === e) out[`${prefix}in_proj_weight`] = f32(3 * e, e);
  else
    Object.assign(out, {
      [`${prefix}q_proj_weight`]: f32(e, e),
      [`${prefix}k_proj_weight`]: f32(e, kdim),
      [`${prefix}v_proj_weight`]: f32(e, vdim),
    });
  if (bias) out[`${prefix}in_proj_bias`] = f32(3 * e);
  if (c.addBiasKv ?? false) Object.assign(out, { [`${prefix}bias_k`]: f32(1, 1, e), [`${prefix}bias_v`]: f32(1, 1, e) });
  return { ...out, ...linear({ inFeatures: e, outFeatures: e, bias }, `${prefix}out_proj.`) };
}

/** TransformerEncoderLayer and TransformerDecoderLayer (transformer-layer.ts), in PyTorch's order. */
function transformerLayer(decoder: boolean) {
  return (c: Config): Shapes => {
    const d = c.dModel;
    const ff = c.dimFeedforward ?? 2048;
    const bias = c.bias ?? true;
    const attention = (prefix: string) => multiheadAttention({ embedDim: d, bias }, prefix);
    const norm = (prefix: string) =>
      Object.fromEntries(Object.entries(layerNorm({ normalizedShape: d, bias })).map(([k, v]) => [prefix + k, v]));
    return {
      ...attention('self_attn.'),
      ...(decoder ? attention('multihead_attn.') : {}),
      ...linear({ inFeatures: d, outFeatures: ff, bias }, 'linear1.'),
      ...linear({ inFeatures: ff, outFeatures: d, bias }, 'linear2.'),
      ...norm('norm1.'),
      ...norm('norm2.'),
      ...(decoder ? norm('norm3.') : {}),
    };
  };
}

/** stateShapes of every built-in layer, by registry name. */
export const builtinStateShapes: Readonly<Record<string, (c: Config) => Shapes>> = {
  Linear: (c) => linear(c),
  Conv2d: /* @__PURE__ */ conv(2),
  Conv1d: /* @__PURE__ */ conv(1),
  Conv3d: /* @__PURE__ */ conv(3),
  ConvTranspose1d: /* @__PURE__ */ conv(1, true),
  ConvTranspose2d: /* @__PURE__ */ conv(2, true),
  Upsample: none,
  UpsamplingNearest2d: none,
  UpsamplingBilinear2d: none,
  PixelShuffle: none,
  PixelUnshuffle: none,
  Fold: none,
  Unfold: none,
  ZeroPad2d: none,
  ConstantPad1d: none,
  ConstantPad2d: none,
  ReflectionPad1d: none,
  ReflectionPad2d: none,
  ReplicationPad1d: none,
  ReplicationPad2d: none,
  MaxPool1d: none,
  AvgPool1d: none,
  MaxPool3d: none,
  AvgPool3d: none,
  LPPool1d: none,
  LPPool2d: none,
  AdaptiveAvgPool1d: none,
  AdaptiveMaxPool1d: none,
  AdaptiveMaxPool2d: none,
  MaxUnpool1d: none,
  MaxUnpool2d: none,
  BatchNorm1d: batchNorm,
  BatchNorm2d: batchNorm,
  BatchNorm3d: batchNorm,
  LayerNorm: layerNorm,
  Embedding: (c) => ({ weight: f32(c.numEmbeddings, c.embeddingDim) }),
  EmbeddingBag: (c) => ({ weight: f32(c.numEmbeddings, c.embeddingDim) }),
  RNN: /* @__PURE__ */ recurrent(1),
  LSTM: /* @__PURE__ */ recurrent(4),
  GRU: /* @__PURE__ */ recurrent(3),
  MultiheadAttention: (c) => multiheadAttention(c),
  MaxPool2d: none,
  AvgPool2d: none,
  AdaptiveAvgPool2d: none,
  Dropout: none,
  Flatten: none,
  Identity: none,
  Sequential: none,
  ModuleList: none,
  ModuleDict: none,
  ReLU: none,
  LeakyReLU: none,
  ELU: none,
  GELU: none,
  SiLU: none,
  Sigmoid: none,
  Tanh: none,
  Softmax: none,
  LogSoftmax: none,
  GroupNorm: (c): Shapes => ((c.affine ?? true) ? { weight: f32(c.numChannels), bias: f32(c.numChannels) } : {}),
  InstanceNorm1d: instanceNorm,
  InstanceNorm2d: instanceNorm,
  RMSNorm: (c): Shapes =>
    (c.elementwiseAffine ?? true)
      ? { weight: f32(...(typeof c.normalizedShape === 'number' ? [c.normalizedShape] : c.normalizedShape)) }
      : {},
  Unflatten: none,
  RNNCell: /* @__PURE__ */ cell(1),
  LSTMCell: /* @__PURE__ */ cell(4),
  GRUCell: /* @__PURE__ */ cell(3),
  PReLU: (c) => ({ weight: f32(c.numParameters ?? 1) }),
  ReLU6: none,
  Hardtanh: none,
  Softplus: none,
  Mish: none,
  Hardswish: none,
  SELU: none,
  Dropout1d: none,
  Dropout2d: none,
  AlphaDropout: none,
  Bilinear: (c): Shapes => ({
    weight: f32(c.outFeatures, c.in1Features, c.in2Features),
    ...((c.bias ?? true) ? { bias: f32(c.outFeatures) } : {}),
  }),
  TransformerEncoderLayer: /* @__PURE__ */ transformerLayer(false),
  TransformerDecoderLayer: /* @__PURE__ */ transformerLayer(true),
  TransformerEncoder: none,
  TransformerDecoder: none,
  Transformer: none,
};
