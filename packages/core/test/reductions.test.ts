import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

const values = async (x: t.Tensor) => Array.from(await x.data<t.DataArray>());

describe('the reduce op table', () => {
  it('gives every reduction a named export, the same function as reduceFunctions, and a method', () => {
    const exports = t as unknown as Record<string, unknown>;
    const x = t.tensor([[1, 0, 3]]);
    for (const op of t.REDUCE_OP_NAMES) {
      expect(exports[op], op).toBe(t.reduceFunctions[op]);
      expect(typeof (x as unknown as Record<string, unknown>)[op], op).toBe('function');
    }
  });

  it('gives every scan a named export, the same function as scanFunctions, and a method', () => {
    const exports = t as unknown as Record<string, unknown>;
    const x = t.tensor([1, 2]);
    for (const op of t.SCAN_OP_NAMES) {
      expect(exports[op], op).toBe(t.scanFunctions[op]);
      expect(typeof (x as unknown as Record<string, unknown>)[op], op).toBe('function');
    }
  });

  it('types any/all as bool and countNonzero/argmax as int32', async () => {
    const x = t.tensor([
      [1, 0, 3],
      [0, 0, 0],
    ]);
    const any: t.Tensor<'bool'> = x.any(1);
    const all: t.Tensor<'bool'> = x.all(1, true);
    const count: t.Tensor<'int32'> = x.countNonzero(0);
    expect([any.dtype, all.dtype, count.dtype]).toEqual(['bool', 'bool', 'int32']);
    expect(await values(any)).toEqual([1, 0]);
    expect(all.shape).toEqual([2, 1]);
    expect(await values(all)).toEqual([0, 0]);
    expect(await values(count)).toEqual([1, 0, 1]);
    // Over no entries: any is false, all is true (PyTorch).
    expect(await values(t.zeros([2, 0]).any(1))).toEqual([0, 0]);
    expect(await values(t.zeros([2, 0]).all(1))).toEqual([1, 1]);
  });
});

describe('max(dim) and min(dim)', () => {
  it('return values and first indices; the gradient goes to that index only (amax shares it)', async () => {
    const x = t.tensor(
      [
        [1, 5, 5],
        [7, 2, 7],
      ],
      { requiresGrad: true },
    );
    const { values: v, indices } = x.max(1);
    expect(await values(v)).toEqual([5, 7]);
    expect(await values(indices)).toEqual([1, 0]);
    v.sum().backward();
    expect(await values(x.grad!)).toEqual([0, 1, 0, 1, 0, 0]);
    const y = t.tensor([[1, 5, 5]], { requiresGrad: true });
    y.amax(1).sum().backward();
    expect(await values(y.grad!)).toEqual([0, 0.5, 0.5]);
    const m = t
      .tensor([
        [3, 1],
        [0, 4],
      ])
      .min(-1, true);
    expect(m.values.shape).toEqual([2, 1]);
    expect(await values(m.indices)).toEqual([1, 0]);
  });
});

describe('scans', () => {
  it('cumsum keeps int32, counts bool as int32, and takes negative dims', async () => {
    const i = t.tensor([[1, 2, 3]], { dtype: 'int32' }).cumsum(-1);
    expect(i.dtype).toBe('int32');
    expect(await values(i)).toEqual([1, 3, 6]);
    expect(await values(t.tensor([true, false, true], { dtype: 'bool' }).cumsum(0))).toEqual([1, 1, 2]);
    expect(
      await values(
        t
          .tensor([
            [1, 2],
            [3, 4],
          ])
          .cumsum(0),
      ),
    ).toEqual([1, 2, 4, 6]);
  });

  it("cumprod's gradient is exact with zeros, as PyTorch", async () => {
    const x = t.tensor([2, 0, 3, 0, 5], { requiresGrad: true });
    x.cumprod(0).sum().backward();
    // d/dx_i Σ_j Π_{k≤j} x_k: only x_0 and the first zero get one.
    expect(await values(x.grad!)).toEqual([1, 8, 0, 0, 0]);
  });

  it('logcumsumexp does not overflow', async () => {
    const out = await values(t.tensor([1000, 1000, -Infinity]).logcumsumexp(0));
    expect(out[0]).toBe(1000);
    expect(out[1]).toBeCloseTo(1000 + Math.log(2), 3);
    expect(out[2]).toBeCloseTo(1000 + Math.log(2), 3);
  });
});

describe('sort and selection', () => {
  it('sorts stably, NaN as the largest, in both directions', async () => {
    const x = t.tensor([1, Number.NaN, 3, 1, -0, 0]);
    const up = x.sort();
    expect(await values(up.indices)).toEqual([4, 5, 0, 3, 2, 1]);
    const down = x.sort(0, true);
    expect(await values(down.indices)).toEqual([1, 2, 0, 3, 4, 5]);
    expect(await values(x.argsort(-1, true))).toEqual([1, 2, 0, 3, 4, 5]);
  });

  it('topk, kthvalue and median pick as PyTorch', async () => {
    const x = t.tensor([
      [1, 5, 3, 4],
      [2, 2, 8, 0],
    ]);
    const top = x.topk(2);
    expect(await values(top.values)).toEqual([5, 4, 8, 2]);
    expect(await values(top.indices)).toEqual([1, 3, 2, 0]);
    expect((await values(x.topk(0).values)).length).toBe(0);
    expect(await values(x.topk(1, 1, false).values)).toEqual([1, 0]);
    expect(await values(x.kthvalue(2, 1).values)).toEqual([3, 2]);
    // Even counts give the lower middle.
    expect(await values(x.median())).toEqual([2]);
    const m = x.median(1, true);
    expect(m.values.shape).toEqual([2, 1]);
    expect(await values(m.values)).toEqual([3, 2]);
    expect(await values(t.tensor([1, Number.NaN, 2]).median())).toEqual([Number.NaN]);
    expect(await values(t.tensor([1, Number.NaN, 2, 3]).nanmedian())).toEqual([2]);
  });

  it('refuses k out of range, naming the op, k and the axis', () => {
    const x = t.zeros([2, 3]);
    expect(() => x.topk(4)).toThrow(/topk: 'k' \(4\) must be in \[0, 3\], the size of axis 1 of \[2,3\]/);
    expect(() => x.kthvalue(0)).toThrow(/kthvalue: 'k' \(0\) must be in \[1, 3\]/);
    expect(() => x.sort(2)).toThrow(/sort/);
    expect(() => t.zeros([0]).median()).toThrow(/median: cannot take the median of an empty tensor/);
  });
});

describe('norm', () => {
  it('computes p-norms over dims; the gradient at 0 is 0', async () => {
    expect(await values(t.tensor([3, -4]).norm())).toEqual([5]);
    expect(
      await values(
        t
          .tensor([
            [1, -2],
            [3, 4],
          ])
          .norm(1, 1),
      ),
    ).toEqual([3, 7]);
    expect(
      await values(
        t
          .tensor([
            [1, -2],
            [3, 4],
          ])
          .norm(Infinity, 0, true),
      ),
    ).toEqual([3, 4]);
    expect(await values(t.tensor([0, 2, 0]).norm(0))).toEqual([1]);
    const x = t.zeros([3], { requiresGrad: true });
    x.norm().backward();
    expect(await values(x.grad!)).toEqual([0, 0, 0]);
    expect(() => t.zeros([2]).norm('nuc' as never)).toThrow(/norm: 'p' must be a number/);
  });
});

describe('bool inputs', () => {
  it('amax, amin and max(dim) of bool give bool, as PyTorch', async () => {
    const b = t.tensor(
      [
        [true, false],
        [false, false],
      ],
      { dtype: 'bool' },
    );
    const any = b.amax(1);
    expect(any.dtype).toBe('bool');
    expect(await values(any)).toEqual([1, 0]);
    expect(b.amin().dtype).toBe('bool');
    const m = b.max(1);
    expect(m.values.dtype).toBe('bool');
    expect(await values(m.values)).toEqual([1, 0]);
    expect(await values(m.indices)).toEqual([0, 0]);
  });
});
