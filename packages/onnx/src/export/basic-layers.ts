/**
 * Exporters of the feed-forward built-in layers: Linear, convolutions,
 * pooling, normalization, activations, Dropout (Identity: export is for
 * inference), Flatten and Embedding. Each reads its layer's config and
 * parameters, names initializers as PyTorch does, and emits opset-17 nodes.
 */
import type { Module } from '@tensile/layers';
import { OnnxUnsupportedError } from '../errors.js';
import { f, type ExportContext, type ExportValue, type Flow } from './context.js';
import { registerOnnxExporter, type LayerExporter } from './registry.js';

// biome-ignore lint/suspicious/noExplicitAny: configs are the layers' own JSON
type Config = Record<string, any>;
const cfg = (m: Module): Config => m.config as Config;
const only = (inputs: readonly Flow[]): ExportValue => inputs[0] as ExportValue;
const tuple = (v: unknown, n: number): number[] => (Array.isArray(v) ? (v as number[]) : new Array<number>(n).fill(v as number));
const refuse = (ctx: ExportContext, m: Module, what: string): never => {
  throw new OnnxUnsupportedError(`exportOnnx: ${ctx.prefix || 'model'} (${m.typeName}): ${what} has no ONNX export`);
};

/** A one-input exporter from an op name and attributes. */
const simple =
  (op: string, attrs: (m: Module) => Record<string, number | number[] | { float: number }> = () => ({})): LayerExporter =>
  (ctx, m, inputs) =>
    ctx.op(op, [only(inputs).name], attrs(m));

function linear(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const x = only(inputs);
  const w = ctx.initializer('weight', m.param('weight'));
  const b = m.optionalParam('bias') ? ctx.initializer('bias', m.param('bias')) : null;
  if (x.example.rank === 2) return ctx.op('Gemm', b ? [x.name, w, b] : [x.name, w], { transB: 1 });
  const y = ctx.op('MatMul', [x.name, ctx.op('Transpose', [w], { perm: [1, 0] })]);
  return b ? ctx.op('Add', [y, b]) : y;
}

/** ONNX pads [begin…, end…] for a conv's padding config (numbers, or 'same' / 'valid'). */
function convPads(padding: unknown, kernel: number[], dilation: number[]): number[] {
  const n = kernel.length;
  if (padding === 'valid') return new Array<number>(2 * n).fill(0);
  if (padding === 'same') {
    const total = kernel.map((k, i) => (dilation[i] as number) * (k - 1));
    const begin = total.map((p) => Math.floor(p / 2));
    return [...begin, ...total.map((p, i) => p - (begin[i] as number))];
  }
  const p = tuple(padding, n);
  return [...p, ...p];
}

function conv(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const c = cfg(m);
  if (c.paddingMode && c.paddingMode !== 'zeros') refuse(ctx, m, `paddingMode '${c.paddingMode}'`);
  const kernel = tuple(c.kernelSize, m.typeName === 'Conv1d' ? 1 : 2);
  const dilation = tuple(c.dilation ?? 1, kernel.length);
  const w = ctx.initializer('weight', m.param('weight'));
  const b = m.optionalParam('bias') ? ctx.initializer('bias', m.param('bias')) : null;
  return ctx.op('Conv', b ? [only(inputs).name, w, b] : [only(inputs).name, w], {
    kernel_shape: kernel,
    strides: tuple(c.stride ?? 1, kernel.length),
    pads: convPads(c.padding ?? 0, kernel, dilation),
    dilations: dilation,
    group: c.groups ?? 1,
  });
}

function convTranspose(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const c = cfg(m);
  const n = m.typeName === 'ConvTranspose1d' ? 1 : 2;
  const kernel = tuple(c.kernelSize, n);
  const pads = tuple(c.padding ?? 0, n);
  const w = ctx.initializer('weight', m.param('weight'));
  const b = m.optionalParam('bias') ? ctx.initializer('bias', m.param('bias')) : null;
  return ctx.op('ConvTranspose', b ? [only(inputs).name, w, b] : [only(inputs).name, w], {
    kernel_shape: kernel,
    strides: tuple(c.stride ?? 1, n),
    pads: [...pads, ...pads],
    output_padding: tuple(c.outputPadding ?? 0, n),
    dilations: tuple(c.dilation ?? 1, n),
    group: c.groups ?? 1,
  });
}

function pool(op: 'MaxPool' | 'AveragePool', n: number): LayerExporter {
  return (ctx, m, inputs) => {
    const c = cfg(m);
    if (c.returnIndices) refuse(ctx, m, 'returnIndices');
    if (c.divisorOverride) refuse(ctx, m, 'divisorOverride');
    const kernel = tuple(c.kernelSize, n);
    const pads = tuple(c.padding ?? 0, n);
    const attrs: Record<string, number | number[]> = {
      kernel_shape: kernel,
      strides: tuple(c.stride ?? c.kernelSize, n),
      pads: [...pads, ...pads],
      ceil_mode: c.ceilMode ? 1 : 0,
    };
    if (op === 'MaxPool') attrs.dilations = tuple(c.dilation ?? 1, n);
    else attrs.count_include_pad = c.countIncludePad === false ? 0 : 1;
    return ctx.op(op, [only(inputs).name], attrs);
  };
}

/** Adaptive average pooling to sizes that divide the input evenly (Global… for 1): fixed windows. */
function adaptiveAvg(n: number): LayerExporter {
  return (ctx, m, inputs) => {
    const x = only(inputs);
    const out = tuple(cfg(m).outputSize, n).map((o, i) => o ?? (x.example.shape.at(i - n) as number));
    if (out.every((o) => o === 1)) return ctx.op('GlobalAveragePool', [x.name]);
    const sizes = x.example.shape.slice(-n);
    if (sizes.some((s, i) => s % (out[i] as number) !== 0))
      refuse(ctx, m, `output size [${out.join(', ')}] from input [${sizes.join(', ')}] (not a whole window)`);
    const kernel = sizes.map((s, i) => s / (out[i] as number));
    return ctx.op('AveragePool', [x.name], { kernel_shape: kernel, strides: kernel });
  };
}

/** A float constant initializer of a given shape (a norm without affine parameters). */
function filled(ctx: ExportContext, shape: number[], value: number): string {
  return ctx.floats(new Array<number>(shape.reduce((a, d) => a * d, 1)).fill(value), shape);
}

function batchNorm(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const c = cfg(m);
  if (c.trackRunningStats === false) refuse(ctx, m, 'batch statistics in eval mode (trackRunningStats: false)');
  const channels = c.numFeatures as number;
  const scale = c.affine === false ? filled(ctx, [channels], 1) : ctx.initializer('weight', m.param('weight'));
  const bias = c.affine === false ? filled(ctx, [channels], 0) : ctx.initializer('bias', m.param('bias'));
  const mean = ctx.initializer('running_mean', m.buffer('running_mean'));
  const variance = ctx.initializer('running_var', m.buffer('running_var'));
  return ctx.op('BatchNormalization', [only(inputs).name, scale, bias, mean, variance], { epsilon: f(c.eps ?? 1e-5) });
}

function instanceNorm(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const c = cfg(m);
  if (c.trackRunningStats) return batchNorm(ctx, m, inputs); // eval with running statistics is a batch norm
  const channels = c.numFeatures as number;
  const scale = c.affine ? ctx.initializer('weight', m.param('weight')) : filled(ctx, [channels], 1);
  const bias = c.affine ? ctx.initializer('bias', m.param('bias')) : filled(ctx, [channels], 0);
  return ctx.op('InstanceNormalization', [only(inputs).name, scale, bias], { epsilon: f(c.eps ?? 1e-5) });
}

function layerNorm(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const c = cfg(m);
  const shape = c.normalizedShape as number[];
  const scale = c.elementwiseAffine === false ? filled(ctx, shape, 1) : ctx.initializer('weight', m.param('weight'));
  const parts = [only(inputs).name, scale];
  if (c.elementwiseAffine !== false && m.optionalParam('bias')) parts.push(ctx.initializer('bias', m.param('bias')));
  return ctx.op('LayerNormalization', parts, { axis: -shape.length, epsilon: f(c.eps ?? 1e-5) });
}

/** GroupNormalization is opset 18: composed of Reshape and ReduceMean in 17. */
function groupNorm(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const c = cfg(m);
  const x = only(inputs);
  const grouped = ctx.op('Reshape', [x.name, ctx.ints([0, c.numGroups as number, -1])]);
  const mean = ctx.op('ReduceMean', [grouped], { axes: [2], keepdims: 1 });
  const centered = ctx.op('Sub', [grouped, mean]);
  const variance = ctx.op('ReduceMean', [ctx.op('Mul', [centered, centered])], { axes: [2], keepdims: 1 });
  const normed = ctx.op('Div', [centered, ctx.op('Sqrt', [ctx.op('Add', [variance, ctx.scalar(c.eps ?? 1e-5)])])]);
  let y = ctx.op('Reshape', [normed, ctx.op('Shape', [x.name])]);
  if (c.affine !== false) {
    const trailing = new Array<number>(x.example.rank - 2).fill(1);
    const asChannels = (data: Float32Array, shape: number[]) => ({ data, shape: [...shape, ...trailing] });
    y = ctx.op('Mul', [y, ctx.initializer('weight', m.param('weight'), asChannels)]);
    y = ctx.op('Add', [y, ctx.initializer('bias', m.param('bias'), asChannels)]);
  }
  return y;
}

function flatten(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const x = only(inputs);
  const rank = x.example.rank;
  const start = ((cfg(m).startDim ?? 1) + rank) % rank;
  const end = ((cfg(m).endDim ?? -1) + rank) % rank;
  if (start === 1 && end === rank - 1) return ctx.op('Flatten', [x.name], { axis: 1 });
  const shape = [...new Array<number>(start).fill(0), -1, ...x.example.shape.slice(end + 1)];
  return ctx.op('Reshape', [x.name, ctx.ints(shape)]);
}

function gelu(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const x = only(inputs).name;
  const half = ctx.op('Mul', [x, ctx.scalar(0.5)]);
  if (cfg(m).approximate === 'tanh') {
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const cube = ctx.op('Mul', [ctx.op('Mul', [x, x]), x]);
    const inner = ctx.op('Mul', [ctx.op('Add', [x, ctx.op('Mul', [cube, ctx.scalar(0.044715)])]), ctx.scalar(Math.sqrt(2 / Math.PI))]);
    return ctx.op('Mul', [half, ctx.op('Add', [ctx.op('Tanh', [inner]), ctx.scalar(1)])]);
  }
  const erf = ctx.op('Erf', [ctx.op('Div', [x, ctx.scalar(Math.SQRT2)])]);
  return ctx.op('Mul', [half, ctx.op('Add', [erf, ctx.scalar(1)])]);
}

function softplus(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const beta = (cfg(m).beta as number | undefined) ?? 1;
  const x = only(inputs).name;
  if (beta === 1) return ctx.op('Softplus', [x]);
  return ctx.op('Div', [ctx.op('Softplus', [ctx.op('Mul', [x, ctx.scalar(beta)])]), ctx.scalar(beta)]);
}

function prelu(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const x = only(inputs);
  const trailing = new Array<number>(Math.max(x.example.rank - 2, 0)).fill(1);
  const slope = ctx.initializer('weight', m.param('weight'), (data, shape) => ({
    data,
    shape: data.length === 1 ? [1] : [...shape, ...trailing],
  }));
  return ctx.op('PRelu', [x.name, slope]);
}

function embedding(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  if (cfg(m).maxNorm !== null && cfg(m).maxNorm !== undefined) refuse(ctx, m, 'maxNorm (it renormalizes rows in place)');
  return ctx.op('Gather', [ctx.initializer('weight', m.param('weight')), only(inputs).name], { axis: 0 });
}

/** PyTorch's flat padding (last axis first: left, right, top, bottom) as ONNX Pad's [begins…, ends…] over every axis. */
function pad(mode: 'constant' | 'reflect' | 'edge'): LayerExporter {
  return (ctx, m, inputs) => {
    const x = only(inputs);
    const flat = cfg(m).padding as number[];
    const rank = x.example.rank;
    const begins = new Array<number>(rank).fill(0);
    const ends = new Array<number>(rank).fill(0);
    for (let k = 0; k < flat.length / 2; k++) {
      begins[rank - 1 - k] = flat[2 * k] as number;
      ends[rank - 1 - k] = flat[2 * k + 1] as number;
    }
    const args = [x.name, ctx.ints([...begins, ...ends])];
    if (mode === 'constant') args.push(ctx.scalar(cfg(m).value ?? 0));
    return ctx.op('Pad', args, { mode });
  };
}

/** RMSNorm (no ONNX op in 17): x / √(mean(x²) + eps) · weight over the normalized axes. */
function rmsNorm(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const x = only(inputs);
  const c = cfg(m);
  const k = (c.normalizedShape as number[]).length;
  const axes = Array.from({ length: k }, (_, i) => x.example.rank - k + i);
  const eps = c.eps ?? (x.example.dtype === 'float64' ? 2 ** -52 : 2 ** -23);
  const meanSquare = ctx.op('ReduceMean', [ctx.op('Mul', [x.name, x.name])], { axes, keepdims: 1 });
  const y = ctx.op('Div', [x.name, ctx.op('Sqrt', [ctx.op('Add', [meanSquare, ctx.scalar(eps)])])]);
  return m.optionalParam('weight') ? ctx.op('Mul', [y, ctx.initializer('weight', m.param('weight'))]) : y;
}

function unflatten(ctx: ExportContext, m: Module, inputs: readonly Flow[]): string {
  const x = only(inputs);
  const rank = x.example.rank;
  const dim = ((cfg(m).dim as number) + rank) % rank;
  if (dim === 0) refuse(ctx, m, 'unflattening the batch dimension');
  const shape = [...new Array<number>(dim).fill(0), ...(cfg(m).unflattenedSize as number[]), ...x.example.shape.slice(dim + 1)];
  return ctx.op('Reshape', [x.name, ctx.ints(shape)]);
}

const clip =
  (lo: number, hi: number): LayerExporter =>
  (ctx, _m, inputs) =>
    ctx.op('Clip', [only(inputs).name, ctx.scalar(lo), ctx.scalar(hi)]);

/** Registers every built-in feed-forward layer's exporter. */
export function registerBasicExporters(): void {
  registerOnnxExporter('Linear', linear);
  for (const name of ['Conv1d', 'Conv2d']) registerOnnxExporter(name, conv);
  for (const name of ['ConvTranspose1d', 'ConvTranspose2d']) registerOnnxExporter(name, convTranspose);
  registerOnnxExporter('MaxPool1d', pool('MaxPool', 1));
  registerOnnxExporter('MaxPool2d', pool('MaxPool', 2));
  registerOnnxExporter('AvgPool1d', pool('AveragePool', 1));
  registerOnnxExporter('AvgPool2d', pool('AveragePool', 2));
  registerOnnxExporter('AdaptiveAvgPool1d', adaptiveAvg(1));
  registerOnnxExporter('AdaptiveAvgPool2d', adaptiveAvg(2));
  for (const name of ['BatchNorm1d', 'BatchNorm2d']) registerOnnxExporter(name, batchNorm);
  for (const name of ['InstanceNorm1d', 'InstanceNorm2d']) registerOnnxExporter(name, instanceNorm);
  registerOnnxExporter('LayerNorm', layerNorm);
  registerOnnxExporter('GroupNorm', groupNorm);
  for (const name of ['Dropout', 'Dropout1d', 'Dropout2d', 'AlphaDropout', 'Identity']) registerOnnxExporter(name, simple('Identity'));
  registerOnnxExporter('Flatten', flatten);
  registerOnnxExporter('Unflatten', unflatten);
  registerOnnxExporter('RMSNorm', rmsNorm);
  for (const name of ['ZeroPad2d', 'ConstantPad1d', 'ConstantPad2d']) registerOnnxExporter(name, pad('constant'));
  for (const name of ['ReflectionPad1d', 'ReflectionPad2d']) registerOnnxExporter(name, pad('reflect'));
  for (const name of ['ReplicationPad1d', 'ReplicationPad2d']) registerOnnxExporter(name, pad('edge'));
  registerOnnxExporter('Embedding', embedding);
  registerOnnxExporter('ReLU', simple('Relu'));
  registerOnnxExporter('Tanh', simple('Tanh'));
  registerOnnxExporter('Sigmoid', simple('Sigmoid'));
  registerOnnxExporter('SELU', simple('Selu'));
  registerOnnxExporter('Hardswish', simple('HardSwish'));
  registerOnnxExporter(
    'ELU',
    simple('Elu', (m) => ({ alpha: f(cfg(m).alpha ?? 1) })),
  );
  registerOnnxExporter(
    'LeakyReLU',
    simple('LeakyRelu', (m) => ({ alpha: f(cfg(m).negativeSlope ?? 0.01) })),
  );
  registerOnnxExporter(
    'Softmax',
    simple('Softmax', (m) => ({ axis: cfg(m).dim ?? -1 })),
  );
  registerOnnxExporter(
    'LogSoftmax',
    simple('LogSoftmax', (m) => ({ axis: cfg(m).dim ?? -1 })),
  );
  registerOnnxExporter('GELU', gelu);
  registerOnnxExporter('SiLU', (ctx, _m, inputs) => ctx.op('Mul', [only(inputs).name, ctx.op('Sigmoid', [only(inputs).name])]));
  registerOnnxExporter('Mish', (ctx, _m, inputs) => {
    const x = only(inputs).name;
    return ctx.op('Mul', [x, ctx.op('Tanh', [ctx.op('Softplus', [x])])]);
  });
  registerOnnxExporter('Softplus', softplus);
  registerOnnxExporter('ReLU6', clip(0, 6));
  registerOnnxExporter('Hardtanh', (ctx, m, inputs) =>
    clip(cfg(m).minVal ?? -1, cfg(m).maxVal ?? 1)(ctx, m, inputs, () => inputs[0] as Flow),
  );
  registerOnnxExporter('PReLU', prelu);
}
