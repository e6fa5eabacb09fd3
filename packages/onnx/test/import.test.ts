import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { wasm } from '@tensile/backend-wasm';
import { CrossEntropyLoss } from '@tensile/losses';
import { Adam } from '@tensile/optim';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx, type OnnxGraph } from '@tensile/onnx';
import { runOrt } from './ort.js';
import { fixture, input, maxDiff } from './helpers.js';

const MODELS = ['mlp', 'lenet', 'resnet', 'gru', 'transformer'] as const;

/** A few Adam steps on a fixed random batch; returns the first and last loss. */
async function fineTune(model: OnnxGraph, x: t.Tensor, classes: number): Promise<[number, number, number, number]> {
  const labels = t.tensor(
    Array.from({ length: x.shape[0] as number }, (_, i) => i % classes),
    { dtype: 'int32' },
  );
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  const lossFn = new CrossEntropyLoss();
  const losses: number[] = [];
  const live: number[] = [];
  for (let step = 0; step < 8; step++) {
    const loss = t.tidy(() => {
      opt.zeroGrad();
      const l = lossFn.call(model.call(x) as t.Tensor, labels);
      l.backward();
      opt.step();
      return l;
    });
    losses.push((await loss.data())[0] as number);
    loss.dispose();
    live.push(t.memory().tensors);
  }
  labels.dispose();
  // Live tensors after the second step (Adam's state exists) and after the last: flat when nothing leaks.
  return [losses[0] as number, losses.at(-1) as number, live[1] as number, live.at(-1) as number];
}

for (const [backendName, make] of [
  ['cpu', cpu],
  ['wasm', wasm],
] as const) {
  describe(`importOnnx of torch.onnx.export files (${backendName})`, () => {
    for (const name of MODELS) {
      it(`${name}: PyTorch's outputs, then the loss falls when fine-tuned`, async () => {
        await t.setBackend(await make());
        const { bytes, input: inSpec, output } = fixture(name);
        const model = importOnnx(bytes);
        model.eval();
        const x = input(inSpec);
        const y = model.call(x) as t.Tensor;
        expect(y.shape).toEqual(output.shape);
        expect(maxDiff(await y.data(), output.data)).toBeLessThan(1e-4);
        y.dispose();
        model.train();
        const [first, last, liveEarly, liveLate] = await fineTune(model, x, output.shape.at(-1) as number);
        expect(last).toBeLessThan(first);
        expect(liveLate).toBe(liveEarly);
        x.dispose();
      });
    }
  });
}

describe('importOnnx names', () => {
  it("keeps PyTorch's parameter names where the graph keeps them", async () => {
    await t.setBackend(cpu());
    const lenet = importOnnx(fixture('lenet').bytes);
    expect([...lenet.namedParameters()].map(([n]) => n)).toEqual([
      'conv1.weight',
      'conv1.bias',
      'conv2.weight',
      'conv2.bias',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    const enc = importOnnx(fixture('transformer').bytes);
    const names = [...enc.namedParameters()].map(([n]) => n);
    expect(names).toContain('encoder.layers.1.norm2.bias'); // an Identity alias, untied into its own parameter
    expect(names).toContain('encoder.layers.0.self_attn.in_proj_bias');
  });
});

describe('an imported model goes back to ONNX', () => {
  for (const name of MODELS) {
    it(`${name}: fine-tuned, exported again, runs in ONNX Runtime with Tensile's outputs`, async () => {
      await t.setBackend(cpu());
      const { bytes, input: inSpec, output } = fixture(name);
      const model = importOnnx(bytes);
      const x = input(inSpec);
      model.train();
      await fineTune(model, x, output.shape.at(-1) as number);
      model.eval();
      const again = await exportOnnx(model, x);
      const want = model.call(x) as t.Tensor;
      const got = (await runOrt(again, { input: x })).output;
      expect(got?.dims).toEqual(want.shape);
      expect(maxDiff(got?.data ?? [], await want.data())).toBeLessThan(1e-4);
      expect(maxDiff(await want.data(), output.data)).toBeGreaterThan(1e-4); // the weights did change
    });
  }
});
