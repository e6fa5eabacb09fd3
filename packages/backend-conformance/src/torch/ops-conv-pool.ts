/**
 * Fixture op names of the conv_ext and pool_ext families (scripts/conv_pool_families.py)
 * mapped onto Tensile calls. Args are the ops' options by their Tensile names.
 */
import type { Tensor } from '@tensile/core';
import type { CoreApi } from './ops.js';

// biome-ignore lint/suspicious/noExplicitAny: fixture args are JSON, checked by each op
type Args = Record<string, any>;
type OpCall = (t: CoreApi, xs: Tensor[], args: Args) => Tensor;

/** The indices of a pool called with returnIndices (the fixture's int32 output). */
const indicesOf = (r: Tensor | [Tensor, Tensor]): Tensor => {
  if (!Array.isArray(r)) throw new Error('expected [values, indices] from a pool with returnIndices');
  return r[1];
};

export const CONV_POOL_OPS: Record<string, OpCall> = {
  conv1d: (t, [x, w, b], a) => t.conv1d(x, w, b ?? null, a),
  conv3d: (t, [x, w, b], a) => t.conv3d(x, w, b ?? null, a),
  convTranspose1d: (t, [x, w, b], a) => t.convTranspose1d(x, w, b ?? null, a),
  convTranspose2d: (t, [x, w, b], a) => t.convTranspose2d(x, w, b ?? null, a),
  fold: (t, [x], a) => t.fold(x, a.outputSize, a.kernelSize, a),
  unfold: (t, [x], a) => t.unfold(x, a.kernelSize, a),
  padMode: (t, [x], a) => t.pad(x, a.pads, { mode: a.mode, value: a.value }),
  interpolate: (t, [x], a) => t.interpolate(x, a),
  pixelShuffle: (t, [x], a) => t.pixelShuffle(x, a.upscaleFactor),
  pixelUnshuffle: (t, [x], a) => t.pixelUnshuffle(x, a.downscaleFactor),
  maxPool1d: (t, [x], a) => t.maxPool1d(x, { ...(a as Parameters<CoreApi['maxPool1d']>[1]), returnIndices: false }),
  maxPool1dIndices: (t, [x], a) => indicesOf(t.maxPool1d(x, a as Parameters<CoreApi['maxPool1d']>[1])),
  maxPool2dIndices: (t, [x], a) => indicesOf(t.maxPool2d(x, a as Parameters<CoreApi['maxPool2d']>[1])),
  maxPool3d: (t, [x], a) => t.maxPool3d(x, { ...(a as Parameters<CoreApi['maxPool3d']>[1]), returnIndices: false }),
  maxPool3dIndices: (t, [x], a) => indicesOf(t.maxPool3d(x, a as Parameters<CoreApi['maxPool3d']>[1])),
  avgPool3d: (t, [x], a) => t.avgPool3d(x, a as Parameters<CoreApi['avgPool3d']>[1]),
  avgPool1d: (t, [x], a) => t.avgPool1d(x, a as Parameters<CoreApi['avgPool1d']>[1]),
  lpPool1d: (t, [x], a) => t.lpPool1d(x, a.normType, a as Parameters<CoreApi['lpPool1d']>[2]),
  lpPool2d: (t, [x], a) => t.lpPool2d(x, a.normType, a as Parameters<CoreApi['lpPool2d']>[2]),
  adaptiveMaxPool1d: (t, [x], a) => t.adaptiveMaxPool1d(x, a.outputSize),
  adaptiveMaxPool2d: (t, [x], a) => t.adaptiveMaxPool2d(x, a.outputSize),
  adaptiveMaxPool1dIndices: (t, [x], a) => indicesOf(t.adaptiveMaxPool1d(x, a.outputSize, { returnIndices: true })),
  adaptiveMaxPool2dIndices: (t, [x], a) => indicesOf(t.adaptiveMaxPool2d(x, a.outputSize, { returnIndices: true })),
  adaptiveAvgPool1d: (t, [x], a) => t.adaptiveAvgPool1d(x, a.outputSize),
  adaptiveAvgPool2d: (t, [x], a) => t.adaptiveAvgPool2d(x, a.outputSize),
  maxUnpool1d: (t, [x, i], a) => t.maxUnpool1d(x, i, a as Parameters<CoreApi['maxUnpool1d']>[2]),
  maxUnpool2d: (t, [x, i], a) => t.maxUnpool2d(x, i, a as Parameters<CoreApi['maxUnpool2d']>[2]),
};
