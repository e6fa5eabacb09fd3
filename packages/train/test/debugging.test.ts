import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { Linear, Module, Sequential, Sigmoid } from '@tensile/layers';
import { fit } from '@tensile/train';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

/** Plain SGD through the public API (fit takes any object with step and zeroGrad). */
function sgd(params: t.Tensor[], lr: number) {
  return {
    step: () =>
      t.noGrad(() => {
        for (const p of params)
          if (p.grad)
            t.assign(
              p,
              t.tidy(() => p.sub(p.grad!.mul(lr))),
            );
      }),
    zeroGrad: () => params.forEach((p) => (p.grad = null)),
  };
}

class Exp extends Module {
  readonly typeName = 'Exp';
  get config() {
    return {};
  }
  forward(x: t.Tensor) {
    return x.exp();
  }
}

class Normalize extends Module {
  readonly typeName = 'Normalize';
  get config() {
    return {};
  }
  forward(x: t.Tensor) {
    return x.div(x.sum(1, true)); // 0/0 when a row sums to 0
  }
}

class RootOfRelu extends Module {
  readonly typeName = 'RootOfRelu';
  get config() {
    return {};
  }
  forward(x: t.Tensor) {
    return x.relu().sqrt(); // finite forward; d√u/du = ∞ at u = 0 in backward
  }
}

async function anomalyIn(fn: () => unknown): Promise<t.AnomalyError> {
  try {
    await t.detectAnomaly(async () => {
      await fn();
    });
  } catch (e) {
    if (e instanceof t.AnomalyError) return e;
    throw e;
  }
  throw new Error('expected anomaly mode to throw');
}

const data = (x: number[][], y: number[][]) => [[t.tensor(x), t.tensor(y)] as const];

describe('anomaly mode finds where the first NaN comes from', () => {
  it('log(0) in a loss: names log in the loss', async () => {
    const model = new Sequential(new Linear(2, 1), new Sigmoid());
    t.noGrad(() => t.assign(model.parameters()[0], t.full([1, 2], -1000))); // sigmoid saturates to exactly 0
    const naiveBce = (p: t.Tensor, y: t.Tensor) =>
      y
        .mul(p.log())
        .add(y.neg().add(1).mul(p.neg().add(1).log()))
        .mean()
        .neg();
    const err = await anomalyIn(() =>
      fit(model, { loss: naiveBce, optimizer: sgd(model.parameters(), 0.1), train: data([[1, 1]], [[1]]), epochs: 1 }),
    );
    expect(err.op).toBe('log');
    expect(err.module).toBe('loss (naiveBce)');
    expect(err.backwardOf).toBeNull();
    expect(err.message).toMatch(/loss \(naiveBce\)\.forward → log \(forward\) produced Infinity/);
  });

  it('an overflowing exp: names exp in model.1 (Exp)', async () => {
    const model = new Sequential(new Linear(2, 2), new Exp());
    t.noGrad(() => t.assign(model.parameters()[0], t.full([2, 2], 100)));
    const mse = (p: t.Tensor, y: t.Tensor) => p.sub(y).square().mean();
    const err = await anomalyIn(() =>
      fit(model, { loss: mse, optimizer: sgd(model.parameters(), 0.1), train: data([[1, 1]], [[0, 0]]), epochs: 1 }),
    );
    expect(err.op).toBe('exp');
    expect(err.module).toBe('model.1 (Exp)');
    expect(err.found).toBe('Infinity');
    expect(err.message).toMatch(/the inputs were finite: this op made it/);
  });

  it('0/0 in a custom layer: names div in model.0 (Normalize), with its inputs', async () => {
    const model = new Sequential(new Normalize(), new Linear(2, 1));
    const mse = (p: t.Tensor, y: t.Tensor) => p.sub(y).square().mean();
    const err = await anomalyIn(() =>
      fit(model, { loss: mse, optimizer: sgd(model.parameters(), 0.1), train: data([[0, 0]], [[1]]), epochs: 1 }),
    );
    expect(err.op).toBe('div');
    expect(err.module).toBe('model.0 (Normalize)');
    expect(err.found).toBe('NaN');
    expect(err.inputs.map((i) => [i.shape, i.min, i.max])).toEqual([
      [[1, 2], 0, 0],
      [[1, 1], 0, 0],
    ]);
  });

  it('a backward op: names the gradient of sqrt in model.1 (RootOfRelu)', async () => {
    const model = new Sequential(new Linear(2, 2), new RootOfRelu());
    t.noGrad(() => t.assign(model.parameters()[0], t.zeros([2, 2]))); // forward gives sqrt(0) = 0, fine
    const mse = (p: t.Tensor, y: t.Tensor) => p.sub(y).square().mean();
    const err = await anomalyIn(() =>
      fit(model, { loss: mse, optimizer: sgd(model.parameters(), 0.1), train: data([[1, 1]], [[1, 1]]), epochs: 1 }),
    );
    expect(err.backwardOf).toBe('sqrt');
    expect(err.module).toBe('model.1 (RootOfRelu)');
    expect(err.message).toMatch(/model\.1 \(RootOfRelu\)\.backward → .* \(the backward of 'sqrt'\)/);
  });
});

/** The Keras case: a generator whose output is read out of the graph before a rater scores it. */
class Pipeline extends Module {
  readonly typeName = 'Pipeline';
  readonly generator: Linear;
  readonly rater: Linear;
  constructor(readonly keepGraph: boolean) {
    super();
    this.generator = this.addModule('generator', new Linear(3, 4, { rng: new t.Rng(1) }));
    this.rater = this.addModule('rater', new Linear(4, 1, { rng: new t.Rng(2) }));
  }
  get config() {
    return { keepGraph: this.keepGraph };
  }
  forward(noise: t.Tensor) {
    let generated = this.generator.call(noise);
    if (!this.keepGraph) {
      // Reading values out and building a new tensor from them cuts the graph.
      generated = t.tensor(generated.dataSync(), { shape: generated.shape });
    }
    return this.rater.call(generated.tanh());
  }
}

describe('gradient flow: which parameters does backpropagation reach', () => {
  const noise = () => Array.from({ length: 8 }, (_, i) => [[Math.sin(i), Math.cos(i), i / 8], [1]] as const);
  const batches = () => noise().map(([x, y]) => [t.tensor([x]), t.tensor([y])] as const);
  const mse = (p: t.Tensor, y: t.Tensor) => p.sub(y).square().mean();

  it('names every generator parameter as getting no gradient, and why', async () => {
    const model = new Pipeline(false);
    const warnings: string[] = [];
    await fit(model, {
      loss: mse,
      optimizer: sgd(model.parameters(), 0.05),
      train: batches(),
      epochs: 1,
      onNoGradient: (message) => warnings.push(message),
    });
    expect(warnings).toEqual([
      "fit: parameter 'generator.weight' received no gradient during epoch 0: left the graph (values read out with data() and a new tensor made from them)",
      "fit: parameter 'generator.bias' received no gradient during epoch 0: left the graph (values read out with data() and a new tensor made from them)",
    ]);
  });

  it('with the graph intact, every parameter gets a gradient and the generator learns', async () => {
    const model = new Pipeline(true);
    const before = model.generator.parameters().map((p) => Array.from(p.dataSync()));
    const warnings: string[] = [];
    const { history } = await fit(model, {
      loss: mse,
      optimizer: sgd(model.parameters(), 0.05),
      train: { [Symbol.iterator]: () => batches()[Symbol.iterator]() },
      epochs: 3,
      onNoGradient: (message) => warnings.push(message),
    });
    expect(warnings).toEqual([]);
    expect(history[2].loss).toBeLessThan(history[0].loss);
    const after = model.generator.parameters().map((p) => Array.from(p.dataSync()));
    expect(after).not.toEqual(before);
    const report = await (async () => {
      const x = t.tensor([[0.1, 0.2, 0.3]]);
      const loss = await t.trackGradientFlow(() => mse(model.call(x), t.tensor([[1]])));
      loss.backward();
      return t.gradientFlow(loss, model.namedParameters());
    })();
    expect(report.every((p) => p.receivedGradient)).toBe(true);
    expect(history[0].loss).toBeGreaterThan(0);
  });
});
