import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

const values = async (x: t.Tensor) => Array.from(await x.data<t.DataArray>());

describe('t.batchNorm', () => {
  it('normalises per channel in training and updates the running statistics in place (variance unbiased)', async () => {
    // Channel 0 holds 1, 3 (mean 2, biased var 1, unbiased 2); channel 1 holds 2, 4 (mean 3).
    const x = t.tensor([
      [1, 2],
      [3, 4],
    ]);
    const mean = t.zeros([2]);
    const variance = t.ones([2]);
    const y = t.batchNorm(x, mean, variance, { training: true, momentum: 0.5, eps: 0 });
    expect(await values(y)).toEqual([-1, -1, 1, 1]);
    expect(await values(mean)).toEqual([1, 1.5]);
    expect(await values(variance)).toEqual([1.5, 1.5]);
  });

  it('takes a scalar tensor as momentum (a cumulative average without reading back)', async () => {
    const mean = t.zeros([1]);
    t.batchNorm(t.tensor([[2], [4]]), mean, t.ones([1]), { training: true, momentum: t.tensor(0.25) });
    expect(await values(mean)).toEqual([0.75]);
  });

  it('uses the running statistics in evaluation, with weight and bias', async () => {
    const y = t.batchNorm(t.tensor([[3, 1]]), t.tensor([1, 1]), t.tensor([4, 1]), {
      weight: t.tensor([2, 1]),
      bias: t.tensor([0, 5]),
      eps: 0,
    });
    expect(await values(y)).toEqual([2, 5]);
  });

  it('names the op, the parameter and the shapes in its errors', () => {
    const x = t.zeros([4, 3, 2]);
    const stats = [t.zeros([3]), t.ones([3])] as const;
    expect(() => t.batchNorm(t.zeros([3]), ...stats)).toThrow(t.ShapeError);
    expect(() => t.batchNorm(t.zeros([3]), ...stats)).toThrow("batchNorm: 'input' must be [N, C, ...] (rank ≥ 2), got [3]");
    expect(() => t.batchNorm(x, t.zeros([2]), stats[1])).toThrow("batchNorm: 'runningMean' must be [3] for input [4,3,2] (C = 3), got [2]");
    expect(() => t.batchNorm(x, ...stats, { weight: t.ones([4]) })).toThrow("batchNorm: 'weight' must be [3]");
    expect(() => t.batchNorm(x, ...stats, { bias: t.ones([3, 1]) })).toThrow(
      "batchNorm: 'bias' must be [3] for input [4,3,2] (C = 3), got [3,1]",
    );
    expect(() => t.batchNorm(t.zeros([1, 3]), ...stats, { training: true })).toThrow(
      'batchNorm: expected more than 1 value per channel when training, got input [1,3]',
    );
    expect(() => t.batchNorm(t.zeros([4, 3], { dtype: 'int32' }), ...stats)).toThrow(t.DTypeError);
    expect(() => t.batchNorm(t.zeros([4, 3], { dtype: 'int32' }), ...stats)).toThrow(
      "batchNorm: 'input' must be float32 or float64, got int32 [4,3]",
    );
    expect(() => t.batchNorm(x, null, null)).toThrow(t.ArgumentError);
    expect(() => t.batchNorm(x, null, null)).toThrow('batchNorm: runningMean and runningVar are needed when training is false');
    expect(() => t.batchNorm(x, stats[0], null, { training: true })).toThrow('give both runningMean and runningVar, or neither');
    expect(() => t.batchNorm(x, ...stats, { weight: t.ones([3], { dtype: 'float64' }) })).toThrow(
      "batchNorm: 'weight' is float64, input is float32",
    );
  });

  it('records one node and frees its temporaries', async () => {
    const before = t.memory().tensors;
    const x = t.randn([4, 3, 2], { requiresGrad: true });
    const w = t.ones([3], { requiresGrad: true });
    const y = t.batchNorm(x, null, null, { weight: w, training: true });
    expect(y._node?.op).toBe('batchNorm');
    t.tidy(() => y.square().sum().backward());
    expect(x.grad!.shape).toEqual([4, 3, 2]);
    expect(w.grad!.shape).toEqual([3]);
    for (const v of [x, w, y, x.grad!, w.grad!]) v.dispose();
    expect(t.memory().tensors).toBe(before);
  });
});
