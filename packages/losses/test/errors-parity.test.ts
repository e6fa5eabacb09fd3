import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CTCLoss,
  GaussianNLLLoss,
  LOSSES,
  MarginRankingLoss,
  TripletMarginLoss,
  cosineEmbeddingLoss,
  ctcLoss,
  gaussianNllLoss,
  marginRankingLoss,
  multiLabelMarginLoss,
  multiMarginLoss,
  poissonNllLoss,
  tripletMarginLoss,
} from '@tensile/losses';
import { useCpu } from './helpers.js';

const i32 = (data: number[], shape?: number[]) => t.tensor(Int32Array.from(data), { shape, dtype: 'int32' });

/** Expects fn to throw `message` with no op issued before the throw. */
function refuses(fn: () => unknown, message: RegExp): void {
  let issued = 0;
  const off = t.onOp(() => issued++);
  try {
    expect(fn).toThrow(message);
  } finally {
    off();
  }
  expect(issued, `ops issued before ${message}`).toBe(0);
}

describe('the losses added for PyTorch parity refuse bad arguments before any work, naming loss and parameter', () => {
  beforeAll(useCpu);

  it('shape mismatches name the loss, the parameters and both shapes', () => {
    refuses(
      () => poissonNllLoss(t.zeros([2, 3]), t.zeros([3, 2])),
      /PoissonNLLLoss: input \[2, 3\] and target \[3, 2\] must have the same shape/,
    );
    refuses(
      () => gaussianNllLoss(t.zeros([2, 3]), t.zeros([2, 3]), t.ones([3])),
      /GaussianNLLLoss: var \[3\] must have the input's shape \[2, 3\], that shape without its last axis, or last axis 1/,
    );
    refuses(() => marginRankingLoss(t.zeros([4]), t.zeros([3]), t.ones([4])), /MarginRankingLoss: input1 \[4\] and input2 \[3\]/);
    refuses(
      () => tripletMarginLoss(t.zeros([2, 3]), t.zeros([2, 3]), t.zeros([2, 4])),
      /TripletMarginLoss: anchor \[2, 3\] and negative \[2, 4\]/,
    );
    refuses(() => cosineEmbeddingLoss(t.zeros([2, 3]), t.zeros([2, 3]), t.ones([3])), /CosineEmbeddingLoss: target \[3\] must be \[2\]/);
    refuses(
      () => multiMarginLoss(t.zeros([4, 3]), i32([0, 1])),
      /MultiMarginLoss: target \[2\] must hold 4 class indices for input \[4, 3\]/,
    );
    refuses(() => multiLabelMarginLoss(t.zeros([2, 3]), i32([0, 1], [2, 1])), /MultiLabelMarginLoss: input \[2, 3\] and target \[2, 1\]/);
  });

  it('option and value errors', () => {
    refuses(
      () => gaussianNllLoss(t.zeros([3]), t.zeros([3]), t.tensor([1, -0.5, 2])),
      /GaussianNLLLoss: var must be ≥ 0, got var\[1\] = -0.5/,
    );
    refuses(() => poissonNllLoss(t.zeros([2]), t.zeros([2]), { eps: -1 }), /PoissonNLLLoss: eps must be ≥ 0, got -1/);
    refuses(() => multiMarginLoss(t.zeros([2, 3]), i32([0, 1]), { p: 3 as never }), /MultiMarginLoss: p must be 1 or 2, got 3/);
    refuses(() => multiMarginLoss(t.zeros([2, 3]), i32([0, 3])), /MultiMarginLoss: target\[1\] = 3 is out of range \(valid: 0..2\)/);
    refuses(() => multiLabelMarginLoss(t.zeros([3]), i32([0, -2, 1])), /MultiLabelMarginLoss: target\[1\] = -2 is out of range/);
    refuses(
      () => tripletMarginLoss(t.zeros([3]), t.zeros([3]), t.zeros([3]), { p: 0 }),
      /TripletMarginLoss: p must be a finite number > 0, got 0/,
    );
    refuses(
      () => marginRankingLoss(t.zeros([2]), t.zeros([2]), t.ones([2]), { reduction: 'avg' as never }),
      /MarginRankingLoss: reduction must be one of/,
    );
  });

  it('a module that takes three tensors, called with two, names the missing one', () => {
    refuses(
      () => new MarginRankingLoss().call(t.zeros([2]), t.zeros([2]), undefined as never),
      /MarginRankingLoss: target must be a Tensor, got undefined/,
    );
    refuses(() => new GaussianNLLLoss().forward(t.zeros([2]), t.zeros([2]), undefined as never), /GaussianNLLLoss: var must be a Tensor/);
    refuses(
      () => new TripletMarginLoss().forward(t.zeros([2]), undefined as never, t.zeros([2])),
      /TripletMarginLoss: positive must be a Tensor/,
    );
    // What a generic training loop does with a registry entry: two arguments.
    const entry = LOSSES.CosineEmbeddingLoss;
    refuses(() => entry.create().forward(t.zeros([2, 3]), t.zeros([2, 3])), /CosineEmbeddingLoss: target must be a Tensor, got undefined/);
  });

  it('CTC: labels, blank, lengths and shapes', () => {
    const lp = t.zeros([5, 2, 4]);
    refuses(() => ctcLoss(lp, i32([1, 2, 0, 0], [2, 2]), [5, 6], [2, 1]), /CTCLoss: inputLengths\[1\] = 6 is outside \[0, 5\]/);
    refuses(() => ctcLoss(lp, i32([1, 2, 0, 0], [2, 2]), [5, 5], [2, 3]), /CTCLoss: targetLengths\[1\] = 3 is outside \[0, 2\]/);
    refuses(
      () => ctcLoss(lp, i32([1, 0, 3, 3], [2, 2]), [5, 5], [2, 1]),
      /CTCLoss: targets\[1\] = 0 must be a class in \[0, 4\) other than blank 0/,
    );
    refuses(() => ctcLoss(lp, i32([1, 2, 3]), [5, 5], [2, 2]), /CTCLoss: concatenated targets \[3\] must hold Σ targetLengths = 4 labels/);
    refuses(() => ctcLoss(lp, i32([1, 2]), [5, 5], [1, 1], { blank: 4 }), /CTCLoss: blank must be in \[0, 4\), got 4/);
    refuses(() => ctcLoss(lp, i32([1, 2]), [5], [1, 1]), /CTCLoss: inputLengths has 1 lengths, the batch 2/);
    refuses(() => ctcLoss(t.zeros([5, 4]), i32([1, 2], [1, 2]), 5, 2), /CTCLoss: targets for one sample must be 1-D, got \[1, 2\]/);
    refuses(() => ctcLoss(lp, t.zeros([2, 2]), [5, 5], [1, 1]), /CTCLoss: targets must be int32, got float32/);
  });
});

describe('edge semantics', () => {
  beforeAll(useCpu);

  it('an empty batch: mean is 0/0 = NaN, sum 0, none [0] (PyTorch 1.13 returns uninitialised memory for the margin losses)', async () => {
    const x = t.zeros([0, 4], { requiresGrad: true });
    expect(await multiLabelMarginLoss(x, i32([], [0, 4])).item()).toBeNaN();
    expect(await multiLabelMarginLoss(x, i32([], [0, 4]), { reduction: 'sum' }).item()).toBe(0);
    expect(await multiMarginLoss(x, i32([]), { reduction: 'sum' }).item()).toBe(0);
    expect(multiMarginLoss(x, i32([]), { reduction: 'none' }).shape).toEqual([0]);
    expect(await marginRankingLoss(t.zeros([0]), t.zeros([0]), t.zeros([0])).item()).toBeNaN();
  });

  it('CTC: an impossible alignment gives Infinity with a zero (not NaN) gradient; zeroInfinity gives 0', async () => {
    // Two equal labels need 3 frames (a blank between); 2 are given. PyTorch's gradient here is NaN.
    const logits = t.randn([2, 1, 3], { rng: new t.Rng(3), dtype: 'float64', requiresGrad: true });
    const loss = ctcLoss(logits.logSoftmax(-1), i32([1, 1], [1, 2]), [2], [2], { reduction: 'sum' });
    expect(await loss.item()).toBe(Number.POSITIVE_INFINITY);
    loss.backward();
    expect([...(await logits.grad!.data())]).toEqual([0, 0, 0, 0, 0, 0]);
    const zeroed = new CTCLoss({ zeroInfinity: true }).forward(logits.logSoftmax(-1), i32([1, 1], [1, 2]), [2], [2]);
    expect(await zeroed.item()).toBe(0);
  });

  it('CTC: lengths as arrays or int32 tensors, padded or concatenated targets, give one value; a padded tail may hold anything', async () => {
    const lp = t.randn([6, 2, 4], { rng: new t.Rng(5) }).logSoftmax(-1);
    const a = await ctcLoss(lp, i32([1, 2, 3, 3, 99, -7], [2, 3]), [6, 5], [3, 1], { reduction: 'none' }).data();
    const b = await ctcLoss(lp, i32([1, 2, 3, 3]), i32([6, 5]), i32([3, 1]), { reduction: 'none' }).data();
    expect([...a]).toEqual([...b]);
    expect(a.every(Number.isFinite)).toBe(true);
  });

  it('GaussianNLL clamps the variance at eps for the value but passes the gradient through, as PyTorch', async () => {
    const v = t.tensor([1e-9], { dtype: 'float64', requiresGrad: true });
    const loss = gaussianNllLoss(t.zeros([1], { dtype: 'float64' }), t.zeros([1], { dtype: 'float64' }), v, { reduction: 'sum' });
    expect(await loss.item()).toBeCloseTo(0.5 * Math.log(1e-6), 12);
    loss.backward();
    expect(await v.grad!.item()).toBeCloseTo(0.5 / 1e-6, 6);
  });

  it('on a backend that reads only asynchronously (as webgpu), CTC and the margin losses compute on the device alone', async () => {
    const run = async () => {
      const lp = t.randn([6, 2, 4], { rng: new t.Rng(5), dtype: 'float64' }).logSoftmax(-1);
      const ctc = ctcLoss(lp, i32([1, 2, 3, 3]), i32([6, 5]), i32([3, 1]), { reduction: 'none' });
      const padded = ctcLoss(lp, i32([1, 2, 3, 3, 99, -7], [2, 3]), i32([6, 5]), i32([3, 1]), { reduction: 'none' });
      const x = t.randn([3, 4], { rng: new t.Rng(6), dtype: 'float64' });
      const margin = multiLabelMarginLoss(x, i32([1, -1, 0, 0, 2, 3, -1, 1, 0, 1, 2, 3], [3, 4]), { reduction: 'none' });
      const multi = multiMarginLoss(x, i32([3, 0, 1]), { reduction: 'none' });
      return [...(await ctc.data()), ...(await padded.data()), ...(await margin.data()), ...(await multi.data())];
    };
    const synchronous = await run();
    await t.setBackend({ ...cpu(), readSync: undefined });
    try {
      expect(await run()).toEqual(synchronous);
    } finally {
      await useCpu();
    }
  });
});
