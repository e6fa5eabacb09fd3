/**
 * TensorFlow.js 4.22 peers: tfjs-cpu (kernels in JS) and tfjs-wasm (XNNPACK,
 * one thread in Node). Each runs its fastest path: tensors uploaded once,
 * tidy() around every step, a read of the result (`await data()`) per step.
 */
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// tfjs-layers' Node bundle also registers tfjs-core's gradients (tfjs-core's ESM dist cannot be deep-imported in Node).
import * as tfl from '@tensorflow/tfjs-layers';
import { measure, type MeasureOptions } from '../measure.js';
import { batch, oneHot, type Mnist } from '../mnist.js';
import { LENET_BATCH, LR, MLP_BATCH, sgemmFlops, type Contender, type Row } from '../results.js';
import { registerWasmConv2DBackpropFilter, WASM_CONV_FILTER_NOTE } from './tfjs-wasm-conv-filter.js';

export type TfjsBackend = 'cpu' | 'wasm';

let wasmReady = false;
// Production mode: no debug checks, and no 'install tfjs-node' banner on stdout.
tf.enableProdMode();

async function useBackend(name: TfjsBackend): Promise<void> {
  if (name === 'wasm' && !wasmReady) {
    const require = createRequire(import.meta.url);
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    setWasmPaths(`${dist}/`);
    registerWasmConv2DBackpropFilter();
    wasmReady = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs: backend ${name} failed to initialise`);
  await tf.ready();
}

/** Uploads `count` batches of MNIST once; steps cycle through them. */
function uploadBatches(data: Mnist, size: number, count: number, image: number[]): { x: tf.Tensor; y: tf.Tensor }[] {
  const out = [];
  for (let b = 0; b < count; b++) {
    const { x, y } = batch(data, b, size);
    out.push({ x: tf.tensor(x, [size, ...image]), y: tf.tensor2d(oneHot(y), [size, 10]) });
  }
  return out;
}

async function sgemm(be: TfjsBackend, n: number, m: MeasureOptions): Promise<Row> {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const r = await measure(async () => {
    // One element read waits for the product, as torch.mm and OpenBLAS (which read none) do not copy it out.
    const c = tf.matMul(a, b);
    const corner = tf.slice(c, [0, 0], [1, 1]);
    await corner.data();
    tf.dispose([c, corner]);
  }, m);
  tf.dispose([a, b]);
  return {
    case: 'sgemm',
    size: `n=${n}`,
    group: `tfjs-${be}`,
    impl: `tfjs-${be} matMul`,
    value: sgemmFlops(n) / r.secondsPerIter / 1e9,
    unit: 'GFLOP/s',
    how: `tf.matMul + await data() of one element, best of ${r.chunks} chunks (${r.iters} iters)`,
  };
}

type Layer = tfl.layers.Layer;

function mlpLayers(): Layer[] {
  return [
    tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }),
    tfl.layers.dense({ units: 64, activation: 'relu' }),
    tfl.layers.dense({ units: 10 }),
  ];
}

function lenetLayers(): Layer[] {
  return [
    tfl.layers.conv2d({ filters: 6, kernelSize: 5, activation: 'relu', inputShape: [28, 28, 1] }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 120, activation: 'relu' }),
    tfl.layers.dense({ units: 84, activation: 'relu' }),
    tfl.layers.dense({ units: 10 }),
  ];
}

const softmaxCe = (yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor => tf.losses.softmaxCrossEntropy(yTrue, logits);

/** model.fit on `batches` batches per call (epochs 1, no shuffle, verbose 0). */
async function trainFit(be: TfjsBackend, kind: 'mlp' | 'lenet', data: Mnist, m: MeasureOptions, batchesPerFit: number): Promise<Row> {
  const size = kind === 'mlp' ? MLP_BATCH : LENET_BATCH;
  const image = kind === 'mlp' ? [784] : [28, 28, 1];
  const model = tfl.sequential({ layers: kind === 'mlp' ? mlpLayers() : lenetLayers() });
  model.compile({ optimizer: tf.train.sgd(LR), loss: softmaxCe });
  const all = uploadBatches(data, size * batchesPerFit, 1, image)[0]!;
  const r = await measure(async () => {
    await model.fit(all.x, all.y, { batchSize: size, epochs: 1, shuffle: false, verbose: 0 });
  }, m);
  tf.dispose([all.x, all.y]);
  model.dispose();
  return {
    case: kind,
    size: `batch ${size}`,
    group: `tfjs-${be}`,
    impl: `tfjs-${be} model.fit`,
    value: (size * batchesPerFit) / r.secondsPerIter,
    unit: 'samples/s',
    how:
      `tfjs-layers model.fit over ${batchesPerFit} batches per call, best of ${r.chunks} chunks` +
      (be === 'wasm' && kind === 'lenet' ? `; ${WASM_CONV_FILTER_NOTE}` : ''),
  };
}

/** Plain tfjs-core: variables, a forward function, optimizer.minimize, loss read per step. */
async function trainMinimize(be: TfjsBackend, kind: 'mlp' | 'lenet', data: Mnist, m: MeasureOptions): Promise<Row> {
  const size = kind === 'mlp' ? MLP_BATCH : LENET_BATCH;
  const image = kind === 'mlp' ? [784] : [28, 28, 1];
  const v = (shape: number[], fanIn: number) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn)));
  const z = (n: number) => tf.variable(tf.zeros([n]));
  let forward: (x: tf.Tensor) => tf.Tensor;
  let vars: tf.Variable[];
  if (kind === 'mlp') {
    const [w1, b1, w2, b2, w3, b3] = [v([784, 128], 784), z(128), v([128, 64], 128), z(64), v([64, 10], 64), z(10)];
    vars = [w1!, b1!, w2!, b2!, w3!, b3!];
    forward = (x) => {
      const h1 = tf.relu(tf.add(tf.matMul(x, w1!), b1!));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w2!), b2!));
      return tf.add(tf.matMul(h2, w3!), b3!);
    };
  } else {
    const [c1, cb1, c2, cb2] = [v([5, 5, 1, 6], 25), z(6), v([5, 5, 6, 16], 150), z(16)];
    const [f1, fb1, f2, fb2, f3, fb3] = [v([256, 120], 256), z(120), v([120, 84], 120), z(84), v([84, 10], 84), z(10)];
    vars = [c1!, cb1!, c2!, cb2!, f1!, fb1!, f2!, fb2!, f3!, fb3!];
    forward = (x) => {
      const a1 = tf.maxPool(
        tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, c1 as tf.Tensor4D, 1, 'valid'), cb1!)) as tf.Tensor4D,
        2,
        2,
        'valid',
      );
      const a2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(a1, c2 as tf.Tensor4D, 1, 'valid'), cb2!)) as tf.Tensor4D, 2, 2, 'valid');
      const flat = tf.reshape(a2, [size, 256]);
      const h1 = tf.relu(tf.add(tf.matMul(flat, f1!), fb1!));
      const h2 = tf.relu(tf.add(tf.matMul(h1, f2!), fb2!));
      return tf.add(tf.matMul(h2, f3!), fb3!);
    };
  }
  const opt = tf.train.sgd(LR);
  const batches = uploadBatches(data, size, 8, image);
  let step = 0;
  const r = await measure(async () => {
    const { x, y } = batches[step++ % batches.length]!;
    const cost = opt.minimize(() => softmaxCe(y, forward(x)) as tf.Scalar, true, vars)!;
    await cost.data();
    cost.dispose();
  }, m);
  for (const b of batches) tf.dispose([b.x, b.y]);
  tf.dispose(vars);
  opt.dispose();
  return {
    case: kind,
    size: `batch ${size}`,
    group: `tfjs-${be}`,
    impl: `tfjs-${be} optimizer.minimize`,
    value: size / r.secondsPerIter,
    unit: 'samples/s',
    how:
      `tfjs-core ops + sgd.minimize + await loss.data() per step, best of ${r.chunks} chunks (${r.iters} steps)` +
      (be === 'wasm' && kind === 'lenet' ? `; ${WASM_CONV_FILTER_NOTE}` : ''),
  };
}

/** tfjs on one backend; training jobs give two rows (model.fit and optimizer.minimize). */
export function tfjsContender(be: TfjsBackend, data: Mnist | null, m: MeasureOptions, batchesPerFit: number): Contender {
  const group = `tfjs-${be}` as const;
  return {
    group,
    label: group,
    start: async () => {
      await useBackend(be);
      return '';
    },
    run: async (job) => {
      await useBackend(be); // the other tfjs backend may have run the previous job
      const attempt = async (impl: string, fn: () => Promise<Row>): Promise<Row> => {
        try {
          return await fn();
        } catch (e) {
          return { case: job.case, size: job.size, group, impl, value: null, unit: job.unit, how: `failed: ${(e as Error).message}` };
        }
      };
      if (job.case === 'sgemm') return [await attempt(`tfjs-${be} matMul`, () => sgemm(be, job.n, m))];
      if (!data) throw new Error('tfjs: training jobs need MNIST');
      const kind = job.case;
      const perFit = kind === 'lenet' ? Math.min(batchesPerFit, 4) : batchesPerFit;
      return [
        await attempt(`tfjs-${be} model.fit`, () => trainFit(be, kind, data, m, perFit)),
        await attempt(`tfjs-${be} optimizer.minimize`, () => trainMinimize(be, kind, data, m)),
      ];
    },
    stop: async () => {},
  };
}
