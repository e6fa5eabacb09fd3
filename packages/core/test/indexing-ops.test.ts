/** The indexing ops' API as a PyTorch user types it: methods, tuples, async forms, other backends. */
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

const i32 = (values: number[], shape = [values.length]) => t.tensor(Int32Array.from(values), { shape, dtype: 'int32' });

describe('indexing ops', () => {
  it('scatter with repeated indices keeps the last write, and only that write gets a gradient', async () => {
    const src = t.tensor([1, 2, 3], { requiresGrad: true });
    const out = t.zeros([2]).scatter(0, i32([1, 0, 1]), src);
    expect(Array.from(await out.data())).toEqual([2, 3]);
    out
      .mul(t.tensor([10, 20]))
      .sum()
      .backward();
    expect(Array.from(await src.grad!.data())).toEqual([0, 10, 20]);
  });

  it('nonzero as a method, with asTuple typed as a list; argwhere', async () => {
    const x = t.tensor([
      [0, 1],
      [2, 0],
    ]);
    const rows: t.Tensor<'int32'> = x.nonzero();
    expect(await rows.toArray()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    const [r, c] = x.nonzero({ asTuple: true });
    expect([Array.from(await r.data()), Array.from(await c.data())]).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(await (await x.argwhereAsync()).toArray()).toEqual(await x.argwhere().toArray());
  });

  it('the synchronous value-dependent ops name their async form on a backend without readSync', async () => {
    const { readSync: _, ...asyncOnly } = cpu();
    await t.withBackend({ ...asyncOnly, name: 'async-only' }, async () => {
      const x = t.tensor([0, 3, 0, 4]);
      expect(() => x.nonzero()).toThrow(/nonzero: backend 'async-only' reads asynchronously.*nonzeroAsync/);
      expect(() => x.maskedSelect(x.gt(0))).toThrow(/maskedSelectAsync/);
      expect(Array.from(await (await x.maskedSelectAsync(x.gt(0))).data())).toEqual([3, 4]);
      expect(Array.from(await (await x.nonzeroAsync()).data())).toEqual([1, 3]);
    });
  });

  it('runs on a tensor that lives on another backend than the default', async () => {
    const other = cpu();
    const x = await t.tensor([1, 5, 3]).to(other);
    const src = await t.tensor([4, 9]).to(other);
    const index = await i32([0, 0]).to(other);
    const out = x.scatterReduce(0, index, src, 'mean', { includeSelf: false });
    expect(out.backend).toBe(other);
    expect(Array.from(await out.data())).toEqual([6.5, 5, 3]);
    const amax = x.scatterReduce(0, index, src, 'amax');
    expect(Array.from(await amax.data())).toEqual([9, 5, 3]);
    expect(Array.from(await x.scatter(0, index, src).data())).toEqual([9, 5, 3]);
  });

  it('indexPut writes rows named by a tuple, wrapping negative indices; accumulate adds repeats', async () => {
    const x = t.zeros([3, 2]);
    // values [2] broadcast over the indexed rows, as x[[-1, 0]] = torch.tensor([1., 2.]) does.
    const put = x.indexPut([i32([-1, 0])], t.tensor([1, 2]));
    expect(await put.toArray()).toEqual([
      [1, 2],
      [0, 0],
      [1, 2],
    ]);
    const acc = x.indexPut([i32([1, 1]), i32([0, 0])], 1.5, { accumulate: true });
    expect(await acc.toArray()).toEqual([
      [0, 0],
      [3, 0],
      [0, 0],
    ]);
  });

  it('leave only their output behind, outside tidy', () => {
    const x = t.tensor([
      [1, -2, 3],
      [0, 5, -6],
    ]);
    const index = i32([2, 0, 1, 1], [2, 2]);
    const src = t.tensor([
      [7, 8],
      [9, 10],
    ]);
    const mask = x.gt(0);
    const zero = t.tensor(0);
    const calls: [string, () => t.Tensor | t.Tensor[]][] = [
      ['scatter', () => x.scatter(1, index, src)],
      ['scatter value', () => x.scatter(1, index, 4)],
      ['scatterAdd', () => x.scatterAdd(1, index, src)],
      ['scatterReduce mean', () => x.scatterReduce(1, index, src, 'mean', { includeSelf: false })],
      ['scatterReduce bool', () => mask.scatterReduce(1, index, mask.narrow(1, 0, 2), 'amin')],
      ['gather', () => x.gather(1, index)],
      ['takeAlongDim', () => x.takeAlongDim(index, 1)],
      ['indexPut', () => x.indexPut([i32([1]), i32([2])], 9)],
      ['indexCopy', () => x.indexCopy(0, i32([1]), t.ones([1, 3]))],
      ['maskedFill', () => x.maskedFill(mask, zero)],
      ['maskedSelect', () => x.maskedSelect(mask)],
      ['maskedScatter', () => x.maskedScatter(mask, t.ones([6]))],
      ['nonzero asTuple', () => x.nonzero({ asTuple: true })],
    ];
    for (const [name, op] of calls) {
      const before = t.memory().tensors;
      const out = op();
      const made = Array.isArray(out) ? out.length : 1;
      // Some calls above make an argument too (index tensors, a source, a narrowed mask).
      const args = ['indexPut', 'indexCopy'].includes(name) ? 2 : ['maskedScatter', 'scatterReduce bool'].includes(name) ? 1 : 0;
      expect(t.memory().tensors - before, name).toBe(made + args);
      t.dispose(out);
    }
  });
});
