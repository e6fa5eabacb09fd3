/**
 * Exporters of MultiheadAttention and the Transformer layers as plain
 * opset-17 nodes (MatMul, Softmax, LayerNormalization, …), the way
 * torch.onnx.export writes them: batch-first inside, heads by Reshape with
 * 0 (copy) dims so the batch and sequence lengths stay dynamic.
 */
import type { Module } from '@tensile/layers';
import { OnnxUnsupportedError } from '../errors.js';
import { f, type ExportContext, type ExportValue, type Flow, type NameFlow } from './context.js';
import { registerOnnxExporter } from './registry.js';

// biome-ignore lint/suspicious/noExplicitAny: configs are the layers' own JSON
type Config = Record<string, any>;
const cfg = (m: Module): Config => m.config as Config;
const refuse = (ctx: ExportContext, m: Module, what: string): never => {
  throw new OnnxUnsupportedError(`exportOnnx: ${ctx.prefix || 'model'} (${m.typeName}): ${what} has no ONNX export`);
};
const join = (...parts: string[]) => parts.filter((p) => p !== '').join('.');
const child = (m: Module, name: string): Module => {
  const found = [...m.namedChildren()].find(([n]) => n === name)?.[1];
  if (!found) throw new OnnxUnsupportedError(`exportOnnx: ${m.typeName} has no child '${name}'`);
  return found;
};

/** x·Wᵀ + b for a Linear-shaped weight named `weight` (and `bias`) under `path`, on a rank-3 value. */
function project(ctx: ExportContext, x: string, weight: string, bias: string | null): string {
  const y = ctx.op('MatMul', [x, ctx.op('Transpose', [weight], { perm: [1, 0] })]);
  return bias ? ctx.op('Add', [y, bias]) : y;
}

/**
 * Multi-head attention on batch-first values [N, L, E] / [N, S, E]. Returns
 * the output [N, L, E] and the head-averaged weights [N, L, S].
 */
function attention(ctx: ExportContext, m: Module, path: string, q: string, k: string, v: string): [string, string] {
  const c = cfg(m);
  if (c.addBiasKv || c.addZeroAttn) refuse(ctx, m, 'addBiasKv / addZeroAttn');
  const E = c.embedDim as number;
  const H = c.numHeads as number;
  const d = E / H;
  const has = (name: string) => m.optionalParam(name) !== null;
  let weights: string[];
  if (has('in_proj_weight')) {
    const w = ctx.initializer(join(path, 'in_proj_weight'), m.param('in_proj_weight'));
    weights = ctx.node('Split', [w, ctx.ints([E, E, E])], { axis: 0 }, 3);
  } else {
    weights = ['q_proj_weight', 'k_proj_weight', 'v_proj_weight'].map((n) => ctx.initializer(join(path, n), m.param(n)));
  }
  const biases = has('in_proj_bias')
    ? ctx.node('Split', [ctx.initializer(join(path, 'in_proj_bias'), m.param('in_proj_bias')), ctx.ints([E, E, E])], { axis: 0 }, 3)
    : [null, null, null];
  const heads = (x: string) => ctx.op('Transpose', [ctx.op('Reshape', [x, ctx.ints([0, 0, H, d])])], { perm: [0, 2, 1, 3] }); // [N, H, len, d]
  const [qp, kp, vp] = [q, k, v].map((x, i) => project(ctx, x, weights[i] as string, biases[i] as string | null)) as [
    string,
    string,
    string,
  ];
  const qh = ctx.op('Mul', [heads(qp), ctx.scalar(1 / Math.sqrt(d))]);
  const kt = ctx.op('Transpose', [ctx.op('Reshape', [kp, ctx.ints([0, 0, H, d])])], { perm: [0, 2, 3, 1] }); // [N, H, d, S]
  const probs = ctx.op('Softmax', [ctx.op('MatMul', [qh, kt])], { axis: -1 });
  const merged = ctx.op('Reshape', [
    ctx.op('Transpose', [ctx.op('MatMul', [probs, heads(vp)])], { perm: [0, 2, 1, 3] }),
    ctx.ints([0, 0, E]),
  ]);
  const out = child(m, 'out_proj');
  const outBias = out.optionalParam('bias') ? ctx.initializer(join(path, 'out_proj.bias'), out.param('bias')) : null;
  const y = project(ctx, merged, ctx.initializer(join(path, 'out_proj.weight'), out.param('weight')), outBias);
  return [y, ctx.op('ReduceMean', [probs], { axes: [1], keepdims: 0 })];
}

const toBatchFirst = (ctx: ExportContext, x: string, batchFirst: boolean) =>
  batchFirst ? x : ctx.op('Transpose', [x], { perm: [1, 0, 2] });

function multiheadAttention(ctx: ExportContext, m: Module, inputs: readonly Flow[]): NameFlow {
  const [q, k, v] = inputs as ExportValue[];
  if (!q || !k || !v) refuse(ctx, m, 'a call without query, key and value');
  if ((q as ExportValue).example.rank !== 3) refuse(ctx, m, 'unbatched input');
  const bf = cfg(m).batchFirst === true;
  const names = [q, k, v].map((x) => toBatchFirst(ctx, (x as ExportValue).name, bf)) as [string, string, string];
  const [out, weights] = attention(ctx, m, '', ...names);
  return [bf ? out : ctx.op('Transpose', [out], { perm: [1, 0, 2] }), weights];
}

function layerNorm(ctx: ExportContext, norm: Module, path: string, x: string): string {
  const parts = [x, ctx.initializer(join(path, 'weight'), norm.param('weight'))];
  if (norm.optionalParam('bias')) parts.push(ctx.initializer(join(path, 'bias'), norm.param('bias')));
  return ctx.op('LayerNormalization', parts, { axis: -1, epsilon: f(cfg(norm).eps ?? 1e-5) });
}

function feedForward(ctx: ExportContext, m: Module, x: string): string {
  const activation = cfg(m).activation;
  if (activation !== 'relu' && activation !== 'gelu') refuse(ctx, m, 'a custom activation module');
  const lin = (name: string, v: string) => {
    const l = child(m, name);
    return project(
      ctx,
      v,
      ctx.initializer(`${name}.weight`, l.param('weight')),
      l.optionalParam('bias') ? ctx.initializer(`${name}.bias`, l.param('bias')) : null,
    );
  };
  let h = lin('linear1', x);
  if (activation === 'relu') h = ctx.op('Relu', [h]);
  else {
    const erf = ctx.op('Erf', [ctx.op('Div', [h, ctx.scalar(Math.SQRT2)])]);
    h = ctx.op('Mul', [ctx.op('Mul', [h, ctx.scalar(0.5)]), ctx.op('Add', [erf, ctx.scalar(1)])]);
  }
  return lin('linear2', h);
}

/** One residual block: x + f(norm(x)) (norm first) or norm(x + f(x)). */
function residual(ctx: ExportContext, m: Module, norm: string, x: string, f: (v: string) => string): string {
  if (cfg(m).normFirst) return ctx.op('Add', [x, f(layerNorm(ctx, child(m, norm), norm, x))]);
  return layerNorm(ctx, child(m, norm), norm, ctx.op('Add', [x, f(x)]));
}

function encoderLayer(ctx: ExportContext, m: Module, inputs: readonly Flow[]): NameFlow {
  if (inputs.length !== 1) refuse(ctx, m, 'a mask argument');
  const bf = cfg(m).batchFirst === true;
  let x = toBatchFirst(ctx, (inputs[0] as ExportValue).name, bf);
  const sa = child(m, 'self_attn');
  x = residual(ctx, m, 'norm1', x, (v) => attention(ctx, sa, 'self_attn', v, v, v)[0]);
  x = residual(ctx, m, 'norm2', x, (v) => feedForward(ctx, m, v));
  return bf ? x : ctx.op('Transpose', [x], { perm: [1, 0, 2] });
}

function decoderLayer(ctx: ExportContext, m: Module, inputs: readonly Flow[]): NameFlow {
  if (inputs.length !== 2) refuse(ctx, m, 'a call without exactly tgt and memory (masks)');
  const bf = cfg(m).batchFirst === true;
  let x = toBatchFirst(ctx, (inputs[0] as ExportValue).name, bf);
  const mem = toBatchFirst(ctx, (inputs[1] as ExportValue).name, bf);
  x = residual(ctx, m, 'norm1', x, (v) => attention(ctx, child(m, 'self_attn'), 'self_attn', v, v, v)[0]);
  x = residual(ctx, m, 'norm2', x, (v) => attention(ctx, child(m, 'multihead_attn'), 'multihead_attn', v, mem, mem)[0]);
  x = residual(ctx, m, 'norm3', x, (v) => feedForward(ctx, m, v));
  return bf ? x : ctx.op('Transpose', [x], { perm: [1, 0, 2] });
}

/** A stack: each layer of `layers` in turn (extra inputs, the decoder's memory, go to every layer), then the optional norm. */
function stack(
  _ctx: ExportContext,
  m: Module,
  inputs: readonly Flow[],
  exportChild: (n: string, c: Module, i: readonly Flow[]) => Flow,
): NameFlow {
  let x = inputs[0] as Flow;
  for (const [name, layer] of child(m, 'layers').namedChildren()) x = exportChild(`layers.${name}`, layer, [x, ...inputs.slice(1)]);
  const norm = [...m.namedChildren()].find(([n]) => n === 'norm')?.[1];
  if (norm) x = exportChild('norm', norm, [x]);
  return (x as ExportValue).name;
}

export function registerAttentionExporters(): void {
  registerOnnxExporter('MultiheadAttention', multiheadAttention);
  registerOnnxExporter('TransformerEncoderLayer', encoderLayer);
  registerOnnxExporter('TransformerDecoderLayer', decoderLayer);
  registerOnnxExporter('TransformerEncoder', stack);
  registerOnnxExporter('TransformerDecoder', stack);
  registerOnnxExporter('Transformer', (ctx, m, inputs, exportChild) => {
    if (inputs.length !== 2) refuse(ctx, m, 'a call without exactly src and tgt (masks)');
    const memory = exportChild('encoder', child(m, 'encoder'), [inputs[0] as Flow]);
    return (exportChild('decoder', child(m, 'decoder'), [inputs[1] as Flow, memory]) as ExportValue).name;
  });
}
