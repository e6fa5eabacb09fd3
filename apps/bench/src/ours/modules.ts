/**
 * The training step as a user writes it: @tensile/layers modules,
 * @tensile/losses' CrossEntropyLoss and @tensile/optim's SGD. Loaded
 * dynamically: until losses and optim export those, the row says so and the
 * core-ops variant (cases.ts) still runs.
 */
import * as t from '@tensile/core';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, type Module } from '@tensile/layers';
import { measure, type MeasureOptions } from '../measure.js';
import { batch, type Mnist } from '../mnist.js';
import { LENET_BATCH, LR, MLP_BATCH, type Row } from '../results.js';
import type { OurVariant } from './backends.js';

interface Loss {
  call(logits: t.Tensor, target: t.Tensor): t.Tensor;
}
interface Optimizer {
  zeroGrad(): void;
  step(): void;
}

async function lossAndOptim(): Promise<{ Loss: new () => Loss; SGD: new (params: t.Tensor[], o: { lr: number }) => Optimizer }> {
  const losses = (await import('@tensile/losses')) as Record<string, unknown>;
  const optim = (await import('@tensile/optim')) as Record<string, unknown>;
  if (typeof losses.CrossEntropyLoss !== 'function') throw new Error('@tensile/losses exports no CrossEntropyLoss (yet)');
  if (typeof optim.SGD !== 'function') throw new Error('@tensile/optim exports no SGD (yet)');
  return { Loss: losses.CrossEntropyLoss as never, SGD: optim.SGD as never };
}

/** The bench's MLP or LeNet-5 as @tensile/layers modules, initialised from seed 0 (the kernel profile uses them too). */
export function benchModel(kind: 'mlp' | 'lenet'): Module {
  const rng = new t.Rng(0);
  if (kind === 'mlp') {
    return new Sequential(new Linear(784, 128, { rng }), new ReLU(), new Linear(128, 64, { rng }), new ReLU(), new Linear(64, 10, { rng }));
  }
  return new Sequential(
    new Conv2d(1, 6, 5, { rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5, { rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(256, 120, { rng }),
    new ReLU(),
    new Linear(120, 84, { rng }),
    new ReLU(),
    new Linear(84, 10, { rng }),
  );
}

export async function oursTrainModules(v: OurVariant, kind: 'mlp' | 'lenet', data: Mnist, m: MeasureOptions): Promise<Row> {
  const { Loss, SGD } = await lossAndOptim();
  const size = kind === 'mlp' ? MLP_BATCH : LENET_BATCH;
  const image = kind === 'mlp' ? [784] : [1, 28, 28];
  const net = benchModel(kind) as Sequential;
  const lossFn = new Loss();
  const opt = new SGD(net.parameters(), { lr: LR });
  const batches = Array.from({ length: 8 }, (_, b) => {
    const { x, y } = batch(data, b, size);
    return { x: t.tensor(x, { shape: [size, ...image] }), y: t.tensor(y, { dtype: 'int32' }) };
  });
  let step = 0;
  let lastLoss = NaN;
  const run = async () => {
    const { x, y } = batches[step++ % batches.length]!;
    opt.zeroGrad();
    const loss = t.tidy(() => lossFn.call(net.call(x) as t.Tensor, y));
    loss.backward();
    opt.step();
    lastLoss = (await loss.data())[0]!;
    loss.dispose();
  };
  await run();
  const liveBefore = t.memory().tensors;
  const r = await measure(run, m);
  const leaked = t.memory().tensors - liveBefore;
  t.dispose([...net.parameters(), ...batches.flatMap((b) => [b.x, b.y])]);
  if (!Number.isFinite(lastLoss)) throw new Error(`${kind}: loss became ${lastLoss} on ${v.label}`);
  return {
    case: kind,
    size: `batch ${size}`,
    group: 'ours',
    impl: `${v.label} (layers+optim)`,
    threads: v.threads,
    value: size / r.secondsPerIter,
    unit: 'samples/s',
    how:
      `Sequential + CrossEntropyLoss + SGD: zeroGrad, forward, backward, step, await loss.data() per step, ` +
      `best of ${r.chunks} chunks (${r.iters} steps); last loss ${lastLoss.toFixed(3)}` +
      (leaked !== 0 ? `; WARNING live tensors grew by ${leaked} over ${r.iters} steps` : ''),
  };
}
