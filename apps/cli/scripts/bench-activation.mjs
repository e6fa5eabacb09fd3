/**
 * Times a GPT training step with ReLU and with GELU in the feed-forward, on
 * one backend: configs/sotu-gpt.yaml cut to a few steps, without validation
 * or the test, through `tensile train` built from the sources (the quick
 * build, as `pnpm tensile`), alternating the two activations so a change in
 * the machine's load hits both alike.
 *
 *   node apps/cli/scripts/bench-activation.mjs [--backend wasm] [--steps 40] [--rounds 2]
 *
 * Prints ms per step (the epoch's time over its steps, warm-up included) for
 * each run and the GELU/ReLU ratio of the fastest runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '2' },
  },
});
const cli = join(dirname(fileURLToPath(import.meta.url)), '..');
const base = parse(readFileSync(join(cli, 'configs', 'sotu-gpt.yaml'), 'utf8'));
const steps = Number(values.steps);
const dir = mkdtempSync(join(tmpdir(), 'tensile-bench-activation-'));
execFileSync(process.execPath, [join(cli, 'scripts', 'quick-build.mjs')], { stdio: 'inherit' });

function stepMs(activation) {
  const config = structuredClone(base);
  config.model.config.activation = activation;
  config.data.test = null;
  config.out = join(dir, activation);
  const file = join(dir, `${activation}.yaml`);
  writeFileSync(file, stringify(config));
  const limit = String(steps * config.batchSize);
  execFileSync(
    process.execPath,
    [join(cli, '.quick', 'cli.js'), 'train', file, '--backend', values.backend, '--limit', limit, '--force', '-q'],
    { stdio: 'inherit' },
  );
  const epoch = JSON.parse(readFileSync(join(config.out, 'metrics.jsonl'), 'utf8').trim().split('\n')[0]);
  return (epoch.seconds * 1000) / steps;
}

const times = { relu: [], gelu: [] };
for (let r = 0; r < Number(values.rounds); r++) {
  for (const activation of ['relu', 'gelu']) {
    const ms = stepMs(activation);
    times[activation].push(ms);
    console.log(
      `${values.backend} ${activation}: ${ms.toFixed(1)} ms/step (${steps} steps of ${base.batchSize}×${base.data.config.blockSize})`,
    );
  }
}
// The fastest run of each: other work on the machine only ever adds time.
const best = (a) => Math.min(...a);
console.log(
  `best: relu ${best(times.relu).toFixed(1)} ms, gelu ${best(times.gelu).toFixed(1)} ms, gelu/relu ${(best(times.gelu) / best(times.relu)).toFixed(2)}`,
);
rmSync(dir, { recursive: true, force: true });
