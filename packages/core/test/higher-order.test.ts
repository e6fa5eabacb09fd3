import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

const arr = async (x: t.Tensor) => Array.from(await x.data<Float32Array>());
const f64 = (v: number[]) => t.tensor(Float64Array.from(v), { dtype: 'float64' });

describe('gradients of gradients', () => {
  it('backward({ createGraph }) leaves a differentiable .grad, and implies retainGraph', async () => {
    const x = t.tensor([0.5, -1, 2], { requiresGrad: true });
    const y = x.pow(3).sum();
    y.backward({ createGraph: true });
    const g = x.grad!; // 3x²
    expect(g.requiresGrad).toBe(true);
    expect(await arr(g)).toEqual([0.75, 3, 12]);
    const gx = t.gradients(g.sum(), [x])[0]; // 6x
    expect(await arr(gx)).toEqual([3, -6, 12]);
    // The forward graph was retained: another backward through y works and accumulates.
    x.grad = null;
    y.backward();
    expect(await arr(x.grad!)).toEqual([0.75, 3, 12]);
    expect(x.grad!.requiresGrad).toBe(false);
  });

  it('without createGraph the gradient is a constant, as before', () => {
    const x = t.tensor([1, 2], { requiresGrad: true });
    x.square().sum().backward();
    expect(x.grad!.requiresGrad).toBe(false);
    expect(() => t.gradients(x.grad!.sum(), [x])).toThrow(/does not require grad/);
  });

  it('nests grad inside grad (JAX style): d²/dx² of x³ and of sin', async () => {
    const d2 = t.grad((x) =>
      t
        .grad((y) => y.pow(3).sum())(x)[0]
        .sum(),
    );
    expect(await arr(d2(t.tensor([1, -2]))[0])).toEqual([6, -12]);
    const third = t.grad((x) =>
      t
        .grad((y) =>
          t
            .grad((z) => z.sin().sum())(y)[0]
            .sum(),
        )(x)[0]
        .sum(),
    );
    const [g3] = third(f64([0.3, 1.1]));
    const v = await g3.data<Float64Array>();
    expect(v[0]).toBeCloseTo(-Math.cos(0.3), 12);
    expect(v[1]).toBeCloseTo(-Math.cos(1.1), 12);
  });

  it('records the gradients exactly when the caller can differentiate them (an argument or a closed-over parameter)', async () => {
    const w = t.tensor([2], { requiresGrad: true });
    const c = t.tensor([2]);
    // Nothing outside requires grad, or grad mode is off: constants.
    expect(t.grad((x) => x.mul(c).square().sum())(t.tensor([3]))[0].requiresGrad).toBe(false);
    expect(t.noGrad(() => t.grad((x) => x.mul(w).square().sum())(t.tensor([3])))[0].requiresGrad).toBe(false);
    expect(t.grad((x) => x.mul(w).square().sum(), { createGraph: false })(t.tensor([3]))[0].requiresGrad).toBe(false);
    // A closed-over parameter (the gradient penalty's case): ∂/∂x (xw)² = 2xw², and d/dw of it is 4xw.
    const [gp] = t.grad((x) => x.mul(w).square().sum())(t.tensor([3]));
    expect(gp.requiresGrad).toBe(true);
    gp.sum().backward();
    expect(await arr(w.grad!)).toEqual([24]);
    w.grad = null;
    // Through an argument that requires grad: d/dx 2xw² = 2w².
    const x = t.tensor([3], { requiresGrad: true });
    const [gx] = t.grad((a) => a.mul(w).square().sum())(x);
    gx.sum().backward();
    expect(await arr(w.grad!)).toEqual([24]);
    expect(await arr(x.grad!)).toEqual([8]);
  });

  it('matches a hand-derived gradient penalty gradient on a one-layer critic', async () => {
    // D(x) = tanh(x·w): ∇ₓD = (1 - tanh²(x·w))·w, penalty (‖∇ₓD‖ - 1)².
    const w = f64([0.3, -0.4]);
    w.requiresGrad = true;
    const x = f64([1, 2], [1, 2]);
    const [gx] = t.grad((a) => a.matmul(w).tanh().sum())(x);
    gx.square().sum().sqrt().sub(1).square().backward();
    const s = Math.tanh(0.3 - 0.8);
    const a = 1 - s * s;
    const nw = Math.hypot(0.3, 0.4);
    const norm = a * nw;
    // d/dw [(a·|w| - 1)²] = 2(a|w| - 1)·(|w|·da/dw + a·w/|w|), da/dw = -2s·a·x.
    const expected = [0, 1].map((i) => 2 * (norm - 1) * (nw * -2 * s * a * [1, 2][i] + (a * [0.3, -0.4][i]) / nw));
    const got = await w.grad!.data<Float64Array>();
    expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 12));
  });

  it('grad works inside noGrad and gives zeros for a constant function', async () => {
    const [g] = t.noGrad(() => t.grad((x) => x.exp().sum())(t.tensor([0])));
    expect(await arr(g)).toEqual([1]);
    const [z] = t.grad(() => t.tensor([5]).sum())(t.tensor([1, 2]));
    expect(await arr(z)).toEqual([0, 0]);
  });

  it('gradients() walks only what it needs and frees only that', async () => {
    const w = t.tensor([1, 2], { requiresGrad: true });
    const h = w.mul(3);
    const y = h.square().sum();
    const [gh] = t.gradients(y, [h]);
    expect(await arr(gh)).toEqual([6, 12]);
    expect(w.grad).toBeNull();
    // h's own node was not run or freed: a backward from h still works.
    h.sum().backward();
    expect(await arr(w.grad!)).toEqual([3, 3]);
    expect(() => t.gradients(y, [h])).toThrow(/second time/);
  });

  it('Hessian-vector, Jacobian-vector and vector-Jacobian products', async () => {
    const x = f64([0.5, -1, 2]);
    const v = f64([1, 2, 3]);
    // f = Σ x³ + x0·x1: H = diag(6x) + offdiag(1, 1).
    const f = (a: t.Tensor) =>
      a
        .pow(3)
        .sum()
        .add(
          a
            .narrow(0, 0, 1)
            .mul(a.narrow(0, 1, 1))
            .sum(),
        );
    const { output, product } = t.hvp(f, x, v);
    expect(await output.item()).toBeCloseTo(0.125 - 1 + 8 - 0.5, 12);
    expect(Array.from(await product.data<Float64Array>())).toEqual([3 * 1 + 2, -6 * 2 + 1, 12 * 3]);
    const j = t.jvp((a) => a.sin(), x, v).product;
    const jv = await j.data<Float64Array>();
    [0.5, -1, 2].forEach((xi, i) => expect(jv[i]).toBeCloseTo(Math.cos(xi) * (i + 1), 12));
    const [va, vb] = t.vjp((a, b) => a.mul(b), [x, v], f64([1, 1, 1])).product;
    expect(Array.from(await va.data())).toEqual([1, 2, 3]);
    expect(Array.from(await vb.data())).toEqual([0.5, -1, 2]);
    expect(() => t.hvp((a) => a.square(), x, v)).toThrow(/scalar/);
    expect(() => t.hvp(f, x, f64([1]))).toThrow(/differs/);
  });

  it('keeps the live tensor count flat over many createGraph steps (gradient penalty loop)', async () => {
    const w = t.randn([4, 3], { requiresGrad: true });
    const step = () => {
      const loss = t.tidy(() => {
        const x = t.randn([5, 4]);
        const [gx] = t.grad((a) => a.matmul(w).tanh().sum())(leaf(x));
        return gx.square().sum();
      });
      loss.backward();
      loss.dispose();
      w.grad = null;
    };
    // PyTorch's pattern: backward({ createGraph }) into .grad, then a loss on the gradient.
    const stepCreateGraph = () => {
      const loss = t.tidy(() => t.randn([5, 4]).matmul(w).tanh().square().sum());
      loss.backward({ createGraph: true });
      const norm = t.tidy(() => w.grad!.square().sum());
      w.grad = null;
      norm.backward();
      t.dispose([loss, norm]);
      w.grad = null;
    };
    step();
    stepCreateGraph();
    const before = t.memory().tensors;
    for (let i = 0; i < 30; i++) step();
    expect(t.memory().tensors).toBe(before);
    for (let i = 0; i < 30; i++) stepCreateGraph();
    expect(t.memory().tensors).toBe(before);
    for (let i = 0; i < 30; i++) {
      t.tidy(() => {
        t.hvp((a) => a.matmul(w).tanh().sum(), t.ones([2, 4]), t.ones([2, 4]));
        t.grad((a) => a.matmul(w).tanh().sum(), { createGraph: true })(t.ones([2, 4]));
      });
    }
    expect(t.memory().tensors).toBe(before);
  });
});

function leaf(x: t.Tensor): t.Tensor {
  const l = x.detach();
  l.requiresGrad = true;
  return l;
}

describe('record', () => {
  it('refuses to record an output twice (it used to orphan the first node and leak its references)', () => {
    const x = t.tensor([1, 2], { requiresGrad: true });
    const before = t.memory().tensors;
    const y = x.mul(2);
    expect(() => t.record('again', [x], y, (g) => [g])).toThrow(/already recorded by 'mul'/);
    expect(() => t.record('self', [y], y, (g) => [g])).toThrow(/already recorded|own inputs/);
    y.dispose();
    expect(t.memory().tensors).toBe(before);
  });
});
