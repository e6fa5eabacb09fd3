import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import * as L from '@tensile/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx, OnnxUnsupportedError, registerOnnxExporter, type ExportValue } from '@tensile/onnx';
import { maxDiff } from './helpers.js';
import { runOrt } from './ort.js';

beforeAll(async () => {
  await t.setBackend(cpu());
  t.manualSeed(7);
});

/** Randomizes BatchNorm-style running statistics so that they matter. */
function randomizeBuffers(m: L.Module): void {
  for (const [name, b] of m.namedBuffers()) {
    if (name.endsWith('running_mean')) t.assign(b, t.randn(b.shape).mul(0.3));
    if (name.endsWith('running_var')) t.assign(b, t.rand(b.shape).add(0.5));
  }
}

type Case = [name: string, build: () => L.Module, shape: (batch: number) => number[], opts?: { int?: number }];

const CASES: Case[] = [
  ['Linear + ReLU', () => new L.Sequential(new L.Linear(6, 5), new L.ReLU(), new L.Linear(5, 3)), (b) => [b, 6]],
  ['Linear on rank 3', () => new L.Linear(4, 3), (b) => [b, 2, 4]],
  ['Linear without bias', () => new L.Linear(4, 3, { bias: false }), (b) => [b, 4]],
  [
    'Conv2d + MaxPool2d + Flatten',
    () => new L.Sequential(new L.Conv2d(2, 3, 3, { padding: 1 }), new L.MaxPool2d(2), new L.Flatten(), new L.Linear(3 * 4 * 4, 2)),
    (b) => [b, 2, 8, 8],
  ],
  ['Conv2d strided, dilated, grouped', () => new L.Conv2d(4, 4, 3, { stride: 2, dilation: 2, groups: 2, padding: 2 }), (b) => [b, 4, 9, 9]],
  ["Conv2d padding 'same'", () => new L.Conv2d(2, 2, 4, { padding: 'same' }), (b) => [b, 2, 6, 6]],
  [
    'Conv1d + AvgPool1d + MaxPool1d',
    () => new L.Sequential(new L.Conv1d(3, 4, 3, { padding: 1 }), new L.AvgPool1d(2), new L.MaxPool1d(2)),
    (b) => [b, 3, 12],
  ],
  ['ConvTranspose2d', () => new L.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), (b) => [b, 3, 4, 4]],
  ['ConvTranspose1d', () => new L.ConvTranspose1d(3, 2, 4, { stride: 2 }), (b) => [b, 3, 5]],
  ['AvgPool2d (padding, ceil mode)', () => new L.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }), (b) => [b, 2, 7, 7]],
  ['AdaptiveAvgPool2d', () => new L.Sequential(new L.AdaptiveAvgPool2d(2), new L.AdaptiveAvgPool2d(1)), (b) => [b, 3, 6, 6]],
  ['BatchNorm2d + BatchNorm1d', () => new L.Sequential(new L.BatchNorm2d(3), new L.Flatten(), new L.BatchNorm1d(48)), (b) => [b, 3, 4, 4]],
  ['LayerNorm', () => new L.LayerNorm([4, 5]), (b) => [b, 3, 4, 5]],
  ['GroupNorm', () => new L.GroupNorm(2, 4), (b) => [b, 4, 3, 3]],
  ['InstanceNorm2d (affine)', () => new L.InstanceNorm2d(3, { affine: true }), (b) => [b, 3, 4, 4]],
  ['Dropout is the identity', () => new L.Sequential(new L.Conv2d(2, 2, 1), new L.Dropout(0.5), new L.Dropout2d(0.3)), (b) => [b, 2, 3, 3]],
  ['Unflatten', () => new L.Sequential(new L.Linear(6, 6), new L.Unflatten(1, [2, 3])), (b) => [b, 6]],
  ['RMSNorm', () => new L.RMSNorm([3, 4]), (b) => [b, 2, 3, 4]],
  [
    'padding layers',
    () =>
      new L.Sequential(
        new L.ZeroPad2d([1, 0, 2, 1]),
        new L.ConstantPad2d(1, 0.5),
        new L.ReflectionPad2d([1, 1, 0, 2]),
        new L.ReplicationPad2d(1),
      ),
    (b) => [b, 2, 4, 5],
  ],
  [
    '1-d padding layers',
    () => new L.Sequential(new L.ConstantPad1d([2, 1], -1), new L.ReflectionPad1d(2), new L.ReplicationPad1d([0, 3])),
    (b) => [b, 3, 5],
  ],
  ['Embedding', () => new L.Sequential(new L.Embedding(10, 4), new L.Flatten()), (b) => [b, 3], { int: 10 }],
  [
    'activations',
    () =>
      new L.Sequential(
        new L.Linear(5, 6),
        new L.Tanh(),
        new L.Linear(6, 6),
        new L.Sigmoid(),
        new L.GELU(),
        new L.GELU('tanh'),
        new L.SiLU(),
        new L.ELU(0.7),
        new L.LeakyReLU(0.2),
        new L.Softplus(),
        new L.Softplus(2),
        new L.Mish(),
        new L.Hardswish(),
        new L.SELU(),
        new L.ReLU6(),
        new L.Hardtanh(-0.5, 0.5),
        new L.PReLU(),
        new L.Softmax(-1),
        new L.LogSoftmax(1),
      ),
    (b) => [b, 5],
  ],
];

async function roundTrip(model: L.Module, shape: (b: number) => number[], int?: number) {
  const make = (b: number) => (int ? t.randint(0, int, shape(b)) : t.randn(shape(b)));
  const bytes = await exportOnnx(model, make(1));
  model.eval();
  for (const batch of [1, 3, 5]) {
    const x = make(batch);
    const want = model.call(x) as t.Tensor;
    const got = (await runOrt(bytes, { input: x })).output;
    expect(got?.dims).toEqual(want.shape);
    expect(maxDiff(got?.data ?? [], await want.data())).toBeLessThan(1e-4);
    // And back: the exported file imports into Tensile with the same outputs.
    const back = importOnnx(bytes).eval().call(x) as t.Tensor;
    expect(maxDiff(await back.data(), await want.data())).toBeLessThan(1e-4);
  }
  return bytes;
}

describe("exportOnnx runs in ONNX Runtime with Tensile's outputs (batch 1, 3, 5)", () => {
  for (const [name, build, shape, opts] of CASES) {
    it(name, async () => {
      const model = build();
      randomizeBuffers(model);
      await roundTrip(model, shape, opts?.int);
    });
  }
});

describe('exportOnnx names and errors', () => {
  it("names initializers as PyTorch's state dict, and the input and output", async () => {
    const model = new L.Sequential({ features: new L.Sequential(new L.Conv2d(1, 2, 3)), head: new L.Flatten() });
    const bytes = await exportOnnx(model, t.zeros([1, 1, 5, 5]), { inputNames: ['image'], outputNames: ['logits'] });
    const imported = importOnnx(bytes);
    expect([...imported.namedParameters()].map(([n]) => n)).toEqual(['features.0.weight', 'features.0.bias']);
    expect(imported.graph.inputs.map((i) => [i.name, i.shape])).toEqual([['image', ['batch', 1, 5, 5]]]);
    expect(imported.graph.outputs).toEqual(['logits']);
  });

  it('refuses a layer without an exporter, naming it and the hook', async () => {
    class Scale extends L.Module<[t.Tensor], t.Tensor> {
      readonly typeName = 'ScaleForOnnxTest';
      get config() {
        return {};
      }
      forward(x: t.Tensor) {
        return x.mul(2);
      }
    }
    const model = new L.Sequential(new L.Linear(2, 2), new Scale());
    await expect(exportOnnx(model, t.zeros([1, 2]))).rejects.toThrow(OnnxUnsupportedError);
    await expect(exportOnnx(model, t.zeros([1, 2]))).rejects.toThrow(
      /1 \(ScaleForOnnxTest\) has no ONNX exporter.*registerOnnxExporter\('ScaleForOnnxTest'/,
    );
    registerOnnxExporter('ScaleForOnnxTest', (ctx, _m, [x]) => ctx.op('Mul', [(x as ExportValue).name, ctx.scalar(2)]));
    await roundTrip(model, (b) => [b, 2]);
  });
});
