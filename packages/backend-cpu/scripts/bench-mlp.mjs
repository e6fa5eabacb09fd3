// One SGD training step of a 784-128-64-10 MLP (batch 128, softmax cross-entropy), written
// kernel by kernel (forward and hand-derived backward) on the built cpu backend and with the
// same ops on TensorFlow.js's cpu backend (fused matMul+bias+relu included). Whole-framework
// comparisons (autograd, optimizers) live in apps/bench.
//   node packages/backend-cpu/scripts/bench-mlp.mjs
import { cpu } from '../dist/index.js';

const B = 128;
const SIZES = [784, 128, 64, 10];
const LR = 0.05;

function random(size, scale = 0.1) {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (Math.random() * 2 - 1) * scale;
  return out;
}
const xData = random(B * 784, 1);
const labels = Int32Array.from({ length: B }, () => Math.floor(Math.random() * 10));
const oneHot = new Float32Array(B * 10);
labels.forEach((l, i) => (oneHot[i * 10 + l] = 1));
const init = [0, 1, 2].map((l) => ({ w: random(SIZES[l + 1] * SIZES[l]), b: random(SIZES[l + 1]) }));

/** Best samples/s over repeated steps for about `budget` seconds. */
function samplesPerSecond(step, budget = 3) {
  for (let i = 0; i < 5; i++) step();
  let best = Infinity;
  const start = performance.now();
  while ((performance.now() - start) / 1000 < budget) {
    const t0 = performance.now();
    step();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return Math.round(B / best);
}

function tensileStep() {
  const be = cpu();
  const f = 'float32';
  const x = be.upload(xData, f);
  const y = be.upload(oneHot, f);
  const zero = be.fill(1, 0, f);
  const lr = be.fill(1, LR, f);
  const invB = be.fill(1, 1 / B, f);
  const params = init.map(({ w, b }) => ({ w: be.upload(w, f), b: be.upload(b, f) }));
  const linear = (m, k, n) => ({ batch: 1, m, k, n, transA: false, transB: true, aBatched: true, bBatched: true });
  const step = () => {
    const tmp = [];
    const keep = (h) => (tmp.push(h), h);
    // forward: h = relu(x Wᵀ + b)
    const acts = [x];
    for (let l = 0; l < 3; l++) {
      const p = linear(B, SIZES[l], SIZES[l + 1]);
      acts.push(keep(be.matmulBias(acts[l], params[l].w, params[l].b, f, p, l < 2 ? 'relu' : 'none')));
    }
    const lsm = keep(be.logSoftmax(acts[3], f, B, 10));
    // dlogits = (softmax - onehot) / B
    const sm = keep(be.unary('exp', lsm, f, B * 10));
    const diff = keep(be.binary('sub', sm, [B, 10], y, [B, 10], [B, 10], f));
    let dz = keep(be.binary('mul', diff, [B, 10], invB, [], [B, 10], f));
    for (let l = 2; l >= 0; l--) {
      const [nIn, nOut] = [SIZES[l], SIZES[l + 1]];
      const dW = keep(
        be.matmul(dz, acts[l], f, { batch: 1, m: nOut, k: B, n: nIn, transA: true, transB: false, aBatched: true, bBatched: true }),
      );
      const db = keep(be.reduce('sum', dz, f, 1, B, nOut));
      if (l > 0) {
        const dh = keep(
          be.matmul(dz, params[l].w, f, { batch: 1, m: B, k: nOut, n: nIn, transA: false, transB: false, aBatched: true, bBatched: true }),
        );
        const mask = keep(be.binary('gt', acts[l], [B, nIn], zero, [], [B, nIn], f));
        dz = keep(be.where(mask, [B, nIn], dh, [B, nIn], zero, [], [B, nIn], f));
      }
      // SGD: p -= lr * grad
      for (const [name, g, shape] of [
        ['w', dW, [nOut, nIn]],
        ['b', db, [nOut]],
      ]) {
        const scaled = keep(be.binary('mul', g, shape, lr, [], shape, f));
        const next = be.binary('sub', params[l][name], shape, scaled, shape, shape, f);
        be.free(params[l][name]);
        params[l][name] = next;
      }
    }
    be.readSync(acts[3], f, B * 10);
    for (const h of tmp) be.free(h);
  };
  return samplesPerSecond(step);
}

async function tfjsStep() {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  const x = tf.tensor2d(xData, [B, 784]);
  const y = tf.tensor2d(oneHot, [B, 10]);
  const params = init.map(({ w, b }, l) => ({
    w: tf.variable(tf.tensor2d(w, [SIZES[l + 1], SIZES[l]])),
    b: tf.variable(tf.tensor1d(b)),
  }));
  const manual = () =>
    tf.tidy(() => {
      const acts = [x];
      for (let l = 0; l < 3; l++) {
        acts.push(
          tf.fused.matMul({ a: acts[l], b: params[l].w, transposeB: true, bias: params[l].b, activation: l < 2 ? 'relu' : 'linear' }),
        );
      }
      const lsm = tf.logSoftmax(acts[3]);
      let dz = tf.mul(tf.sub(tf.exp(lsm), y), 1 / B);
      for (let l = 2; l >= 0; l--) {
        const dW = tf.matMul(dz, acts[l], true, false);
        const db = tf.sum(dz, 0);
        if (l > 0) {
          const dh = tf.matMul(dz, params[l].w);
          dz = tf.where(tf.greater(acts[l], 0), dh, tf.zerosLike(dh));
        }
        params[l].w.assign(tf.sub(params[l].w, tf.mul(dW, LR)));
        params[l].b.assign(tf.sub(params[l].b, tf.mul(db, LR)));
      }
      acts[3].dataSync();
    });
  return samplesPerSecond(manual);
}

const ours = tensileStep();
const rows = [{ implementation: 'tensile cpu (kernels)', 'samples/s': ours }];
try {
  const theirs = await tfjsStep();
  rows.push({ implementation: 'tfjs-cpu, same ops', 'samples/s': theirs, 'tensile speedup': +(ours / theirs).toFixed(1) });
} catch (e) {
  console.error(`(tfjs not available: ${e.message})`);
}
console.log('MLP 784-128-64-10, batch 128, one SGD step (best of repeated steps, single thread)');
console.table(rows);
