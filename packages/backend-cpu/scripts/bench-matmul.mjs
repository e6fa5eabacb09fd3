// Float32 matmul throughput of the built cpu backend (run `pnpm --filter @tensile/backend-cpu build` first),
// beside TensorFlow.js's cpu backend on the same sizes.
//   node packages/backend-cpu/scripts/bench-matmul.mjs [--no-tfjs]
import { cpu } from '../dist/index.js';

const SIZES = [256, 512, 1024];
const FLAGS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

/** Fastest seconds per call of fn over enough repetitions to run about `budget` seconds (the minimum is the least disturbed by other load on a shared machine). */
function time(fn, budget = 1.5) {
  fn();
  const samples = [];
  const start = performance.now();
  while (samples.length < 3 || (performance.now() - start) / 1000 < budget) {
    const t0 = performance.now();
    fn();
    samples.push((performance.now() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[0];
}

function random(size) {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.random() * 2 - 1;
  return out;
}

const backend = cpu();
const rows = [];
for (const s of SIZES) {
  const a = backend.upload(random(s * s), 'float32');
  const b = backend.upload(random(s * s), 'float32');
  const row = { size: s };
  for (const [transA, transB] of FLAGS) {
    const p = { batch: 1, m: s, k: s, n: s, transA, transB, aBatched: true, bBatched: true };
    const sec = time(() => backend.free(backend.matmul(a, b, 'float32', p)));
    row[`tensile ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`] = +((2 * s ** 3) / sec / 1e9).toFixed(2);
  }
  backend.free(a);
  backend.free(b);
  rows.push(row);
}

if (!process.argv.includes('--no-tfjs')) {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    for (const row of rows) {
      const s = row.size;
      const a = tf.tensor2d(random(s * s), [s, s]);
      const b = tf.tensor2d(random(s * s), [s, s]);
      const sec = time(() => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      });
      row['tfjs-cpu NN'] = +((2 * s ** 3) / sec / 1e9).toFixed(2);
      row['speedup NN'] = +(row['tensile NN'] / row['tfjs-cpu NN']).toFixed(1);
    }
  } catch (e) {
    console.error(`(tfjs not available: ${e.message})`);
  }
}

console.log('float32 matmul, GFLOP/s (single thread, best of repeated runs)');
console.table(rows);
