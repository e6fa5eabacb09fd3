import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import * as L from '@tensile/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '@tensile/onnx';
import { maxDiff } from './helpers.js';
import { runOrt } from './ort.js';

beforeAll(async () => {
  await t.setBackend(cpu());
  t.manualSeed(11);
});

const flat = (v: unknown): t.Tensor[] => (v instanceof t.Tensor ? [v] : (v as unknown[]).flatMap(flat));

/** Exports on batch 1, then compares every output (output, h[, c]) in ONNX Runtime and re-imported, at batch 1, 2 and 4. */
async function roundTrip(model: L.Module, shape: (b: number) => number[]) {
  // Time-major layers have the batch at dimension 1 of the input and of every output.
  const major: Record<number, string> = (model.config as { batchFirst?: boolean }).batchFirst ? { 0: 'batch' } : { 0: 'seq', 1: 'batch' };
  const state: Record<number, string> = { 1: 'batch' };
  const dynamicAxes = { input: major, output: major, output_1: state, output_2: state };
  const bytes = await exportOnnx(model, t.randn(shape(1)), { dynamicAxes });
  model.eval();
  const back = importOnnx(bytes).eval();
  for (const batch of [1, 2, 4]) {
    const dims = shape(batch);
    // With a dynamic 'seq' dimension, the last run also takes a longer sequence.
    if (batch === 4 && 'seq' in major) dims[0] = (dims[0] as number) + 2;
    const x = t.randn(dims);
    const want = flat(model.call(x));
    const got = await runOrt(bytes, { input: x });
    const names = want.map((_, i) => (i === 0 ? 'output' : `output_${i}`));
    const mine = flat(back.call(x));
    for (const [i, w] of want.entries()) {
      expect(got[names[i] as string]?.dims).toEqual(w.shape);
      expect(maxDiff(got[names[i] as string]?.data ?? [], await w.data())).toBeLessThan(1e-4);
      expect(maxDiff(await (mine[i] as t.Tensor).data(), await w.data())).toBeLessThan(1e-4);
    }
  }
}

describe('exportOnnx of recurrent layers (ONNX Runtime and re-import, batch 1, 2, 4)', () => {
  it('GRU', () => roundTrip(new L.GRU(3, 4), (b) => [5, b, 3]));
  it('GRU, 2 layers, bidirectional, batch first', () =>
    roundTrip(new L.GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }), (b) => [b, 5, 3]));
  it('LSTM, 2 layers', () => roundTrip(new L.LSTM(3, 4, { numLayers: 2 }), (b) => [6, b, 3]));
  it('LSTM, bidirectional, batch first, no bias', () =>
    roundTrip(new L.LSTM(2, 3, { bidirectional: true, batchFirst: true, bias: false }), (b) => [b, 4, 2]));
  it('RNN (tanh), 2 layers', () => roundTrip(new L.RNN(3, 5, { numLayers: 2 }), (b) => [4, b, 3]));
  it('RNN (relu), bidirectional', () => roundTrip(new L.RNN(3, 5, { nonlinearity: 'relu', bidirectional: true }), (b) => [4, b, 3]));
});
