/**
 * Conformance cases of the conv, pooling, padding and resampling ops beyond
 * conv2d (conv1d/3d, transposed conv, fold, pad modes, pooling options,
 * adaptive max pooling, unpooling, interpolate, pixel shuffle): gradchecks
 * (also gradgradchecked, see gradgradcheck.ts), edge behaviour and errors.
 * PyTorch's values are in the conv_ext and pool_ext fixtures.
 */
import * as t from '@tensile/core';
import { expectError } from '../compare.js';
import { randomRef, type Ref } from '../reference.js';
import type { EdgeCase } from './edge.js';
import type { GradCase } from './gradcheck.js';

/** A shuffled ramp: no ties, so each pooling window has one clear maximum. */
function distinct(shape: number[], seed: number): Ref {
  const r = randomRef(shape, seed);
  const order = Array.from(r.data.keys()).sort((a, b) => r.data[a] - r.data[b]);
  const data = new Float64Array(r.data.length);
  order.forEach((k, rank) => (data[k] = rank * 0.37 - 1));
  return { shape, data };
}

const pos = (shape: number[], seed: number): Ref => randomRef(shape, seed, 0.5, 1.5);

export const convPoolGradCases: GradCase[] = [
  {
    name: 'conv1d (stride 2, pad 1, groups 2, bias)',
    fn: (x, w, b) => t.conv1d(x, w, b, { stride: 2, padding: 1, groups: 2 }),
    inputs: [randomRef([1, 2, 5], 101), randomRef([2, 1, 3], 102), randomRef([2], 103)],
  },
  {
    name: 'conv3d (depth stride 2, pad, bias)',
    fn: (x, w, b) => t.conv3d(x, w, b, { stride: [2, 1, 1], padding: [1, 0, 1] }),
    inputs: [randomRef([1, 1, 3, 2, 2], 104), randomRef([2, 1, 2, 2, 2], 105), randomRef([2], 106)],
  },
  {
    name: 'convTranspose1d (stride 2, pad 1, outputPadding 1)',
    fn: (x, w) => t.convTranspose1d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }),
    inputs: [randomRef([1, 2, 3], 107), randomRef([2, 1, 3], 108)],
  },
  {
    name: 'convTranspose2d (stride 2, groups 2, dilation 2, bias)',
    fn: (x, w, b) => t.convTranspose2d(x, w, b, { stride: 2, groups: 2, dilation: 2 }),
    inputs: [randomRef([1, 2, 2, 2], 109), randomRef([2, 1, 2, 2], 110), randomRef([2], 111)],
  },
  {
    name: 'fold (overlapping, padded)',
    fn: (x) => t.fold(x, [3, 3], 2, { padding: 1, stride: 1 }),
    inputs: [randomRef([1, 4, 16], 112)],
  },
  { name: 'pad reflect', fn: (x) => t.pad(x, [2, 1, 1, 0], { mode: 'reflect' }), inputs: [randomRef([1, 2, 3], 113)] },
  { name: 'pad replicate', fn: (x) => t.pad(x, [0, 2, 1, 1], { mode: 'replicate' }), inputs: [randomRef([1, 2, 3], 114)] },
  { name: 'pad circular', fn: (x) => t.pad(x, [3, 1], { mode: 'circular' }), inputs: [randomRef([2, 3], 115)] },
  {
    name: 'maxPool2d (ceilMode, padding)',
    fn: (x) => t.maxPool2d(x, { kernelSize: 2, stride: 2, padding: 1, ceilMode: true }),
    inputs: [distinct([1, 1, 4, 5], 116)],
  },
  {
    name: 'maxPool1d (dilation 2, ceilMode)',
    fn: (x) => t.maxPool1d(x, { kernelSize: 2, stride: 2, dilation: 2, ceilMode: true }),
    inputs: [distinct([1, 2, 6], 117)],
  },
  {
    name: 'avgPool2d (ceilMode, exclude pad)',
    fn: (x) => t.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    inputs: [randomRef([1, 1, 4, 4], 118)],
  },
  {
    name: 'avgPool1d (divisor-free, ceilMode)',
    fn: (x) => t.avgPool1d(x, { kernelSize: 2, stride: 2, ceilMode: true }),
    inputs: [randomRef([1, 2, 5], 119)],
  },
  {
    name: 'maxPool3d (ceilMode, padding)',
    fn: (x) => t.maxPool3d(x, { kernelSize: 2, stride: 2, padding: [1, 0, 1], ceilMode: true }),
    inputs: [distinct([1, 1, 3, 2, 3], 130)],
  },
  {
    name: 'avgPool3d (exclude pad)',
    fn: (x) => t.avgPool3d(x, { kernelSize: [2, 2, 1], stride: 1, padding: [1, 0, 0], countIncludePad: false }),
    inputs: [randomRef([1, 1, 2, 2, 2], 131)],
  },
  { name: 'lpPool2d (p 2)', fn: (x) => t.lpPool2d(x, 2, { kernelSize: 2 }), inputs: [pos([1, 1, 4, 4], 120)] },
  { name: 'adaptiveMaxPool2d', fn: (x) => t.adaptiveMaxPool2d(x, [2, 3]), inputs: [distinct([1, 1, 5, 4], 121)] },
  { name: 'adaptiveAvgPool1d', fn: (x) => t.adaptiveAvgPool1d(x, 3), inputs: [randomRef([1, 2, 5], 122)] },
  {
    name: 'maxUnpool2d (outputSize)',
    fn: (x) => t.maxUnpool2d(x, t.tensor(Int32Array.of(0, 3, 9, 14), { shape: [1, 1, 2, 2] }), { kernelSize: 2, outputSize: [3, 5] }),
    inputs: [randomRef([1, 1, 2, 2], 123)],
  },
  { name: 'interpolate nearest', fn: (x) => t.interpolate(x, { size: [3, 5] }), inputs: [randomRef([1, 1, 2, 3], 124)] },
  {
    name: 'interpolate bilinear',
    fn: (x) => t.interpolate(x, { scaleFactor: 1.5, mode: 'bilinear' }),
    inputs: [randomRef([1, 1, 2, 3], 125)],
  },
  {
    name: 'interpolate bicubic (alignCorners)',
    fn: (x) => t.interpolate(x, { size: [3, 4], mode: 'bicubic', alignCorners: true }),
    inputs: [randomRef([1, 1, 3, 3], 126)],
  },
  { name: 'interpolate linear', fn: (x) => t.interpolate(x, { size: 5, mode: 'linear' }), inputs: [randomRef([1, 2, 3], 127)] },
  { name: 'pixelShuffle', fn: (x) => t.pixelShuffle(x, 2), inputs: [randomRef([1, 4, 2, 3], 128)] },
  { name: 'pixelUnshuffle', fn: (x) => t.pixelUnshuffle(x, 2), inputs: [randomRef([1, 1, 2, 4], 129)] },
];

async function values(x: t.Tensor): Promise<number[]> {
  const v = Array.from((await x.data<t.DataArray>()) as ArrayLike<number>);
  x.dispose();
  return v;
}

function expectEqual(label: string, got: unknown, expected: unknown): void {
  if (JSON.stringify(got) !== JSON.stringify(expected))
    throw new Error(`${label}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
}

export const convPoolEdgeCases: EdgeCase[] = [
  {
    name: 'max pools: NaN propagates, ties go to the first index (as PyTorch)',
    run: async () => {
      const x = t.tensor(Float32Array.of(1, Number.NaN, 3, 0.5, 2, 2, -1, -1), { shape: [1, 1, 8] });
      const [y, idx] = t.maxPool1d(x, { kernelSize: 2, returnIndices: true });
      expectEqual('maxPool1d values', (await values(y)).map(String), ['NaN', '3', '2', '-1']);
      expectEqual('maxPool1d indices', await values(idx), [1, 2, 4, 6]);
      const a = t.adaptiveMaxPool1d(x, 2);
      expectEqual('adaptiveMaxPool1d values', (await values(a)).map(String), ['NaN', '2']);
      x.dispose();
    },
  },
  {
    name: 'max pools: a window of -Infinity names its first entry inside the plane (as PyTorch)',
    run: async () => {
      const x = t.full([1, 1, 2, 2], Number.NEGATIVE_INFINITY);
      const [y, idx] = t.maxPool2d(x, { kernelSize: 2, stride: 1, padding: 1, returnIndices: true });
      expectEqual('maxPool2d values', (await values(y)).map(String), Array(9).fill('-Infinity'));
      expectEqual('maxPool2d indices', await values(idx), [0, 0, 1, 0, 0, 1, 2, 2, 3]);
      t.dispose([x, y, idx]);
    },
  },
  {
    name: 'conv, pooling and resampling of an empty batch give empty results',
    run: async () => {
      const x = t.zeros([0, 2, 4, 4]);
      const shapes = t.tidy(() => [
        t.convTranspose2d(x, t.zeros([2, 3, 2, 2]), null, { stride: 2 }).shape,
        t.conv1d(t.zeros([0, 2, 5]), t.zeros([3, 2, 2])).shape,
        t.maxPool2d(x, { kernelSize: 2, ceilMode: true }).shape,
        t.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }).shape,
        t.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }).shape,
        t.pad(x, [1, 1, 1, 1], { mode: 'reflect' }).shape,
        t.maxUnpool2d(t.zeros([0, 2, 2, 2]), t.zeros([0, 2, 2, 2], { dtype: 'int32' }), { kernelSize: 2 }).shape,
        t.adaptiveMaxPool2d(x, 3).shape,
      ]);
      expectEqual('shapes', shapes, [
        [0, 3, 8, 8],
        [0, 3, 4],
        [0, 2, 2, 2],
        [0, 2, 2, 2],
        [0, 2, 8, 8],
        [0, 2, 6, 6],
        [0, 2, 4, 4],
        [0, 2, 3, 3],
      ]);
      x.dispose();
    },
  },
  {
    name: 'pad modes: PyTorch’s limits on reflect and circular, a clear error before any work',
    run: async () => {
      const handles = t.memory().backend.liveHandles;
      const x = t.zeros([1, 1, 3]);
      expectError(
        () => t.pad(x, [3, 3], { mode: 'reflect' }),
        t.ArgumentError,
        /pad: 'reflect' padding \(3, 3\) at axis 2 of \[1,1,3\] must be smaller than the axis size 3/,
      );
      expectError(
        () => t.pad(x, [4, 0], { mode: 'circular' }),
        t.ArgumentError,
        /pad: 'circular' padding \(4, 0\) .* wraps around more than once/,
      );
      expectError(() => t.pad(x, [1, 1], { mode: 'reflect', value: 2 }), t.ArgumentError, /mode 'reflect' takes no value/);
      x.dispose();
      if (t.memory().backend.liveHandles !== handles) throw new Error('refused pads left handles behind');
    },
  },
  {
    name: 'conv, pooling and interpolate options: errors name the op and the parameter',
    run: async () => {
      const x = t.zeros([1, 2, 4, 4]);
      expectError(
        () => t.convTranspose2d(x, t.zeros([2, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }),
        t.ArgumentError,
        /convTranspose2d: outputPadding \[2,2\] must be smaller than either stride \[2,2\] or dilation \[1,1\]/,
      );
      expectError(
        () => t.conv3d(t.zeros([1, 2, 3, 3, 3]), t.zeros([4, 3, 1, 1, 1])),
        t.ShapeError,
        /conv3d: input \[1,2,3,3,3\] has 2 channels, weight \[4,3,1,1,1\] expects 3/,
      );
      expectError(
        () => t.interpolate(x, { size: 8, alignCorners: true }),
        t.ArgumentError,
        /alignCorners can only be set with the interpolating modes/,
      );
      expectError(() => t.interpolate(x, { size: 8, scaleFactor: 2 }), t.ArgumentError, /exactly one of size and scaleFactor/);
      expectError(() => t.interpolate(x, { size: 8, mode: 'linear' }), t.ShapeError, /linear mode needs 3-D input/);
      expectError(
        () => t.maxPool2d(x, { kernelSize: 2, padding: 2 }),
        t.ArgumentError,
        /maxPool2d: padding \[2,2\] must be at most half the effective kernel size/,
      );
      expectError(
        () => t.avgPool2d(x, { kernelSize: 2, divisorOverride: 0 }),
        t.ArgumentError,
        /divisorOverride 0 must be a nonzero integer/,
      );
      expectError(
        () => t.pixelShuffle(x, 2),
        t.ShapeError,
        /pixelShuffle: input \[1,2,4,4\] channels 2 must be divisible by upscaleFactor² = 4/,
      );
      expectError(() => t.fold(t.zeros([1, 8, 5]), [3, 3], 2), t.ShapeError, /fold: input \[1,8,5\] has 5 blocks, but .* make 2 \* 2 = 4/);
      if (x.backend.readSync) {
        const idx = t.tensor(Int32Array.of(0, 1, 2, 99), { shape: [1, 1, 2, 2] });
        expectError(
          () => t.maxUnpool2d(t.zeros([1, 1, 2, 2]), idx, { kernelSize: 2 }),
          t.ArgumentError,
          /maxUnpool2d: found an invalid max index 99/,
        );
        idx.dispose();
      }
      x.dispose();
    },
  },
];
