/** setBackend checks what it is given and resolves registered backends by name. */
import { cpu, registerCpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { afterEach, describe, expect, it } from 'vitest';

afterEach(() => {
  t.registry.unregister('backend', 'cpu');
});

describe('setBackend', () => {
  it('refuses an object without kernels, naming what is missing', async () => {
    await expect(t.setBackend({} as t.Backend)).rejects.toThrow(t.ArgumentError);
    await expect(t.setBackend({} as t.Backend)).rejects.toThrow(
      /^setBackend: the backend does not implement the backend contract: no 'name' string; missing kernels: upload, fill, read, free, unary, .*col2im, memory; no 'dtypes' array$/,
    );
  });

  it('names the one kernel a third-party backend forgot, and leaves the current backend in place', async () => {
    const current = await t.setBackend(cpu());
    const { im2col: _dropped, ...partial } = cpu();
    await expect(t.setBackend(partial as t.Backend)).rejects.toThrow(
      /^setBackend: backend 'cpu' does not implement the backend contract: missing kernels: im2col$/,
    );
    expect(t.getBackend()).toBe(current);
  });

  it('refuses a backend without the required dtypes', async () => {
    await expect(t.setBackend({ ...cpu(), dtypes: ['float32'] })).rejects.toThrow(/dtypes lack int32, bool/);
  });

  it('refuses what is not an object', async () => {
    await expect(t.setBackend(undefined as unknown as t.Backend)).rejects.toThrow(/^setBackend: expected a backend object/);
  });

  it('resolves a registered backend by name', async () => {
    await expect(t.setBackend('cpu')).rejects.toThrow(
      /^setBackend: no backend named 'cpu' is registered \(registered: none\); register one first, e\.g\. registerCpu\(\)/,
    );
    registerCpu();
    registerCpu(); // idempotent
    expect(t.registry.get('backend', 'cpu')).toBe(cpu);
    const b = await t.setBackend('cpu');
    expect(b.name).toBe('cpu');
    expect(t.getBackend()).toBe(b);
    expect(Array.from(await t.tensor([1, 2]).add(1).data())).toEqual([2, 3]);
  });

  it('checks a backend given to withBackend too', async () => {
    await expect(t.withBackend({} as t.Backend, () => 1)).rejects.toThrow(/^withBackend: .*missing kernels: upload/);
  });
});
