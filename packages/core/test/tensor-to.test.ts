import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

describe('tensor.to(backend)', () => {
  it('copies values, shape, dtype, name and requiresGrad to another backend; the copy is a leaf', async () => {
    const other = cpu();
    const x = t.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int32' },
    );
    x.name = 'ids';
    const y = await x.to(other);
    expect([y.backend, y.shape, y.dtype, y.name]).toEqual([other, [2, 2], 'int32', 'ids']);
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    const w = t.tensor([0.5], { requiresGrad: true });
    // A computed tensor would leave its graph behind on the old backend: refused, before any read.
    await expect(w.mul(2).to(other)).rejects.toThrow(/^to: tensor #\d+ \[1\] is computed and requires gradients/);
    expect((await w.mul(2).detach().to(other)).requiresGrad).toBe(false);
    const leaf = await w.to(other);
    expect(leaf.requiresGrad).toBe(true);
    // The copy owns its storage: freeing the source leaves it readable.
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
  });

  it('returns the tensor itself on its own backend, as PyTorch', async () => {
    const x = t.ones([3]);
    expect(await x.to(t.getBackend())).toBe(x);
  });

  it('names the op for a disposed tensor and for an unknown backend name', async () => {
    const x = t.ones([2]);
    await expect(x.to('nonexistent')).rejects.toThrow(/^to: no backend named 'nonexistent' is registered/);
    x.dispose();
    await expect(x.to(cpu())).rejects.toThrow(/^to: tensor #\d+ \[2\] was disposed/);
  });
});
