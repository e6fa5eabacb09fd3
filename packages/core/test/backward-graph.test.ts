/**
 * A graph is freed by backward, as in PyTorch: a second backward through it
 * throws (it used to be a silent no-op that treated the freed output as a
 * leaf) unless the first one passed `retainGraph: true`. Also: the shapes,
 * reshapes and expands that take sizes refuse bad ones by name.
 */
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

describe('backward through a freed graph', () => {
  it('throws a named error on the second backward, changing nothing', async () => {
    const x = t.tensor([1, 2, 3], { requiresGrad: true });
    const loss = x.mul(x).sum();
    loss.backward();
    expect(await x.grad!.toArray()).toEqual([2, 4, 6]);
    const tensors = t.memory().tensors;
    expect(() => loss.backward()).toThrow(t.ArgumentError);
    expect(() => loss.backward()).toThrow(
      /backward: trying to backward through the graph a second time \(the graph of 'sum' \[\] was freed by an earlier backward\); pass \{ retainGraph: true \}/,
    );
    expect(await x.grad!.toArray()).toEqual([2, 4, 6]);
    expect(loss.grad).toBeNull();
    expect(t.memory().tensors).toBe(tensors);
  });

  it('throws when a new graph reaches into a freed one', () => {
    const x = t.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(x);
    h.sum().backward();
    expect(() => h.mul(3).sum().backward()).toThrow(/the graph of 'mul' \[2\] was freed/);
  });

  it('retainGraph keeps the graph for another backward, in both call forms', async () => {
    const x = t.tensor([1, 2], { requiresGrad: true });
    const loss = x.mul(x).sum();
    loss.backward({ retainGraph: true });
    loss.backward(undefined, { retainGraph: true });
    loss.backward();
    expect(await x.grad!.toArray()).toEqual([6, 12]);
    expect(() => loss.backward()).toThrow(/second time/);
  });

  it('takes the seed gradient positionally or as { gradient }', async () => {
    const x = t.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x);
    y.backward(t.tensor([1, 10]), { retainGraph: true });
    expect(await x.grad!.toArray()).toEqual([2, 40]);
    x.zeroGrad();
    y.backward({ gradient: t.tensor([1, 0]) });
    expect(await x.grad!.toArray()).toEqual([2, 0]);
    expect(() => x.mul(x).backward({ retainGraph: true })).toThrow(/not a scalar; pass a seed gradient/);
    expect(() => t.backward(x.mul(2).sum(), 'x' as never)).toThrow(/backward: options must be an object/);
  });

  it('leaves can take any number of backwards through fresh graphs', async () => {
    const w = t.tensor([3], { requiresGrad: true });
    for (let i = 0; i < 3; i++) w.mul(2).sum().backward();
    expect(await w.grad!.toArray()).toEqual([6]);
  });
});

describe('reshape, view and expand sizes', () => {
  it('refuse NaN, negative, fractional and unresolvable sizes by name', () => {
    const x = t.zeros([2, 3]);
    expect(() => x.reshape([NaN, 6])).toThrow(t.ShapeError);
    expect(() => x.reshape([-1, NaN])).toThrow(/reshape: cannot reshape \[2,3\]/);
    expect(() => x.view([-2, -3])).toThrow(/reshape: cannot reshape/);
    expect(() => x.view([-1, -1])).toThrow(/only one -1/);
    expect(() => x.reshape([1.5, 4])).toThrow(t.ShapeError);
    expect(x.view([-1]).shape).toEqual([6]);
    const y = t.zeros([1, 3]);
    expect(() => y.expand([2.5, 3])).toThrow(/expand: shape \[2.5,3\] must hold non-negative integers/);
    expect(() => y.expand([NaN, 3])).toThrow(t.ShapeError);
    expect(() => y.expand([-1, 2, 3])).toThrow(/expand: shape \[-1,2,3\]/);
    expect(y.expand([4, -1]).shape).toEqual([4, 3]);
  });
});
