import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

describe('autograd', () => {
  it('accumulates gradients until zeroed', async () => {
    const x = t.tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(await x.grad!.toArray()).toEqual([6, 6]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('detach and noGrad cut the graph', () => {
    const x = t.tensor([1, 2], { requiresGrad: true });
    expect(x.detach().mul(2).requiresGrad).toBe(false);
    expect(t.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(x.mul(2).requiresGrad).toBe(true);
  });

  it('valueAndGrad and grad leave the inputs alone', async () => {
    const x = t.tensor([1, 2, 3]);
    const { value, grads } = t.valueAndGrad((a) => a.square().sum())(x);
    expect(await value.item()).toBe(14);
    expect(await grads[0].toArray()).toEqual([2, 4, 6]);
    expect(x.grad).toBeNull();
    const [g] = t.grad((a) => a.exp().sum())(t.tensor([0]));
    expect(await g.toArray()).toEqual([1]);
  });

  it('needs a seed for non-scalar outputs and can retain the graph', async () => {
    const x = t.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x);
    expect(() => y.backward()).toThrow(/not a scalar/);
    y.backward(t.tensor([1, 1]), { retainGraph: true });
    y.backward(t.tensor([1, 0]));
    expect(await x.grad!.toArray()).toEqual([4, 4]);
  });

  it('undoes broadcasting in gradients', async () => {
    const a = t.zeros([2, 3], { requiresGrad: true });
    const b = t.zeros([3], { requiresGrad: true });
    const c = t.zeros([2, 1], { requiresGrad: true });
    a.add(b).add(c).sum().backward();
    expect(await b.grad!.toArray()).toEqual([2, 2, 2]);
    expect(await c.grad!.toArray()).toEqual([[3], [3]]);
  });

  it('frees the graph after backward even when tidy disposed the intermediates', () => {
    const w = t.randn([4, 4], { requiresGrad: true });
    const before = t.memory().tensors;
    const loss = t.tidy(() => w.matmul(w).relu().sum());
    expect(t.memory().tensors).toBeGreaterThan(before + 1); // the graph holds intermediates
    loss.backward();
    loss.dispose();
    expect(t.memory().tensors).toBe(before + 1); // only w.grad is new
  });

  it('tidy frees temporaries, keeps returns and keep()', () => {
    const before = t.memory().tensors;
    let kept: t.Tensor | null = null;
    const out = t.tidy(() => {
      const a = t.ones([3]);
      kept = t.keep(a.mul(2));
      return { y: a.add(1) };
    });
    expect(t.memory().tensors).toBe(before + 2);
    t.dispose([out, kept]);
    expect(t.memory().tensors).toBe(before);
    expect(() => t.tidy(() => Promise.resolve(1) as never)).toThrow(/Promise/);
  });

  it('runs a backward through a long chain without recursion', () => {
    let x = t.tensor([1], { requiresGrad: true });
    const start = x;
    for (let i = 0; i < 20000; i++) x = x.add(0);
    x.sum().backward();
    expect(start.grad!.dataSync()[0]).toBe(1);
  });

  it('gradcheck passes a correct gradient and fails a wrong one', async () => {
    const good = await t.gradcheck((x) => x.tanh(), [t.randn([3])]);
    expect(good.ok).toBe(true);
    const wrongOp = (x: t.Tensor) => {
      const out = x.detach().mul(2);
      return t.record('wrong', [x], out, (g) => [g.mul(3)]);
    };
    const bad = await t.gradcheck(wrongOp, [t.randn([3])]);
    expect(bad.ok).toBe(false);
  });
});

describe('rng and registry', () => {
  it('draws reproducibly and serialises its state', () => {
    const a = new t.Rng(42);
    a.uniform();
    const state = a.getState();
    const x = [a.uniform(), a.normal()];
    const b = new t.Rng(0);
    b.setState(JSON.parse(JSON.stringify(state)));
    expect([b.uniform(), b.normal()]).toEqual(x);
    t.manualSeed(5);
    const r1 = t.randn([4]).dataSync();
    t.manualSeed(5);
    expect(t.randn([4]).dataSync()).toEqual(r1);
  });

  it('resolves names and lists what is registered on a miss', () => {
    t.registry.register('backend', 'test-cpu', () => cpu());
    expect(t.registry.has('backend', 'test-cpu')).toBe(true);
    expect(() => t.registry.get('backend', 'nope')).toThrow(/no backend named 'nope' \(registered: .*test-cpu/);
    expect(() => t.registry.register('backend', 'test-cpu', () => cpu())).toThrow(/already registered/);
    t.registry.unregister('backend', 'test-cpu');
  });
});

describe('composite ops leave no temporaries behind outside tidy', () => {
  it('keeps the live-tensor count at inputs + output for each op', () => {
    const x = t.randn([3, 4], { requiresGrad: true });
    const y = t.randn([3, 4]);
    const idx = t.tensor(new Int32Array([0, 2, 1]), { shape: [3, 1] });
    const ints = t.arange(3);
    const ones4 = t.ones([4]);
    const w = t.randn([2, 4]);
    const image = t.randn([1, 1, 3, 4], { requiresGrad: true });
    const kernel = t.ones([2, 1, 2, 2]);
    const bias = t.ones([2]);
    const mask = x.gt(0);
    const ops: [string, () => t.Tensor][] = [
      ['add scalar', () => x.add(1)],
      ['mul int', () => ints.mul(2)],
      ['exp of int', () => ints.exp()],
      ['comparison', () => x.gt(0)],
      ['where', () => t.where(mask, x, 0)],
      ['mean', () => x.mean(1)],
      ['var', () => x.var(0)],
      ['std', () => x.std()],
      ['logsumexp', () => x.logsumexp(1)],
      ['matmul vector', () => x.matmul(ones4)],
      ['stack', () => t.stack([x, y])],
      ['linear', () => t.linear(x, w)],
      ['gather', () => x.gather(1, idx)],
      ['conv2d with bias', () => t.conv2d(image, kernel, bias)],
      ['maxPool2d', () => t.maxPool2d(image, { kernelSize: 2 })],
      ['softmax of bool', () => mask.softmax()],
      ['sum of bool', () => mask.sum()],
    ];
    for (const [name, op] of ops) {
      const before = t.memory().tensors;
      const out = op();
      out.dispose();
      expect(t.memory().tensors, name).toBe(before);
    }
  });
});
