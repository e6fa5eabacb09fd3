/** The toy model and data the fit and abort/resume tests train on. */
import * as t from '@tensile/core';
import { TensorDataset } from '@tensile/data';
import { Linear, ReLU, Sequential } from '@tensile/layers';

/** A 4 → 8 → 3 MLP, initialised from `seed`. */
export function mlp(seed: number): Sequential {
  const rng = new t.Rng(seed);
  return new Sequential(new Linear(4, 8, { rng }), new ReLU(), new Linear(8, 3, { rng }));
}

type ToyTensors = { x: t.Tensor; y: t.Tensor };

/** A small separable 3-class problem: the class is the argmax of three fixed projections. */
export function toyTensors(n: number, seed: number): ToyTensors {
  const rng = new t.Rng(seed);
  const x = t.randn([n, 4], { rng });
  const y = t.tidy(() =>
    x
      .matmul(
        t.tensor([
          [1, 0, -1],
          [0, 1, 1],
          [1, -1, 0],
          [0, 0, 1],
        ]),
      )
      .argmax(1),
  );
  return { x, y };
}

export const toyData = (n: number, seed: number): TensorDataset<ToyTensors> => new TensorDataset(toyTensors(n, seed));

/** Every parameter's values, in order, as plain arrays. */
export const weightsOf = async (m: Sequential): Promise<number[][]> =>
  Promise.all(m.parameters().map(async (p) => Array.from(await p.data())));
