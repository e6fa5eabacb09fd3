import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

const leaf = (v: number | number[] | number[][]) => t.tensor(v, { requiresGrad: true, dtype: 'float64' });
const values = async (x: t.Tensor | null) => Array.from(await x!.data<Float64Array>());

describe('the computational-graph examples of our source material', () => {
  it('buys apples and oranges: price 715 and every partial derivative', async () => {
    const apple = leaf(100);
    const appleNum = leaf(2);
    const orange = leaf(150);
    const orangeNum = leaf(3);
    const tax = leaf(1.1);
    const price = apple.mul(appleNum).add(orange.mul(orangeNum)).mul(tax);
    expect((await values(price))[0]).toBeCloseTo(715, 10);
    price.backward();
    expect((await values(apple.grad))[0]).toBeCloseTo(2.2, 10);
    expect((await values(appleNum.grad))[0]).toBeCloseTo(110, 10);
    expect((await values(orange.grad))[0]).toBeCloseTo(3.3, 10);
    expect((await values(orangeNum.grad))[0]).toBeCloseTo(165, 10);
    expect((await values(tax.grad))[0]).toBeCloseTo(650, 10);
  });

  it('backpropagates through an affine layer: dB = Σ dY, dX = dY·Wᵀ, dW = Xᵀ·dY', async () => {
    const x = leaf([
      [0, 0],
      [1, 1],
    ]);
    const w = leaf([
      [2, 2, 2],
      [8, 8, 8],
    ]);
    const b = leaf([1, 2, 3]);
    const y = x.matmul(w).add(b);
    expect(await y.toArray()).toEqual([
      [1, 2, 3],
      [11, 12, 13],
    ]);
    y.backward(
      t.tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: 'float64' },
      ),
    );
    expect(await b.grad!.toArray()).toEqual([5, 7, 9]);
    expect(await x.grad!.toArray()).toEqual([
      [12, 48],
      [30, 120],
    ]);
    expect(await w.grad!.toArray()).toEqual([
      [4, 5, 6],
      [4, 5, 6],
    ]);
  });

  it('gives a batched dense layer gradients of the right shapes: 2 inputs, 3 outputs, batch 5', async () => {
    const rng = new t.Rng(3);
    const x = t.randn([5, 2], { rng, dtype: 'float64', requiresGrad: true });
    const w = t.randn([3, 2], { rng, dtype: 'float64', requiresGrad: true }); // PyTorch layout [out, in]
    const b = t.randn([3], { rng, dtype: 'float64', requiresGrad: true });
    const dz = t.randn([5, 3], { rng, dtype: 'float64' });
    t.linear(x, w, b).backward(dz);
    expect(x.grad!.shape).toEqual([5, 2]);
    expect(w.grad!.shape).toEqual([3, 2]);
    expect(b.grad!.shape).toEqual([3]);
    // dX = dZ·W, dW = dZᵀ·X, db = Σ over the batch: written out by hand.
    const [X, W, DZ] = [await values(x), await values(w), await values(dz)];
    const dx = await values(x.grad);
    const dw = await values(w.grad);
    const db = await values(b.grad);
    for (let n = 0; n < 5; n++) {
      for (let i = 0; i < 2; i++) {
        let s = 0;
        for (let o = 0; o < 3; o++) s += DZ[n * 3 + o] * W[o * 2 + i];
        expect(dx[n * 2 + i]).toBeCloseTo(s, 12);
      }
    }
    for (let o = 0; o < 3; o++) {
      let sb = 0;
      for (let n = 0; n < 5; n++) sb += DZ[n * 3 + o];
      expect(db[o]).toBeCloseTo(sb, 12);
      for (let i = 0; i < 2; i++) {
        let s = 0;
        for (let n = 0; n < 5; n++) s += DZ[n * 3 + o] * X[n * 2 + i];
        expect(dw[o * 2 + i]).toBeCloseTo(s, 12);
      }
    }
  });

  it('adds up gradients of a node used twice (chain rule through add and mul)', async () => {
    const x = leaf(3);
    const y = x.mul(x).add(x); // dy/dx = 2x + 1
    y.backward();
    expect((await values(x.grad))[0]).toBe(7);
  });
});
