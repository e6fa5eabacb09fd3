import * as t from '@tensile/core';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, type Module } from '@tensile/layers';
import type { ModelName, WeightTiles } from '../protocol.js';

/**
 * The two networks of the demo; both take MNIST batches as [N, 1, 28, 28]
 * and return logits [N, 10].
 *
 * - MLP: 784 → 128 → 64 → 10 with ReLUs (109,386 parameters).
 * - LeNet-5 (with ReLU and max pooling, as it is usually trained today):
 *   conv 5×5 (6, padded) → pool → conv 5×5 (16) → pool → 120 → 84 → 10 (61,706 parameters).
 */
export function buildModel(name: ModelName): Module {
  if (name === 'mlp') {
    return new Sequential(new Flatten(), new Linear(784, 128), new ReLU(), new Linear(128, 64), new ReLU(), new Linear(64, 10));
  }
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    new ReLU(),
    new Linear(120, 84),
    new ReLU(),
    new Linear(84, 10),
  );
}

/** Runs the model on a batch [N,1,28,28]; returns logits [N,10]. */
export function logitsOf(model: Module, x: t.Tensor): t.Tensor {
  return model.call(x) as t.Tensor;
}

/** The first weight of a model: [out, 784] for an MLP, [out, in, kh, kw] for a conv net. */
function firstWeight(model: Module): [string, t.Tensor] {
  const entry = Object.entries(model.stateDict()).find(([name, w]) => name.endsWith('weight') && (w.rank === 2 || w.rank === 4));
  if (!entry) throw new Error('the model has no Linear or Conv2d weight to show');
  return entry;
}

/** Which of the demo's two kinds a (possibly uploaded) model is, by its first layer. */
export function modelKind(model: Module): ModelName {
  return firstWeight(model)[1].rank === 4 ? 'lenet' : 'mlp';
}

/**
 * Checks that a model (an uploaded one, say) maps [N,1,28,28] to [N,10], so
 * it can be trained and drawn on here; throws a message saying what it does instead.
 */
export function checkMnistModel(model: Module, fileName: string): void {
  const shape = t.tidy(() => t.noGrad(() => logitsOf(model, t.zeros([1, 1, 28, 28])).shape));
  if (shape.length !== 2 || shape[0] !== 1 || shape[1] !== 10) {
    throw new Error(`${fileName}: the model maps a [1,1,28,28] image to [${shape.join(',')}]; this demo needs [1,10] (ten digit logits)`);
  }
  const [name, w] = firstWeight(model);
  if (w.rank === 2 && w.shape[1] !== 784) {
    throw new Error(`${fileName}: first weight ${name} is [${w.shape.join(',')}]; an MNIST MLP's takes 784 inputs`);
  }
}

/** The first layer's weights as tiles: 28×28 per hidden unit of an MLP, the first input channel's kernels of a conv net. */
export async function firstLayerTiles(model: Module): Promise<WeightTiles> {
  const [name, w] = firstWeight(model);
  const data = (await w.data()) as Float32Array;
  if (w.rank === 2) {
    return { layer: name, count: w.shape[0], height: 28, width: 28, data: Float32Array.from(data) };
  }
  const [out, inChannels, kh, kw] = w.shape;
  const tiles = new Float32Array(out * kh * kw);
  for (let o = 0; o < out; o++) tiles.set(data.subarray(o * inChannels * kh * kw, o * inChannels * kh * kw + kh * kw), o * kh * kw);
  return { layer: name, count: out, height: kh, width: kw, data: tiles };
}
