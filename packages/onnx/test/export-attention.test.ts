import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import * as L from '@tensile/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '@tensile/onnx';
import { maxDiff } from './helpers.js';
import { runOrt } from './ort.js';

beforeAll(async () => {
  await t.setBackend(cpu());
  t.manualSeed(5);
});

const flat = (v: unknown): t.Tensor[] => (v instanceof t.Tensor ? [v] : v === null ? [] : (v as unknown[]).flatMap(flat));

/**
 * Exports on one example, then at other batch sizes (and sequence lengths)
 * compares every output in ONNX Runtime and re-imported into Tensile.
 * `shapes(batch, seq)` gives each input's shape; `axes` the dynamic dims by name.
 */
async function roundTrip(model: L.Module, shapes: (b: number, s: number) => number[][], axes: Record<string, Record<number, string>>) {
  const names = shapes(1, 1).map((_, i, all) => (all.length === 1 ? 'input' : `input_${i}`));
  const bytes = await exportOnnx(
    model,
    shapes(2, 3).map((s) => t.randn(s)),
    { dynamicAxes: axes },
  );
  model.eval();
  const back = importOnnx(bytes).eval();
  for (const [batch, seq] of [
    [1, 3],
    [3, 5],
  ] as const) {
    const xs = shapes(batch, seq).map((s) => t.randn(s));
    const want = flat((model.call as (...a: unknown[]) => unknown)(...xs));
    const got = await runOrt(bytes, Object.fromEntries(xs.map((x, i) => [names[i] as string, x])));
    const mine = flat(back.call(...xs));
    for (const [i, w] of want.entries()) {
      const out = got[i === 0 ? 'output' : `output_${i}`];
      expect(out?.dims).toEqual(w.shape);
      expect(maxDiff(out?.data ?? [], await w.data())).toBeLessThan(1e-4);
      expect(maxDiff(await (mine[i] as t.Tensor).data(), await w.data())).toBeLessThan(1e-4);
    }
  }
}

const bf = { 0: 'batch', 1: 'seq' };
const sf = { 0: 'seq', 1: 'batch' };

describe('exportOnnx of attention and Transformer layers (ONNX Runtime and re-import)', () => {
  it('MultiheadAttention (seq first): output and averaged weights', () =>
    roundTrip(
      new L.MultiheadAttention(8, 2),
      (b, s) => [
        [s, b, 8],
        [s + 1, b, 8],
        [s + 1, b, 8],
      ],
      {
        input_0: sf,
        input_1: { 0: 'src', 1: 'batch' },
        input_2: { 0: 'src', 1: 'batch' },
        output: sf,
        output_1: { 0: 'batch', 1: 'seq', 2: 'src' },
      },
    ));
  it('MultiheadAttention (batch first, kdim/vdim, no bias)', () =>
    roundTrip(
      new L.MultiheadAttention(8, 4, { batchFirst: true, kdim: 6, vdim: 5, bias: false }),
      (b, s) => [
        [b, s, 8],
        [b, s + 2, 6],
        [b, s + 2, 5],
      ],
      {
        input_0: bf,
        input_1: { 0: 'batch', 1: 'src' },
        input_2: { 0: 'batch', 1: 'src' },
        output: bf,
        output_1: { 0: 'batch', 1: 'seq', 2: 'src' },
      },
    ));
  it('TransformerEncoderLayer (post-norm, relu, batch first)', () =>
    roundTrip(new L.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }), (b, s) => [[b, s, 8]], {
      input: bf,
      output: bf,
    }));
  it('TransformerEncoder of pre-norm gelu layers with a final norm (seq first)', () =>
    roundTrip(
      new L.TransformerEncoder(new L.TransformerEncoderLayer(8, 2, { dimFeedforward: 12, activation: 'gelu', normFirst: true }), 2, {
        norm: new L.LayerNorm(8),
      }),
      (b, s) => [[s, b, 8]],
      { input: sf, output: sf },
    ));
  it('TransformerDecoderLayer (batch first)', () =>
    roundTrip(
      new L.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }),
      (b, s) => [
        [b, s, 8],
        [b, s + 1, 8],
      ],
      {
        input_0: bf,
        input_1: { 0: 'batch', 1: 'src' },
        output: bf,
      },
    ));
  it('Transformer (encoder and decoder, batch first)', () =>
    roundTrip(
      new L.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, batchFirst: true }),
      (b, s) => [
        [b, s + 1, 8],
        [b, s, 8],
      ],
      {
        input_0: { 0: 'batch', 1: 'src' },
        input_1: bf,
        output: bf,
      },
    ));
  it('a classifier: Sequential(TransformerEncoderLayer, Flatten, Linear)', () =>
    roundTrip(
      new L.Sequential(new L.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }), new L.Flatten(), new L.Linear(24, 3)),
      (b) => [[b, 3, 8]],
      {
        input: { 0: 'batch' },
        output: { 0: 'batch' },
      },
    ));
});
