import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool1d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  ConstantPad1d,
  ConstantPad2d,
  Conv1d,
  Conv2d,
  Conv3d,
  ConvTranspose1d,
  ConvTranspose2d,
  Fold,
  MaxPool1d,
  MaxPool2d,
  MaxPool3d,
  LPPool1d,
  LPPool2d,
  AvgPool3d,
  MaxUnpool1d,
  MaxUnpool2d,
  PixelShuffle,
  PixelUnshuffle,
  ReflectionPad1d,
  ReflectionPad2d,
  ReplicationPad1d,
  ReplicationPad2d,
  Sequential,
  Unfold,
  Upsample,
  UpsamplingBilinear2d,
  UpsamplingNearest2d,
  ZeroPad2d,
  moduleFromSpec,
  moduleToSpec,
  specStateShapes,
  type Module,
} from '@tensile/layers';
import { gradcheckModule, useCpu } from './helpers.js';

beforeAll(useCpu);

const shapesOf = (m: Module) =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, x]) => [k, { shape: [...x.shape], dtype: x.dtype }]));

describe('conv, pooling, padding and resampling layers', () => {
  const layers: [string, () => Module][] = [
    ['Conv1d with groups, reflect padding', () => new Conv1d(4, 6, 3, { groups: 2, padding: 1, paddingMode: 'reflect' })],
    ['Conv1d without bias', () => new Conv1d(2, 3, [5], { bias: false })],
    ['Conv2d circular', () => new Conv2d(2, 4, [2, 3], { padding: 'same', paddingMode: 'circular' })],
    ['Conv3d', () => new Conv3d(4, 2, [1, 2, 3], { groups: 2 })],
    ['ConvTranspose1d', () => new ConvTranspose1d(4, 6, 3, { groups: 2 })],
    ['ConvTranspose2d without bias', () => new ConvTranspose2d(3, 5, [2, 3], { stride: 2, bias: false })],
    [
      'every stateless layer',
      () =>
        new Sequential(
          new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false }),
          new UpsamplingNearest2d({ size: [4, 4] }),
          new UpsamplingBilinear2d({ scaleFactor: 2 }),
          new PixelShuffle(2),
          new PixelUnshuffle(2),
          new Fold([4, 4], 2),
          new Unfold(2),
          new ZeroPad2d(1),
          new ConstantPad1d([1, 2], 3),
          new ConstantPad2d(1, 0),
          new ReflectionPad1d(1),
          new ReflectionPad2d([1, 0, 0, 1]),
          new ReplicationPad1d(2),
          new ReplicationPad2d(1),
          new MaxPool1d(2),
          new AvgPool1d(2),
          new MaxPool2d(2, { ceilMode: true }),
          new AvgPool2d(2, { divisorOverride: 3 }),
          new AdaptiveAvgPool1d(2),
          new AdaptiveMaxPool1d(2),
          new AdaptiveMaxPool2d([2, null]),
          new MaxUnpool1d(2),
          new MaxUnpool2d(2),
          new MaxPool3d([1, 2, 2], { ceilMode: true }),
          new AvgPool3d(2, { countIncludePad: false }),
          new LPPool1d(2, 3),
          new LPPool2d(1.5, [2, 2], { ceilMode: true }),
        ),
    ],
  ];

  it.each(layers)('%s: declared state shapes equal the built state dict, and the spec rebuilds it', (_name, make) => {
    const m = make();
    const spec = moduleToSpec(m);
    expect(specStateShapes(spec)).toEqual(shapesOf(m));
    const rebuilt = moduleFromSpec(spec);
    expect(moduleToSpec(rebuilt)).toEqual(spec);
    expect(shapesOf(rebuilt)).toEqual(shapesOf(m));
    m.dispose();
    rebuilt.dispose();
  });

  it('ConvTranspose2d loads a PyTorch-layout weight [in, out/groups, kh, kw] and doubles H and W', () => {
    const up = new ConvTranspose2d(4, 2, 2, { stride: 2 });
    expect(up.weight.shape).toEqual([4, 2, 2, 2]);
    const y = up.call(t.ones([1, 4, 3, 5]));
    expect(y.shape).toEqual([1, 2, 6, 10]);
    expect(up.call(t.ones([4, 3, 5]), [7, 11]).shape).toEqual([2, 7, 11]);
    expect(() => up.call(t.ones([1, 4, 3, 5]), [8, 10])).toThrow(
      /ConvTranspose2d: requested outputSize \[8,10\]: axis 0 must be in \[6, 7\]/,
    );
    expect(() => up.call(t.ones([1, 3, 3, 5]))).toThrow(/ConvTranspose2d\(4, 2\): expected input \[N, 4, H, W\]/);
    up.dispose();
  });

  it('max pools type their result by returnIndices, and MaxUnpool2d inverts them', async () => {
    const x = t.tensor([
      [
        [
          [1, 5, 2, 0],
          [3, 4, 8, 1],
        ],
      ],
    ]);
    const plain: t.Tensor = new MaxPool2d(2).call(x);
    expect(await plain.data()).toEqual(Float32Array.of(5, 8));
    const [y, idx] = new MaxPool2d(2, { returnIndices: true }).call(x);
    expect(Array.from(await idx.data())).toEqual([1, 6]);
    const back = new MaxUnpool2d(2).call(y, idx);
    expect(Array.from(await back.data())).toEqual([0, 5, 0, 0, 0, 0, 8, 0]);
  });

  it('refuses a bad paddingMode, a ConvTranspose paddingMode, and an Upsample without one size', () => {
    expect(() => new Conv2d(1, 1, 3, { paddingMode: 'mirror' as 'zeros' })).toThrow(/Conv2d: paddingMode 'mirror' must be one of zeros/);
    expect(() => new ConvTranspose2d(1, 1, 3, { paddingMode: 'reflect' as 'zeros' })).toThrow(/only paddingMode 'zeros'/);
    expect(() => new Upsample({})).toThrow(/exactly one of size and scaleFactor/);
    expect(() => new Upsample({ size: 2, scaleFactor: 2 })).toThrow(/exactly one of size and scaleFactor/);
    expect(() => new ReflectionPad2d([1, 2] as unknown as number)).toThrow(
      /ReflectionPad2d: padding \[1,2\] must be an integer or 4 integers/,
    );
  });

  it('gradchecks Conv1d (reflect), Conv3d and ConvTranspose2d, inputs and parameters', async () => {
    const rand = (shape: number[]) => t.randn(shape, { dtype: 'float64' });
    await gradcheckModule(new Conv1d(2, 2, 3, { padding: 2, paddingMode: 'reflect' }), [rand([1, 2, 4])]);
    await gradcheckModule(new Conv3d(2, 2, 2, { padding: [1, 0, 0] }), [rand([1, 2, 2, 3, 2])]);
    await gradcheckModule(new ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), [rand([1, 2, 2, 2])]);
  });

  it('runs on the input’s backend, not the default one (index tables, ranges)', async () => {
    const other = cpu();
    const local = t.tensor(Float32Array.of(1, 5, 2, 0, 3, 4, 8, 1), { shape: [1, 1, 2, 4] });
    const x = await local.to(other);
    local.dispose();
    const [y, idx] = t.maxPool2d(x, { kernelSize: 2, returnIndices: true });
    const back = t.maxUnpool2d(y, idx, { kernelSize: 2 });
    const up = t.interpolate(x, { scaleFactor: 2, mode: 'bilinear' });
    const padded = t.pad(x, [1, 1], { mode: 'reflect' });
    for (const r of [y, idx, back, up, padded]) expect(r.backend).toBe(other);
    expect(Array.from(await back.data())).toEqual([0, 5, 0, 0, 0, 0, 8, 0]);
    for (const r of [x, y, idx, back, up, padded]) r.dispose();
  });
});
