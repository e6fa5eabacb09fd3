// Cross-entropy forward + backward on [128, 10] float32, cpu: the shipped
// crossEntropy (one-hot mask built on the host from the labels read for the
// range check) beside the two device-side picks (t.oneHot mask, t.gather).
//   pnpm --filter @tensile/core --filter @tensile/backend-cpu --filter @tensile/losses build
//   node packages/losses/scripts/bench-cross-entropy.mjs
import * as t from '../../core/dist/index.js';
import { cpu } from '../../backend-cpu/dist/index.js';
import { crossEntropy } from '../dist/index.js';

await t.setBackend(cpu());
const N = 128;
const C = 10;
const logits = t.randn([N, C], { requiresGrad: true });
const labels = t.tensor(
  Int32Array.from({ length: N }, (_, i) => (i * 7) % C),
  { dtype: 'int32' },
);

const variants = {
  'crossEntropy (host one-hot mask)': () => crossEntropy(logits, labels),
  'logSoftmax + t.oneHot mask': () =>
    t.tidy(() =>
      logits
        .logSoftmax(-1)
        .mul(t.oneHot(labels, C))
        .sum()
        .mul(-1 / N),
    ),
  'logSoftmax + t.gather': () =>
    t.tidy(() =>
      logits
        .logSoftmax(-1)
        .gather(1, labels.reshape([N, 1]))
        .sum()
        .mul(-1 / N),
    ),
};

for (const [name, fn] of Object.entries(variants)) {
  const step = () => {
    const loss = fn();
    loss.backward();
    loss.dispose();
    logits.zeroGrad();
  };
  for (let i = 0; i < 500; i++) step();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < 2000; i++) step();
    best = Math.min(best, (performance.now() - start) / 2000);
  }
  console.log(`${name.padEnd(36)} ${(best * 1000).toFixed(1)} µs per forward+backward`);
}
