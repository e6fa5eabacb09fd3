import * as t from '@tensile/core';
import fixtureFile from '../../fixtures/higher-order/mlp.json';
import { randomRef, type Ref } from '../reference.js';
import { gradCases, type GradCase } from './gradcheck.js';
import { indexingGradCases } from './indexing.js';

/**
 * Second-order cases: gradients of gradients, through backward closures
 * recorded under createGraph. Every first-order gradcheck case is
 * gradgradchecked too (so a new differentiable op gets its second-order
 * check for free), except where the first gradient jumps at the input.
 */

/** First-order cases whose inputs sit on a gradient discontinuity by design (finite differences of a step). */
const AT_A_JUMP: Record<string, string> = {
  ...Object.fromEntries(indexingGradCases.filter((c) => !c.secondOrder).map((c) => [c.name, 'its gradient is not differentiable there'])),
  'maximum and minimum at ties': 'inputs are ties, where the gradient jumps between halves',
  'amax (ties share the gradient)': 'inputs are ties, where the shared gradient jumps',
};

// A user-written differentiable function (torch.autograd.Function style): its backward is recorded too.
const softsign = t.customOp({
  name: 'softsign',
  forward(ctx, x: t.Tensor) {
    ctx.saveForBackward(x);
    return x.div(x.abs().add(1));
  },
  backward(ctx, g) {
    const [x] = ctx.savedTensors;
    return g.div(x.abs().add(1).square());
  },
});

const critic = (x: t.Tensor, w1: t.Tensor, b1: t.Tensor, w2: t.Tensor, b2: t.Tensor) => t.linear(t.linear(x, w1, b1).tanh(), w2, b2);

/**
 * Smaller inputs for the costly cases: a second-order check evaluates fn's
 * forward and backward twice per input and output entry, which on a
 * software GPU (SwiftShader) is seconds per hundred entries.
 */
const SMALLER: Record<string, Ref[]> = {
  matmul: [randomRef([2, 2], 22), randomRef([2, 3], 23)],
  'matmul transA transB': [randomRef([2, 2], 24), randomRef([2, 2], 25)],
  'matmul batched broadcast': [randomRef([2, 1, 1, 2], 26), randomRef([2, 2, 1], 27)],
  'matmul shared weight': [randomRef([2, 1, 2], 28), randomRef([2, 2], 29)],
  linear: [randomRef([2, 2], 32), randomRef([2, 2], 33), randomRef([2], 34)],
  'conv2d (stride 2, pad 1)': [randomRef([1, 1, 3, 3], 51), randomRef([2, 1, 2, 2], 52), randomRef([2], 53)],
  'conv2d (same, dilation 2, groups 2)': [randomRef([1, 2, 3, 3], 54), randomRef([2, 1, 2, 2], 55)],
  'conv2d (unbatched)': [randomRef([1, 3, 3], 61), randomRef([2, 1, 2, 2], 62), randomRef([2], 63)],
  unfold: [randomRef([1, 1, 3, 3], 56)],
  'avgPool2d (pad, exclude pad)': [randomRef([1, 1, 4, 3], 57)],
};

export const gradgradCases: GradCase[] = [
  ...gradCases.filter((c) => !(c.name in AT_A_JUMP)).map((c) => (SMALLER[c.name] ? { ...c, inputs: SMALLER[c.name] } : c)),
  { name: 'customOp (softsign, input saved)', fn: (x) => softsign(x).mul(x), inputs: [randomRef([2, 3], 70, 0.2, 1.5)] },
  {
    name: 'mlp critic (linear, tanh, linear)',
    fn: (x, w1, b1, w2) => critic(x, w1, b1, w2, t.zeros([1], { dtype: x.dtype })),
    inputs: [randomRef([2, 2], 71), randomRef([3, 2], 72), randomRef([3], 73), randomRef([1, 3], 74)],
  },
];

/**
 * First-order gradchecks of functions that differentiate inside (nested grad,
 * hvp): their value is a gradient, so their gradient is a second derivative.
 */
export const nestedGradCases: GradCase[] = [
  {
    name: 'gradient penalty (‖∇ₓD‖ - 1)² w.r.t. critic weights',
    fn: (x, w1, w2) => {
      const [gx] = t.grad((a) => critic(a, w1, t.zeros([3], { dtype: a.dtype }), w2, t.zeros([1], { dtype: a.dtype })).sum())(x);
      return gx.square().sum(1).sqrt().sub(1).square().mean();
    },
    inputs: [randomRef([2, 2], 80), randomRef([3, 2], 81), randomRef([1, 3], 82)],
  },
  {
    name: 'hvp of sum(tanh(x·w)) along v, w.r.t. x and w',
    fn: (x, w) =>
      t.hvp((a) => a.matmul(w).tanh().sum(), x, t.tensor(Float64Array.of(0.5, -1, 0.25, 2), { shape: [2, 2], dtype: x.dtype })).product,
    inputs: [randomRef([2, 2], 83), randomRef([2, 2], 84)],
  },
  {
    name: 'jvp of softmax along v',
    fn: (x) => t.jvp((a) => a.softmax(1), x, t.tensor(Float64Array.of(1, -0.5, 0.25, 0.75), { shape: [2, 2], dtype: x.dtype })).product,
    inputs: [randomRef([2, 2], 85)],
  },
];

interface FixtureTensor {
  shape: number[];
  data: number[];
}

interface HigherOrderFixture {
  name: string;
  tensors: Record<string, FixtureTensor>;
  expected: Record<string, FixtureTensor>;
}

export const higherOrderFixtures = (fixtureFile as unknown as { cases: HigherOrderFixture[] }).cases;

/**
 * Replays a PyTorch fixture (scripts/gen_higher_order_fixtures.py) on the
 * current backend: the values Tensile computes, by name, to compare with `expected`.
 */
export function runHigherOrderFixture(c: HigherOrderFixture, dtype: 'float32' | 'float64'): Record<string, t.Tensor> {
  const x = (name: string) => t.tensor(Float64Array.from(c.tensors[name].data), { shape: c.tensors[name].shape, dtype });
  const keys = ['w1', 'b1', 'w2', 'b2'];
  if (c.name === 'gradient-penalty') {
    const eps = x('eps');
    const xhat = eps.mul(x('real')).add(eps.neg().add(1).mul(x('fake')));
    const params = keys.map(x);
    for (const p of params) p.requiresGrad = true;
    // ∇ₓ̂ D depends on the parameters, so t.grad records it (createGraph by default here).
    const [gx] = t.grad((a) => critic(a, params[0], params[1], params[2], params[3]).sum())(xhat);
    const penalty = gx.square().sum(1).sqrt().sub(1).square().mean();
    penalty.backward();
    const out: Record<string, t.Tensor> = { penalty, gradX: gx };
    // Copies: the parameters (and their .grad) go with the caller's tidy.
    keys.forEach((k, i) => (out[`grad_${k}`] = params[i].grad?.clone() ?? params[i].zerosLike()));
    return out;
  }
  if (c.name === 'hvp') {
    const input = x('x');
    const target = x('y');
    const loss = (w1: t.Tensor, b1: t.Tensor, w2: t.Tensor, b2: t.Tensor) => critic(input, w1, b1, w2, b2).sub(target).square().mean();
    const { output, product } = t.hvp(
      loss,
      keys.map(x),
      keys.map((k) => x(`v_${k}`)),
    );
    const out: Record<string, t.Tensor> = { loss: output };
    keys.forEach((k, i) => (out[`hvp_${k}`] = product[i]));
    return out;
  }
  throw new Error(`runHigherOrderFixture: unknown case '${c.name}'`);
}
