/**
 * Cases for t.batchNorm: forward in training and evaluation (affine or not,
 * rank 2, 3 and 4) and the running-statistic update against float64 loops
 * here; gradcheck in both modes (and, through gradgradcheck.ts, second
 * order); and, where a backend has the fused batchNormForward /
 * batchNormBackward kernels, that they equal core's composition.
 */
import * as t from '@tensile/core';
import { assertClose } from '../compare.js';
import type { Tolerance } from '../options.js';
import { randomRef, type Ref } from '../reference.js';
import type { EdgeCase } from './edge.js';
import type { ForwardCase } from './forward.js';
import type { GradCase } from './gradcheck.js';

const up = (r: Ref, dtype: t.DType = 'float32') => t.tensor(Float64Array.from(r.data), { shape: r.shape, dtype });

async function check(label: string, x: t.Tensor, expected: Ref, tol: Tolerance): Promise<void> {
  assertClose(label, (await x.data<t.DataArray>()) as ArrayLike<number>, x.shape, expected, tol);
}

/** Input shape as [n, c, inner]: channel c of entry (i, k) sits at (i·c + c)·inner + k. */
function view(shape: readonly number[]): [number, number, number] {
  const [n, c] = shape;
  return [n, c, shape.slice(2).reduce((a, b) => a * b, 1)];
}

/** Per-channel mean and biased variance of x, float64. */
function statsRef(x: Ref): { mean: number[]; variance: number[] } {
  const [n, c, inner] = view(x.shape);
  const mean = new Array<number>(c).fill(0);
  const variance = new Array<number>(c).fill(0);
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < inner; k++) s += x.data[(i * c + ch) * inner + k];
    mean[ch] = s / (n * inner);
    let q = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < inner; k++) q += (x.data[(i * c + ch) * inner + k] - mean[ch]) ** 2;
    variance[ch] = q / (n * inner);
  }
  return { mean, variance };
}

function normalizeRef(x: Ref, mean: number[], variance: number[], eps: number, w?: Ref, b?: Ref): Ref {
  const [n, c, inner] = view(x.shape);
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      for (let k = 0; k < inner; k++) {
        const at = (i * c + ch) * inner + k;
        data[at] = ((x.data[at] - mean[ch]) / Math.sqrt(variance[ch] + eps)) * (w ? w.data[ch] : 1) + (b ? b.data[ch] : 0);
      }
    }
  }
  return { shape: [...x.shape], data };
}

const SHAPES: number[][] = [
  [5, 3],
  [4, 3, 5],
  [3, 4, 3, 2],
];

/** Forward cases in one float dtype; inputs rounded to it by `round`. */
export function batchNormForwardCases(dtype: t.DType, round: (r: Ref) => Ref): ForwardCase[] {
  const cases: ForwardCase[] = [];
  for (const shape of SHAPES) {
    for (const affine of [false, true]) {
      const c = shape[1];
      const name = `batchNorm ${dtype} [${shape}]${affine ? ' affine' : ''}`;
      cases.push({
        name: `${name} training (running statistics updated)`,
        run: async (tol) => {
          const x = round(randomRef(shape, 90 + shape.length, -2, 3));
          const [w, b] = [round(randomRef([c], 91, 0.5, 2)), round(randomRef([c], 92))];
          const [rm, rv] = [round(randomRef([c], 93)), round(randomRef([c], 94, 0.5, 2))];
          const { mean, variance } = statsRef(x);
          const count = x.data.length / c;
          const runningMean = up(rm, dtype);
          const runningVar = up(rv, dtype);
          const y = t.batchNorm(up(x, dtype), runningMean, runningVar, {
            weight: affine ? up(w, dtype) : null,
            bias: affine ? up(b, dtype) : null,
            training: true,
            momentum: 0.3,
            eps: 1e-3,
          });
          await check(`${name} training`, y, normalizeRef(x, mean, variance, 1e-3, affine ? w : undefined, affine ? b : undefined), tol);
          const mix = (old: Ref, batch: number[]) => ({
            shape: [c],
            data: Float64Array.from(old.data, (o, i) => 0.7 * o + 0.3 * batch[i]),
          });
          await check(`${name} running mean`, runningMean, mix(rm, mean), tol);
          await check(
            `${name} running var (unbiased)`,
            runningVar,
            mix(
              rv,
              variance.map((v) => (v * count) / (count - 1)),
            ),
            tol,
          );
        },
      });
      cases.push({
        name: `${name} evaluation`,
        run: async (tol) => {
          const x = round(randomRef(shape, 95, -2, 3));
          const [w, b] = [round(randomRef([c], 96, 0.5, 2)), round(randomRef([c], 97))];
          const [rm, rv] = [round(randomRef([c], 98)), round(randomRef([c], 99, 0.5, 2))];
          const y = t.batchNorm(up(x, dtype), up(rm, dtype), up(rv, dtype), {
            weight: affine ? up(w, dtype) : null,
            bias: affine ? up(b, dtype) : null,
          });
          await check(
            `${name} evaluation`,
            y,
            normalizeRef(x, [...rm.data], [...rv.data], 1e-5, affine ? w : undefined, affine ? b : undefined),
            tol,
          );
        },
      });
    }
  }
  return cases;
}

/** Running statistics as constants of x's dtype, made inside the checked function. */
const constant = (like: t.Tensor, r: Ref) => t.tensor(Float64Array.from(r.data), { shape: r.shape, dtype: like.dtype });

export const batchNormGradCases: GradCase[] = [
  {
    name: 'batchNorm training, affine [N, C, H, W]',
    fn: (x, w, b) => t.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
    inputs: [randomRef([3, 2, 2, 2], 100), randomRef([2], 101, 0.5, 2), randomRef([2], 102)],
  },
  {
    name: 'batchNorm training, running statistics [N, C]',
    fn: (x) => t.batchNorm(x, constant(x, randomRef([3], 103)), constant(x, randomRef([3], 104, 0.5, 2)), { training: true }),
    inputs: [randomRef([4, 3], 105)],
  },
  {
    name: 'batchNorm training, weight only [N, C, L], squared',
    // Squared so the gradient flowing in is not constant: Σdy·x̂ is not zero.
    fn: (x, w) => t.batchNorm(x, null, null, { weight: w, training: true }).square(),
    inputs: [randomRef([3, 2, 3], 106), randomRef([2], 107, 0.5, 2)],
  },
  {
    name: 'batchNorm evaluation, affine [N, C, L]',
    fn: (x, w, b) =>
      t.batchNorm(x, constant(x, randomRef([2], 108)), constant(x, randomRef([2], 109, 0.5, 2)), { weight: w, bias: b }).square(),
    inputs: [randomRef([2, 2, 3], 110), randomRef([2], 111, 0.5, 2), randomRef([2], 112)],
  },
];

/** Where the backend has fused batch-norm kernels, their forward, statistics and gradients equal core's composition. */
export const batchNormEdgeCases: EdgeCase[] = [
  {
    name: 'batchNorm: the fused kernels (where the backend has them) equal the composition, float32',
    run: async () => {
      const tol = { rtol: 1e-4, atol: 1e-4 };
      for (const [shape, affine] of [
        [[8, 4, 5, 3], true],
        [[6, 3], false],
        [[4, 5, 7], true],
      ] as const) {
        const label = `batchNorm [${shape}]${affine ? ' affine' : ''}`;
        const c = shape[1];
        const axes = shape.map((_, i) => i).filter((i) => i !== 1);
        const channel = shape.map((d, i) => (i === 1 ? d : 1));
        const x = up(randomRef(shape, 120, -2, 5));
        const dy = up(randomRef(shape, 121));
        const w = affine ? up(randomRef([c], 122, 0.5, 2)) : null;
        const b = affine ? up(randomRef([c], 123)) : null;
        const inputs = [x, ...(w && b ? [w, b] : [])];
        const fused = t.grad((xi, wi, bi) => t.batchNorm(xi, null, null, { weight: wi, bias: bi, training: true }).mul(dy).sum())(
          ...inputs,
        );
        const composed = t.grad((xi, wi, bi) => {
          const mean = xi.mean(axes, true);
          let y = xi.sub(mean).mul(xi.sub(mean).square().mean(axes, true).add(1e-5).rsqrt());
          if (wi) y = y.mul(wi.reshape(channel)).add(bi.reshape(channel));
          return y.mul(dy).sum();
        })(...inputs);
        for (let i = 0; i < inputs.length; i++) {
          const want = composed[i];
          const expected = { shape: [...want.shape], data: Float64Array.from((await want.data<t.DataArray>()) as ArrayLike<number>) };
          await check(`${label} gradient ${['x', 'weight', 'bias'][i]}`, fused[i], expected, tol);
        }
        // Second order (a gradient penalty's path): the fused forward with the backward composed under createGraph.
        const v = up(randomRef(shape, 124));
        const secondOrder = (norm: (xi: t.Tensor) => t.Tensor) =>
          t.grad((xi) => {
            const [gx] = t.grad((xj) => norm(xj).mul(dy).sum(), { createGraph: true })(xi);
            return gx.mul(v).sum();
          })(x)[0];
        const hvFused = secondOrder((xi) => t.batchNorm(xi, null, null, { weight: w, bias: b, training: true }));
        const hvComposed = secondOrder((xi) => {
          const mean = xi.mean(axes, true);
          const y = xi.sub(mean).mul(xi.sub(mean).square().mean(axes, true).add(1e-5).rsqrt());
          return w && b ? y.mul(w.reshape(channel)).add(b.reshape(channel)) : y;
        });
        const hvRef = {
          shape: [...hvComposed.shape],
          data: Float64Array.from((await hvComposed.data<t.DataArray>()) as ArrayLike<number>),
        };
        await check(`${label} second order`, hvFused, hvRef, { rtol: 1e-3, atol: 1e-3 });
        t.dispose([v, hvFused, hvComposed]);
        // Forward and the running statistics, against the same statistics composed.
        const running = [t.zeros([c]), t.ones([c])] as const;
        const y = t.batchNorm(x, ...running, { weight: w, bias: b, training: true, momentum: 1 });
        const mean = x.mean(axes);
        const variance = x.sub(mean.reshape(channel)).square().mean(axes);
        const count = x.size / c;
        const refOf = async (v: t.Tensor) => ({
          shape: [...v.shape],
          data: Float64Array.from((await v.data<t.DataArray>()) as ArrayLike<number>),
        });
        let composedY = x.sub(mean.reshape(channel)).mul(variance.reshape(channel).add(1e-5).rsqrt());
        if (w && b) composedY = composedY.mul(w.reshape(channel)).add(b.reshape(channel));
        await check(`${label} forward`, y, await refOf(composedY), tol);
        await check(`${label} running mean`, running[0], await refOf(mean), tol);
        await check(`${label} running var`, running[1], await refOf(variance.mul(count / (count - 1))), tol);
        // Evaluation with those statistics.
        const z = t.batchNorm(x, ...running, { weight: w, bias: b });
        let composedZ = x.sub(running[0].reshape(channel)).mul(running[1].reshape(channel).add(1e-5).rsqrt());
        if (w && b) composedZ = composedZ.mul(w.reshape(channel)).add(b.reshape(channel));
        await check(`${label} evaluation`, z, await refOf(composedZ), tol);
        t.dispose([x, dy, ...inputs, ...fused, ...composed, ...running, y, mean, variance, composedY, z, composedZ]);
      }
    },
  },
];
