/**
 * Where a training step's time goes on one of our backends: every kernel of
 * the backend is timed as it is called (synchronous backends: cpu, native),
 * the rest of the step is JavaScript (core's ops, autograd, the optimizer).
 *
 *   pnpm --filter @tensile/bench profile [mlp|lenet] [--backend native|cpu] [--threads N]
 */
import * as t from '@tensile/core';
import { CrossEntropyLoss } from '@tensile/losses';
import { SGD } from '@tensile/optim';
import { benchModel } from './ours/modules.js';
import { LENET_BATCH, LR, MLP_BATCH } from './results.js';

const kind = process.argv[2] === 'mlp' ? 'mlp' : 'lenet';
const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const which = flag('--backend') ?? 'native';
const threads = Number(flag('--threads') ?? 1);
const base: t.Backend =
  which === 'cpu' ? (await import('@tensile/backend-cpu')).cpu() : (await import('@tensile/backend-native')).native({ threads });

/** A convolution's channels and input size, so each layer's calls are timed apart. */
const convLabel = (args: unknown[]): string => {
  const g = args[3] as t.Conv2dGeometry;
  return `${g.c}→${args[4]} ${g.h}×${g.w}`;
};

/** The backend with each kernel timed (ms per kernel, reduce/unary/binary split by op). */
const time = new Map<string, { ms: number; calls: number }>();
const timed: Record<string, unknown> = { ...base };
for (const [name, kernel] of Object.entries(base)) {
  if (typeof kernel !== 'function' || name === 'memory' || name === 'read') continue;
  timed[name] = (...args: unknown[]) => {
    const start = performance.now();
    const out = (kernel as (...a: unknown[]) => unknown)(...args);
    const key = typeof args[0] === 'string' ? `${name} ${args[0]}` : name.startsWith('conv') ? `${name} ${convLabel(args)}` : name;
    const entry = time.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += performance.now() - start;
    entry.calls++;
    time.set(key, entry);
    return out;
  };
}
await t.setBackend(timed as unknown as t.Backend);

const model = benchModel(kind);
const batch = kind === 'lenet' ? LENET_BATCH : MLP_BATCH;
const x = t.randn(kind === 'lenet' ? [batch, 1, 28, 28] : [batch, 784], { rng: new t.Rng(1) });
const y = t.tensor(Int32Array.from({ length: batch }, (_, i) => i % 10));
const optimizer = new SGD(model.parameters(), { lr: LR });
const lossFn = new CrossEntropyLoss();
const step = async () => {
  optimizer.zeroGrad();
  const loss = t.tidy(() => lossFn.call(model.call(x) as t.Tensor, y));
  loss.backward();
  optimizer.step();
  await loss.data();
  loss.dispose();
};

for (let i = 0; i < 5; i++) await step();
time.clear();
const steps = 30;
const start = performance.now();
for (let i = 0; i < steps; i++) await step();
const total = (performance.now() - start) / steps;
const kernels = [...time.values()].reduce((s, e) => s + e.ms, 0) / steps;
console.log(
  `${kind} batch ${batch} on ${which} (${threads} thread(s)): ${total.toFixed(2)} ms/step (${((batch / total) * 1000).toFixed(0)} samples/s)`,
);
console.log(
  `  kernels ${kernels.toFixed(2)} ms, the rest (JavaScript: core's ops, autograd, optimizer) ${(total - kernels).toFixed(2)} ms`,
);
for (const [key, e] of [...time.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  console.log(`  ${key.padEnd(26)} ${(e.ms / steps).toFixed(3).padStart(8)} ms  ${String(e.calls / steps).padStart(4)} calls`);
}
process.exit(0);
