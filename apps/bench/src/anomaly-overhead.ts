/**
 * What anomaly mode costs a training step (issue: "anomaly mode off costs
 * under 3% of a training step"). The off path is one check per op of
 * whether anyone observes ops, so its cost is (ops per step) × (cost of that
 * check), set against the step's time. The step is also timed with anomaly
 * mode never on, and after turning it on and off again (equal within noise),
 * and with it on (its documented cost).
 *
 *   pnpm --filter @tensile/bench bench:anomaly [--quick]
 */
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { FULL, QUICK, measure } from './measure.js';

const quick = process.argv.includes('--quick');
const m = quick ? QUICK : FULL;
await t.setBackend(cpu());
const rng = new t.Rng(1);
const x = t.randn([128, 784], { rng });
const target = t.oneHot(t.randint(0, 10, [128], { rng }), 10);
const params = [[128, 784], [128], [64, 128], [64], [10, 64], [10]].map((s) => t.randn(s, { rng, std: 0.05, requiresGrad: true }));

/** One MLP 784-128-64-10 SGD step with softmax cross-entropy, batch 128 (the bench's MLP case). */
function step(): void {
  const [w1, b1, w2, b2, w3, b3] = params;
  const loss = t.tidy(() => {
    const h = t.linear(t.linear(x, w1, b1).relu(), w2, b2).relu();
    return t.linear(h, w3, b3).logSoftmax(1).mul(target).sum(1).mean().neg();
  });
  loss.backward();
  loss.dataSync();
  loss.dispose();
  t.noGrad(() => {
    for (const p of params) {
      t.assign(
        p,
        t.tidy(() => p.sub(p.grad!.mul(0.1))),
      );
      p.grad = null;
    }
  });
}

let ops = 0;
const stop = t.onOp(() => ops++);
step();
stop();
const opsPerStep = ops;

const never = (await measure(step, m)).secondsPerIter;
// The check the off path makes per op, timed in isolation.
const observers = new Set<unknown>();
const n = quick ? 1e6 : 1e8;
let hits = 0;
const c0 = performance.now();
for (let i = 0; i < n; i++) if (observers.size) hits++;
const checkSeconds = (performance.now() - c0) / 1000 / n;
if (hits !== 0) throw new Error('no observer was registered'); // also keeps the loop from being optimised away
t.setAnomalyDetection(true);
const on = (await measure(step, m)).secondsPerIter;
t.setAnomalyDetection(false);
const offAgain = (await measure(step, m)).secondsPerIter;

const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
console.log(`anomaly mode on the cpu backend, MLP 784-128-64-10 SGD step, batch 128 (${opsPerStep} ops per step)`);
console.log(`  step, anomaly never on:          ${(never * 1e3).toFixed(2)} ms`);
console.log(`  step, anomaly on then off again: ${(offAgain * 1e3).toFixed(2)} ms (${pct(offAgain / never - 1)} vs never on; noise)`);
console.log(
  `  off-path check: ${(checkSeconds * 1e9).toFixed(2)} ns per op × ${opsPerStep} ops = ${pct((checkSeconds * opsPerStep) / never)} of a step (goal < 3%)`,
);
console.log(`  step, anomaly on:                ${(on * 1e3).toFixed(2)} ms (${(on / never).toFixed(2)}× the step: its documented cost)`);
