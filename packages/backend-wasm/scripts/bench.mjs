// Local benchmark of the wasm backend's sgemm (GFLOP/s) on 1 and 2 threads,
// beside TensorFlow.js's wasm backend when apps/bench has it installed.
// Usage: pnpm --filter @tensile/backend-wasm build && node scripts/bench.mjs [sizes...]
// With node --experimental-wasm-relaxed-simd (Node 20) the relaxed-SIMD build
// runs, and is compared with the plain one on 1 thread.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { relaxedSimdSupported, wasm } from '../dist/index.js';

const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const ns = sizes.length ? sizes : [256, 512, 1024];

function timeIt(fn, minMs = 400) {
  fn(); // warm-up
  let reps = 0;
  const t0 = performance.now();
  let best = Infinity;
  while (performance.now() - t0 < minMs || reps < 3) {
    const s = performance.now();
    fn();
    best = Math.min(best, performance.now() - s);
    reps++;
  }
  return best;
}

const gflops = (n, ms) => (2 * n ** 3) / (ms * 1e6);

async function benchTensile(threads, relaxedSimd) {
  const b = await wasm({ threads, relaxedSimd });
  const row = {};
  for (const n of ns) {
    const x = b.upload(
      new Float32Array(n * n).map(() => Math.random() - 0.5),
      'float32',
    );
    const p = { batch: 1, m: n, n, k: n, transA: false, transB: false, aBatched: true, bBatched: true };
    const ms = timeIt(() => b.free(b.matmul(x, x, 'float32', p)));
    row[n] = gflops(n, ms);
    b.free(x);
  }
  await b.dispose();
  return row;
}

async function benchTfjs() {
  try {
    const req = createRequire(new URL('../../../apps/bench/package.json', import.meta.url));
    const tf = await import(pathToFileURL(req.resolve('@tensorflow/tfjs-core')).href);
    await import(pathToFileURL(req.resolve('@tensorflow/tfjs-backend-wasm')).href);
    await tf.setBackend('wasm');
    await tf.ready();
    const row = {};
    for (const n of ns) {
      const x = tf.randomUniform([n, n]);
      const ms = timeIt(() => {
        const y = tf.matMul(x, x);
        y.dataSync();
        y.dispose();
      });
      row[n] = gflops(n, ms);
      x.dispose();
    }
    return row;
  } catch (e) {
    return { error: String(e.message ?? e).slice(0, 80) };
  }
}

// LeNet-5's two convolutions at batch 64: forward + both gradients, ms per step.
async function benchConv(threads) {
  const b = await wasm({ threads });
  const layers = [
    { n: 64, c: 1, h: 28, w: 28, k: 5, o: 6 },
    { n: 64, c: 6, h: 12, w: 12, k: 5, o: 16 },
  ].map(({ n, c, h, w, k, o }) => {
    const g = {
      n,
      c,
      h,
      w,
      kh: k,
      kw: k,
      strideH: 1,
      strideW: 1,
      padTop: 0,
      padLeft: 0,
      dilationH: 1,
      dilationW: 1,
      outH: h - k + 1,
      outW: w - k + 1,
    };
    const x = b.upload(new Float32Array(n * c * h * w).map(Math.random), 'float32');
    const wt = b.upload(new Float32Array(o * c * k * k).map(Math.random), 'float32');
    const dy = b.upload(new Float32Array(n * o * g.outH * g.outW).map(Math.random), 'float32');
    return { g, o, x, wt, dy };
  });
  const ms = timeIt(() => {
    for (const { g, o, x, wt, dy } of layers) {
      b.free(b.conv2d(x, wt, 'float32', g, o, 1));
      b.free(b.conv2dBackwardInput(dy, wt, 'float32', g, o, 1));
      b.free(b.conv2dBackwardFilter(x, dy, 'float32', g, o, 1));
    }
  });
  await b.dispose();
  return ms;
}

const fmt = (row) => ns.map((n) => (row[n] ? row[n].toFixed(1).padStart(7) : '      -')).join('');
const build = relaxedSimdSupported() ? 'relaxed SIMD (fused multiply-add)' : 'plain SIMD';
console.log(`sgemm GFLOP/s, n = ${ns.join(', ')}; build: ${build}`);
const one = await benchTensile(1);
console.log(`tensile wasm 1 thread ${fmt(one)}`);
const two = await benchTensile(2);
console.log(`tensile wasm 2 threads${fmt(two)}`);
console.log(`2-thread speedup       ${ns.map((n) => (two[n] / one[n]).toFixed(2).padStart(7)).join('')}`);
if (relaxedSimdSupported()) {
  const plain = await benchTensile(1, false);
  console.log(`plain SIMD 1 thread    ${fmt(plain)}`);
  console.log(`relaxed / plain        ${ns.map((n) => (one[n] / plain[n]).toFixed(2).padStart(7)).join('')}`);
}
const tf = await benchTfjs();
if (tf.error) console.log(`tfjs-wasm: not available (${tf.error})`);
else {
  console.log(`tfjs-wasm 1 thread     ${fmt(tf)}`);
  console.log(`ours / tfjs (1 thread) ${ns.map((n) => (one[n] / tf[n]).toFixed(2).padStart(7)).join('')}`);
}

const c1 = await benchConv(1);
const c2 = await benchConv(2);
console.log(`LeNet convs, batch 64, fwd + 2 grads: ${c1.toFixed(2)} ms (1 thread), ${c2.toFixed(2)} ms (2 threads)`);
