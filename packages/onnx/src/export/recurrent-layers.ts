/**
 * Exporters of RNN, GRU and LSTM as ONNX's RNN/GRU/LSTM operators, one per
 * layer: PyTorch's gate blocks are reordered to ONNX's (GRU r,z,n → z,r,h;
 * LSTM i,f,g,o → i,o,f,c), directions stacked, biases joined, as
 * torch.onnx.export does. forward(x) → [output, h] (LSTM: [output, [h, c]]).
 */
import type { Module } from '@tensile/layers';
import { OnnxUnsupportedError } from '../errors.js';
import type { Combine, ExportContext, ExportValue, Flow, NameFlow } from './context.js';
import { registerOnnxExporter } from './registry.js';

// biome-ignore lint/suspicious/noExplicitAny: configs are the layers' own JSON
type Config = Record<string, any>;

const GATE_ORDER: Record<string, number[]> = { RNN: [0], GRU: [1, 0, 2], LSTM: [0, 3, 1, 2] };

/** Rows of `data` (blocks of `rows` rows × `cols`) in the given block order. */
function reorder(data: Float32Array, rows: number, cols: number, order: number[]): Float32Array {
  const out = new Float32Array(data.length);
  order.forEach((src, dst) => out.set(data.subarray(src * rows * cols, (src + 1) * rows * cols), dst * rows * cols));
  return out;
}

const concatAll = (parts: Float32Array[]): Float32Array => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

function recurrent(ctx: ExportContext, m: Module, inputs: readonly Flow[]): NameFlow {
  const c = m.config as Config;
  const op = m.typeName as 'RNN' | 'GRU' | 'LSTM';
  const where = `exportOnnx: ${ctx.prefix || 'model'} (${op})`;
  if (c.projSize) throw new OnnxUnsupportedError(`${where}: projSize has no ONNX export`);
  if (inputs.length > 1)
    throw new OnnxUnsupportedError(`${where}: an initial state argument is not exported (the graph starts from zeros)`);
  const x = inputs[0] as ExportValue;
  if (x.example.rank !== 3) throw new OnnxUnsupportedError(`${where}: only batched input (rank 3) is exported, got rank ${x.example.rank}`);
  const hidden = c.hiddenSize as number;
  const dirs = c.bidirectional ? 2 : 1;
  const order = GATE_ORDER[op] as number[];
  const gates = order.length;
  let seq = c.batchFirst ? ctx.op('Transpose', [x.name], { perm: [1, 0, 2] }) : x.name;
  const hs: string[] = [];
  const cs: string[] = [];
  for (let k = 0; k < (c.numLayers as number); k++) {
    const suffixes = Array.from({ length: dirs }, (_, d) => `l${k}${d ? '_reverse' : ''}`);
    const stack =
      (cols: (shape: number[]) => number): Combine =>
      (datas, shapes) => ({
        data: concatAll(datas.map((d, i) => reorder(d, hidden, cols(shapes[i] as number[]), order))),
        shape: [dirs, gates * hidden, cols(shapes[0] as number[])],
      });
    const w = ctx.combined(
      `W_l${k}`,
      suffixes.map((s) => m.param(`weight_ih_${s}`)),
      stack((s) => s[1] as number),
    );
    const r = ctx.combined(
      `R_l${k}`,
      suffixes.map((s) => m.param(`weight_hh_${s}`)),
      stack((s) => s[1] as number),
    );
    const args = [seq, w, r];
    if (c.bias !== false) {
      const biases = suffixes.flatMap((s) => [m.param(`bias_ih_${s}`), m.param(`bias_hh_${s}`)]);
      args.push(
        ctx.combined(`B_l${k}`, biases, (datas) => ({
          data: concatAll(datas.map((d) => reorder(d, hidden, 1, order))),
          shape: [dirs, 2 * gates * hidden],
        })),
      );
    }
    const attrs: Record<string, number | string | string[]> = { hidden_size: hidden, direction: dirs === 2 ? 'bidirectional' : 'forward' };
    if (op === 'GRU') attrs.linear_before_reset = 1;
    if (op === 'RNN') attrs.activations = new Array<string>(dirs).fill(c.nonlinearity === 'relu' ? 'Relu' : 'Tanh');
    const outs = ctx.node(op, args, attrs, op === 'LSTM' ? 3 : 2);
    // Y is [seq, dirs, batch, H]: directions side by side as the next layer's features.
    seq = ctx.op('Reshape', [ctx.op('Transpose', [outs[0] as string], { perm: [0, 2, 1, 3] }), ctx.ints([0, 0, -1])]);
    hs.push(outs[1] as string);
    if (op === 'LSTM') cs.push(outs[2] as string);
  }
  const output = c.batchFirst ? ctx.op('Transpose', [seq], { perm: [1, 0, 2] }) : seq;
  const h = hs.length === 1 ? ctx.op('Identity', hs) : ctx.op('Concat', hs, { axis: 0 });
  if (op !== 'LSTM') return [output, h];
  const cell = cs.length === 1 ? ctx.op('Identity', cs) : ctx.op('Concat', cs, { axis: 0 });
  return [output, [h, cell]];
}

export function registerRecurrentExporters(): void {
  for (const name of ['RNN', 'GRU', 'LSTM']) registerOnnxExporter(name, recurrent);
}
