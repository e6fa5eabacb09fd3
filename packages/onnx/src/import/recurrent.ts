/**
 * ONNX's RNN, GRU and LSTM (layout 0: X is [seq, batch, input]) unrolled
 * over time with core ops, so they train like any other graph. Gate orders
 * are ONNX's: GRU z, r, h; LSTM i, o, f, c.
 */
import * as t from '@tensile/core';
import type { AttrValue, NodeIR } from '../ir.js';
import { OnnxUnsupportedError } from '../errors.js';
import { toTensor, type Value } from './values.js';

type Attrs = Record<string, AttrValue>;
type Cell = (xw: t.Tensor, h: t.Tensor, c: t.Tensor | null, r: t.Tensor, rb: t.Tensor) => [t.Tensor, t.Tensor | null];

function check(node: NodeIR, inputs: (Value | undefined)[], attrs: Attrs, acts: string[]): void {
  const refuse = (what: string) => {
    throw new OnnxUnsupportedError(`${node.op} '${node.name}': ${what} is not supported`);
  };
  if ((attrs.layout ?? 0) !== 0) refuse('layout 1');
  if (attrs.clip !== undefined) refuse('clip');
  if (inputs[4] !== undefined) refuse('sequence_lens');
  if (inputs[7] !== undefined) refuse('peepholes (P)');
  const given = attrs.activations as string[] | undefined;
  if (given?.some((a, i) => a.toLowerCase() !== (acts[i % acts.length] as string).toLowerCase()))
    refuse(`activations [${given.join(', ')}]`);
}

function run(node: NodeIR, inputs: (Value | undefined)[], attrs: Attrs, gates: number, cell: Cell, withC: boolean): Value[] {
  const [x, w, r] = [0, 1, 2].map((i) => {
    const v = inputs[i];
    if (v === undefined) throw new OnnxUnsupportedError(`${node.op} '${node.name}': input ${i} is missing`);
    return toTensor(v);
  }) as [t.Tensor, t.Tensor, t.Tensor];
  const hidden = attrs.hidden_size as number;
  const direction = (attrs.direction as string | undefined) ?? 'forward';
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const [steps, batch] = x.shape as [number, number];
  const ys: t.Tensor[] = [];
  const hs: t.Tensor[] = [];
  const cs: t.Tensor[] = [];
  for (let d = 0; d < dirs; d++) {
    const wd = t.narrow(w, 0, d, 1).squeeze(0); // [gates·H, in]
    const rd = t.narrow(r, 0, d, 1).squeeze(0); // [gates·H, H]
    const b = inputs[3] !== undefined ? t.narrow(toTensor(inputs[3]), 0, d, 1).reshape([2, gates * hidden]) : null;
    const wb = b ? t.narrow(b, 0, 0, 1).squeeze(0) : t.zeros([gates * hidden]);
    const rb = b ? t.narrow(b, 0, 1, 1).squeeze(0) : t.zeros([gates * hidden]);
    // The input projection of every step at once: [seq, batch, gates·H].
    const xw = x.matmul(wd.transpose(0, 1)).add(wb);
    let h = inputs[5] !== undefined ? t.narrow(toTensor(inputs[5]), 0, d, 1).squeeze(0) : t.zeros([batch, hidden]);
    let c: t.Tensor | null = withC
      ? inputs[6] !== undefined
        ? t.narrow(toTensor(inputs[6]), 0, d, 1).squeeze(0)
        : t.zeros([batch, hidden])
      : null;
    const reverse = direction === 'reverse' || d === 1;
    const out: t.Tensor[] = new Array(steps);
    for (let i = 0; i < steps; i++) {
      const step = reverse ? steps - 1 - i : i;
      [h, c] = cell(t.narrow(xw, 0, step, 1).squeeze(0), h, c, rd, rb);
      out[step] = h;
    }
    ys.push(t.stack(out, 0)); // [seq, batch, H]
    hs.push(h);
    if (c) cs.push(c);
  }
  const results: Value[] = [t.stack(ys, 1), t.stack(hs, 0)];
  if (withC) results.push(t.stack(cs, 0));
  return results;
}

const chunks = (x: t.Tensor, n: number) => t.split(x, x.shape.at(-1)! / n, -1);

export function gru(inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR): Value[] {
  check(node, inputs, attrs, ['Sigmoid', 'Tanh']);
  const beforeReset = ((attrs.linear_before_reset as number | undefined) ?? 0) === 1;
  return run(
    node,
    inputs,
    attrs,
    3,
    (xw, h, _c, r, rb) => {
      const [xz, xr, xh] = chunks(xw, 3) as [t.Tensor, t.Tensor, t.Tensor];
      const [rz, rr, rh] = chunks(r.transpose(0, 1), 3) as [t.Tensor, t.Tensor, t.Tensor];
      const [bz, br, bh] = chunks(rb, 3) as [t.Tensor, t.Tensor, t.Tensor];
      const z = xz.add(h.matmul(rz)).add(bz).sigmoid();
      const rg = xr.add(h.matmul(rr)).add(br).sigmoid();
      const n = beforeReset ? xh.add(rg.mul(h.matmul(rh).add(bh))).tanh() : xh.add(rg.mul(h).matmul(rh)).add(bh).tanh();
      return [z.neg().add(1).mul(n).add(z.mul(h)), null];
    },
    false,
  );
}

export function lstm(inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR): Value[] {
  check(node, inputs, attrs, ['Sigmoid', 'Tanh', 'Tanh']);
  return run(
    node,
    inputs,
    attrs,
    4,
    (xw, h, c, r, rb) => {
      const g = xw.add(h.matmul(r.transpose(0, 1))).add(rb);
      const [i, o, f, cand] = chunks(g, 4) as [t.Tensor, t.Tensor, t.Tensor, t.Tensor];
      const cNext = f
        .sigmoid()
        .mul(c as t.Tensor)
        .add(i.sigmoid().mul(cand.tanh()));
      return [o.sigmoid().mul(cNext.tanh()), cNext];
    },
    true,
  );
}

export function rnn(inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR): Value[] {
  const acts = (attrs.activations as string[] | undefined) ?? ['Tanh'];
  const relu = acts[0]?.toLowerCase() === 'relu';
  check(node, inputs, attrs, [relu ? 'Relu' : 'Tanh']);
  return run(
    node,
    inputs,
    attrs,
    1,
    (xw, h, _c, r, rb) => {
      const pre = xw.add(h.matmul(r.transpose(0, 1))).add(rb);
      return [relu ? pre.relu() : pre.tanh(), null];
    },
    false,
  );
}
