import * as t from '@tensile/core';
import { BatchNorm1d } from '@tensile/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

const values = async (x: t.Tensor) => Array.from(await x.data<t.DataArray>());

describe('BatchNorm on t.batchNorm', () => {
  it('momentum null keeps a cumulative average over the batches seen (1/num_batches_tracked)', async () => {
    const bn = new BatchNorm1d(1, { momentum: null, affine: false });
    // Batch means 2 and 6; unbiased variances 2 and 8.
    bn.forward(t.tensor([[1], [3]]));
    bn.forward(t.tensor([[4], [8]]));
    expect(await bn.buffer('num_batches_tracked').item()).toBe(2);
    expect(await values(bn.buffer('running_mean'))).toEqual([4]);
    expect(await values(bn.buffer('running_var'))).toEqual([5]);
  });

  it('without running statistics, evaluation normalises with the batch and refuses nothing', async () => {
    const bn = new BatchNorm1d(1, { trackRunningStats: false, affine: false, eps: 0 }).eval();
    expect(await values(bn.forward(t.tensor([[1], [3]])))).toEqual([-1, 1]);
  });

  it('names the layer when a training batch has one value per channel', () => {
    expect(() => new BatchNorm1d(3).forward(t.zeros([1, 3]))).toThrow('BatchNorm1d: expected more than 1 value per channel when training');
  });
});
