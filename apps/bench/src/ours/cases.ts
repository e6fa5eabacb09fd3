/**
 * Our side of every case, written only with the public API of @tensile/core:
 * the same shapes, data, loss and learning rate as the peers, one read of the
 * result (sgemm) or the loss (training) per step.
 */
import * as t from '@tensile/core';
import { measure, type MeasureOptions } from '../measure.js';
import { batch, oneHot, type Mnist } from '../mnist.js';
import { LENET_BATCH, LR, MLP_BATCH, sgemmFlops, type Row } from '../results.js';
import type { OurVariant } from './backends.js';

export async function oursSgemm(v: OurVariant, n: number, m: MeasureOptions): Promise<Row> {
  const rng = new t.Rng(1);
  const a = t.randn([n, n], { rng });
  const b = t.randn([n, n], { rng });
  const r = await measure(async () => {
    // One element read waits for the product (webgpu queues it), as torch.mm and OpenBLAS (which read none) do not copy it out.
    const corner = t.tidy(() => a.matmul(b).narrow(0, 0, 1).narrow(1, 0, 1));
    await corner.data();
    corner.dispose();
  }, m);
  t.dispose([a, b]);
  return {
    case: 'sgemm',
    size: `n=${n}`,
    group: 'ours',
    impl: v.label,
    threads: v.threads,
    value: sgemmFlops(n) / r.secondsPerIter / 1e9,
    unit: 'GFLOP/s',
    how: `tidy(() => a.matmul(b)) + await data() of one element, best of ${r.chunks} chunks (${r.iters} iters)`,
  };
}

/** Parameters as PyTorch lays them out (Linear weight [out, in], Conv2d [out, in, kh, kw]), He-initialised. */
function param(rng: t.Rng, shape: number[], fanIn: number): t.Tensor {
  return t.randn(shape, { rng, std: Math.sqrt(2 / fanIn), requiresGrad: true });
}
const bias = (n: number): t.Tensor => t.zeros([n], { requiresGrad: true });

interface Net {
  params: t.Tensor[];
  forward: (x: t.Tensor, p: t.Tensor[]) => t.Tensor;
}

function mlp(rng: t.Rng): Net {
  return {
    params: [param(rng, [128, 784], 784), bias(128), param(rng, [64, 128], 128), bias(64), param(rng, [10, 64], 64), bias(10)],
    forward: (x, [w1, b1, w2, b2, w3, b3]) => {
      const h1 = t.linear(x, w1!, b1!).relu();
      const h2 = t.linear(h1, w2!, b2!).relu();
      return t.linear(h2, w3!, b3!);
    },
  };
}

function lenet(rng: t.Rng): Net {
  return {
    params: [
      param(rng, [6, 1, 5, 5], 25),
      bias(6),
      param(rng, [16, 6, 5, 5], 150),
      bias(16),
      param(rng, [120, 256], 256),
      bias(120),
      param(rng, [84, 120], 120),
      bias(84),
      param(rng, [10, 84], 84),
      bias(10),
    ],
    forward: (x, [c1, cb1, c2, cb2, f1, fb1, f2, fb2, f3, fb3]) => {
      const a1 = t.maxPool2d(t.conv2d(x, c1!, cb1!).relu(), { kernelSize: 2 });
      const a2 = t.maxPool2d(t.conv2d(a1, c2!, cb2!).relu(), { kernelSize: 2 });
      const flat = a2.reshape([x.shape[0]!, 256]);
      const h1 = t.linear(flat, f1!, fb1!).relu();
      const h2 = t.linear(h1, f2!, fb2!).relu();
      return t.linear(h2, f3!, fb3!);
    },
  };
}

/** Softmax cross-entropy against one-hot targets, mean over the batch. */
function crossEntropy(logits: t.Tensor, target: t.Tensor): t.Tensor {
  return logits
    .logSoftmax(1)
    .mul(target)
    .sum()
    .mul(-1 / logits.shape[0]!);
}

/**
 * One training step with core ops only: forward and loss in tidy, backward,
 * then plain SGD (p ← p − lr·∇p, PyTorch's p.sub(grad, alpha=lr)) under noGrad,
 * replacing each parameter.
 */
function rawStep(net: Net, x: t.Tensor, y: t.Tensor): t.Tensor {
  const loss = t.tidy(() => crossEntropy(net.forward(x, net.params), y));
  loss.backward();
  t.tidy(() =>
    t.noGrad(() => {
      net.params = net.params.map((p) => {
        const next = t.keep(p.sub(p.grad!, { alpha: LR }));
        next.requiresGrad = true;
        p.zeroGrad();
        p.dispose();
        return next;
      });
    }),
  );
  return loss;
}

export async function oursTrain(v: OurVariant, kind: 'mlp' | 'lenet', data: Mnist, m: MeasureOptions): Promise<Row> {
  const size = kind === 'mlp' ? MLP_BATCH : LENET_BATCH;
  const image = kind === 'mlp' ? [784] : [1, 28, 28];
  const net = kind === 'mlp' ? mlp(new t.Rng(0)) : lenet(new t.Rng(0));
  const batches = Array.from({ length: 8 }, (_, b) => {
    const { x, y } = batch(data, b, size);
    return { x: t.tensor(x, { shape: [size, ...image] }), y: t.tensor(oneHot(y), { shape: [size, 10] }) };
  });
  let step = 0;
  let lastLoss = NaN;
  const run = async () => {
    const { x, y } = batches[step++ % batches.length]!;
    const loss = rawStep(net, x, y);
    lastLoss = (await loss.data())[0]!;
    loss.dispose();
  };
  await run();
  const liveBefore = t.memory().tensors;
  const r = await measure(run, m);
  const leaked = t.memory().tensors - liveBefore;
  t.dispose([...net.params, ...batches.flatMap((b) => [b.x, b.y])]);
  if (!Number.isFinite(lastLoss)) throw new Error(`${kind}: loss became ${lastLoss} on ${v.label}`);
  return {
    case: kind,
    size: `batch ${size}`,
    group: 'ours',
    impl: `${v.label} (core ops)`,
    threads: v.threads,
    value: size / r.secondsPerIter,
    unit: 'samples/s',
    how:
      `core ops (linear/conv2d/maxPool2d/logSoftmax) + backward + SGD under noGrad, await loss.data() per step, ` +
      `best of ${r.chunks} chunks (${r.iters} steps); last loss ${lastLoss.toFixed(3)}` +
      (leaked !== 0 ? `; WARNING live tensors grew by ${leaked} over ${r.iters} steps` : ''),
  };
}
