import * as t from '@tensile/core';
import { TensorDataset } from './tensor-dataset.js';

/** A generated dataset: x float32 [n, d], y as documented per generator. Owns its tensors (dispose()). */
export type ToyDataset = TensorDataset<{ x: t.Tensor; y: t.Tensor }>;

function checkCount(op: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new t.ArgumentError(`${op}: n must be an integer ≥ ${min}, got ${n}`);
}

function checkNoise(op: string, noise: number): void {
  if (!(noise >= 0)) throw new t.ArgumentError(`${op}: noise must be ≥ 0, got ${noise}`);
}

function dataset(x: Float32Array, dim: number, y: Float32Array | Int32Array, yShape: number[]): ToyDataset {
  return new TensorDataset({ x: t.tensor(x, { shape: [x.length / dim, dim] }), y: t.tensor(y, { shape: yShape }) });
}

/**
 * Sine regression: x uniform in [0, 2), y = 20·sin(2πx) (+ Gaussian noise
 * of std `noise`, default 0). x and y are float32 [n, 1].
 *
 * @example
 * const ds = sine({ n: 256, seed: 0 });
 */
export function sine(options: { n?: number; noise?: number; seed?: number } = {}): ToyDataset {
  const n = options.n ?? 1000;
  const noise = options.noise ?? 0;
  checkCount('sine', n);
  checkNoise('sine', noise);
  const rng = new t.Rng(options.seed ?? 0);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = 2 * rng.uniform();
    y[i] = 20 * Math.sin(2 * Math.PI * x[i]) + (noise > 0 ? noise * rng.normal() : 0);
  }
  return dataset(x, 1, y, [n, 1]);
}

/**
 * Two interleaving half circles, as sklearn's make_moons: floor(n/2) points on
 * the upper moon (label 0), the rest on the lower one (label 1), shuffled,
 * plus Gaussian noise of std `noise` (default 0). x float32 [n, 2], y int32 [n].
 *
 * @example
 * const ds = moons({ n: 200, noise: 0.1, seed: 0 });
 */
export function moons(options: { n?: number; noise?: number; seed?: number } = {}): ToyDataset {
  const n = options.n ?? 100;
  const noise = options.noise ?? 0;
  checkCount('moons', n, 2);
  checkNoise('moons', noise);
  const rng = new t.Rng(options.seed ?? 0);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const px = new Float32Array(n);
  const py = new Float32Array(n);
  const label = new Int32Array(n);
  // linspace(0, π, k), as sklearn does for each moon.
  const angle = (i: number, k: number) => (k > 1 ? (Math.PI * i) / (k - 1) : 0);
  for (let i = 0; i < nOut; i++) {
    px[i] = Math.cos(angle(i, nOut));
    py[i] = Math.sin(angle(i, nOut));
  }
  for (let i = 0; i < nIn; i++) {
    px[nOut + i] = 1 - Math.cos(angle(i, nIn));
    py[nOut + i] = 1 - Math.sin(angle(i, nIn)) - 0.5;
    label[nOut + i] = 1;
  }
  const order = rng.permutation(n);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  order.forEach((from, to) => {
    x[2 * to] = px[from] + (noise > 0 ? noise * rng.normal() : 0);
    x[2 * to + 1] = py[from] + (noise > 0 ? noise * rng.normal() : 0);
    y[to] = label[from];
  });
  return dataset(x, 2, y, [n]);
}

/**
 * Interleaved spirals, one arm per class (the CS231n toy set): n points in all,
 * spread evenly over the classes; arm k has radius r from 0 to 1 and angle
 * 4k + 4r (radians) plus Gaussian noise of std `noise` (default 0.2) on the
 * angle. Points are in class order. x float32 [n, 2], y int32 [n].
 *
 * @example
 * const ds = spirals({ n: 300, classes: 3, seed: 0 });
 */
export function spirals(options: { n?: number; classes?: number; noise?: number; seed?: number } = {}): ToyDataset {
  const classes = options.classes ?? 3;
  const n = options.n ?? 100 * classes;
  const noise = options.noise ?? 0.2;
  if (!Number.isInteger(classes) || classes < 1) throw new t.ArgumentError(`spirals: classes must be a positive integer, got ${classes}`);
  checkCount('spirals', n, classes);
  checkNoise('spirals', noise);
  const rng = new t.Rng(options.seed ?? 0);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  let i = 0;
  for (let k = 0; k < classes; k++) {
    const m = Math.floor(n / classes) + (k < n % classes ? 1 : 0);
    for (let j = 0; j < m; j++, i++) {
      const r = m > 1 ? j / (m - 1) : 0;
      const theta = 4 * k + 4 * r + (noise > 0 ? noise * rng.normal() : 0);
      x[2 * i] = r * Math.sin(theta);
      x[2 * i + 1] = r * Math.cos(theta);
      y[i] = k;
    }
  }
  return dataset(x, 2, y, [n]);
}
