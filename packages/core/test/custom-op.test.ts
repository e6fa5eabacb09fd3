import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

// x³ with the input saved: its backward is tensor ops on x, so it is differentiable again.
const cube = t.customOp({
  name: 'cube',
  forward(ctx, x: t.Tensor) {
    ctx.saveForBackward(x);
    return x.pow(3);
  },
  backward(ctx, g) {
    const [x] = ctx.savedTensors;
    return g.mul(x.square().mul(3));
  },
});

// exp with the output saved, and a plain-number argument (gradient null).
const scaledExp = t.customOp({
  name: 'scaledExp',
  forward(ctx, x: t.Tensor, scale: number) {
    const y = x.mul(scale).exp();
    ctx.saveForBackward(y);
    ctx.values.scale = scale;
    return y;
  },
  backward(ctx, g) {
    const [y] = ctx.savedTensors;
    return [g.mul(y).mul(ctx.values.scale as number), null];
  },
});

const f64 = (v: number[], shape?: number[]) => t.tensor(Float64Array.from(v), { dtype: 'float64', shape });

describe('customOp', () => {
  it('records a user forward/backward that gradcheck and gradgradcheck accept', async () => {
    const x = f64([0.5, -1.2, 0.8, 1.5], [2, 2]);
    for (const check of [t.gradcheck, t.gradgradcheck]) {
      const r1 = await check((a) => cube(a).mul(a.sin()), [x]);
      expect(r1.ok, r1.worst).toBe(true);
      const r2 = await check((a) => scaledExp(a, 0.7), [x]);
      expect(r2.ok, r2.worst).toBe(true);
    }
    const y = f64([2], [1]);
    y.requiresGrad = true;
    cube(y).sum().backward({ createGraph: true });
    expect(Array.from(await y.grad!.data())).toEqual([12]);
    const [second] = t.gradients(y.grad!.sum(), [y]);
    expect(Array.from(await second.data())).toEqual([12]); // 6y
  });

  it('gradcheck and gradgradcheck (full and fast mode) catch a wrong or non-differentiable user backward', async () => {
    const cubeWith = (name: string, backward: (g: t.Tensor, x: t.Tensor) => t.Tensor) =>
      t.customOp({
        name,
        forward(ctx, x: t.Tensor) {
          ctx.saveForBackward(x);
          return x.pow(3);
        },
        backward: (ctx, g) => backward(g, ctx.savedTensors[0]),
      });
    // d/dx x³ is 3x², not 2x².
    const wrong = cubeWith('wrongCube', (g, x) => g.mul(x.square().mul(2)));
    // Right values, but detach() cuts the backward's own graph: its second derivative misses 6x.
    const cut = cubeWith('cutCube', (g, x) => g.mul(x.detach().square().mul(3)));
    const x = f64([0.5, -1.2, 0.8]);
    for (const fast of [false, true]) {
      expect((await t.gradcheck(wrong, [x], { fast })).ok).toBe(false);
      expect((await t.gradcheck(cut, [x], { fast })).ok).toBe(true);
      expect((await t.gradgradcheck(cut, [x], { fast })).ok).toBe(false);
      const good = await t.gradgradcheck(cube, [x], { fast });
      expect(good.ok, good.worst).toBe(true);
    }
  });

  it('tells backward which inputs need a gradient and skips non-tensors', async () => {
    const seen: boolean[][] = [];
    const op = t.customOp({
      name: 'mulAdd',
      forward(ctx, a: t.Tensor, b: t.Tensor, c: number) {
        ctx.saveForBackward(a, b);
        return a.mul(b).add(c);
      },
      backward(ctx, g) {
        seen.push([...ctx.needsInputGrad]);
        const [a, b] = ctx.savedTensors;
        return [ctx.needsInputGrad[0] ? g.mul(b) : null, ctx.needsInputGrad[1] ? g.mul(a) : null, null];
      },
    });
    const a = t.tensor([1, 2], { requiresGrad: true });
    const b = t.tensor([3, 4]);
    const out = op(a, b, 10);
    expect(await out.toArray()).toEqual([13, 18]);
    out.sum().backward();
    expect(seen).toEqual([[true, false, false]]);
    expect(await a.grad!.toArray()).toEqual([3, 4]);
  });

  it('holds the live tensor count flat over many calls, with and without backward', () => {
    const x = t.tensor([0.1, 0.2, 0.3], { requiresGrad: true });
    const step = (withBackward: boolean) => {
      const c = cube(x);
      const y = scaledExp(c, 2);
      const loss = y.sum();
      if (withBackward) loss.backward();
      t.dispose([c, y, loss]);
      x.grad = null;
    };
    step(true);
    step(false);
    const before = t.memory().tensors;
    for (let i = 0; i < 50; i++) step(i % 2 === 0);
    expect(t.memory().tensors).toBe(before);
    // Under noGrad nothing is recorded, and what forward saved is freed at once.
    for (let i = 0; i < 20; i++) t.noGrad(() => scaledExp(x, 1)).dispose();
    expect(t.memory().tensors).toBe(before);
  });

  it('copies an input forward returns as is, so it is not recorded twice', async () => {
    const identity = t.customOp({ name: 'identity', forward: (_ctx, x: t.Tensor) => x, backward: (_ctx, g) => g });
    const x = t.tensor([1, 2], { requiresGrad: true });
    const y = identity(x);
    expect(y).not.toBe(x);
    y.mul(3).sum().backward();
    expect(await x.grad!.toArray()).toEqual([3, 3]);
  });

  it('names the op when backward returns the wrong number or shape of gradients', () => {
    const bad = t.customOp({ name: 'bad', forward: (_ctx, x: t.Tensor) => x.mul(2), backward: (_ctx, g) => [g, g] });
    const x = t.tensor([1, 2], { requiresGrad: true });
    expect(() => bad(x).sum().backward()).toThrow(/customOp 'bad': backward returned 2 gradients for 1 forward arguments/);
    const wrongShape = t.customOp({ name: 'wrongShape', forward: (_ctx, x: t.Tensor) => x.mul(2), backward: (_ctx, g) => g.sum() });
    expect(() => wrongShape(x).sum().backward()).toThrow(t.ShapeError);
    expect(() => t.customOp({ name: '', forward: (_c, x: t.Tensor) => x, backward: () => null })).toThrow(/name/);
  });
});
