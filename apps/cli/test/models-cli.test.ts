/**
 * The three model configs end to end through the command, cut to a few
 * batches: train prints the test split against its baseline (the bigram
 * for the GPT, the noisy input's PSNR for the U-Net) and a text sample;
 * generate samples from the saved GPT; predict --save feeds the PyTorch
 * cross-check script.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tensile } from './run.js';

const configs = fileURLToPath(new URL('../configs/', import.meta.url));
const scripts = fileURLToPath(new URL('../scripts/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tensile-models-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Each test runs the command a few times; a busy 2-core machine needs minutes.
const SLOW = { timeout: 300_000 };

const ok = (r: ReturnType<typeof tensile>) => expect(r.code, r.stdout + r.stderr).toBe(0);

describe('configs/sotu-gpt.yaml', () => {
  it('trains, reports held-out nats/char against the bigram, samples; generate continues a prompt', SLOW, () => {
    const out = join(work, 'gpt');
    // 80 held-out windows: three evaluation batches of the config's batch size (32), as the full run reads its test split.
    const r = tensile(['train', join(configs, 'sotu-gpt.yaml'), '--limit', '64', '--test-limit', '80', '--out', out], work);
    ok(r);
    expect(r.stdout).toMatch(/training on wasm: 64 samples, 2 batches\/epoch/);
    expect(r.stdout).toMatch(
      /held-out: \d\.\d{4} nats\/char \(\d\.\d{3} bits\/char\); a count-based bigram \(add-α, α [\d.]+\) on the same characters: 2\.\d{4} nats\/char/,
    );
    expect(r.stdout).toMatch(/sample \(temperature 0\.8, top-k 20[^\n]*\n.+⟨[\s\S]{300}⟩/);
    const g = tensile(
      ['generate', join(out, 'model.tensile'), '--prompt', 'Fellow-Citizens', '--length', '40', '--top-k', '5', '--seed', '3'],
      work,
    );
    ok(g);
    expect(g.stdout).toMatch(/^Fellow-Citizens[\s\S]{40}\n$/);
    const again = tensile(
      ['generate', join(out, 'model.tensile'), '--prompt', 'Fellow-Citizens', '--length', '40', '--top-k', '5', '--seed', '3'],
      work,
    );
    expect(again.stdout).toBe(g.stdout); // seeded
    const bad = tensile(['generate', join(out, 'model.tensile'), '--prompt', 'naïve ☃'], work);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--prompt: "☃" \(U\+2603\) is not in the vocabulary/);
  });
});

describe('configs/mnist-resnet.yaml and mnist-unet.yaml', () => {
  it('the ResNet trains; predict --save gives the input and logits the PyTorch cross-check reproduces', SLOW, () => {
    const out = join(work, 'resnet');
    ok(tensile(['train', join(configs, 'mnist-resnet.yaml'), '--limit', '128', '--test-limit', '32', '--epochs', '1', '--out', out], work));
    const io = join(work, 'resnet-io.safetensors');
    ok(tensile(['predict', join(out, 'model.tensile'), '--samples', '3', '--save', io], work));
    const r = spawnSync('/usr/bin/python3', [join(scripts, 'crosscheck_resnet.py'), join(out, 'model.tensile'), io], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ResNet: OK: largest difference/);
  });

  it('the U-Net reports PSNR before and after denoising', SLOW, () => {
    const out = join(work, 'unet');
    const r = tensile(
      ['train', join(configs, 'mnist-unet.yaml'), '--limit', '64', '--test-limit', '16', '--epochs', '1', '--out', out],
      work,
    );
    ok(r);
    expect(r.stdout).toMatch(/PSNR: \d+\.\d\d dB noisy input → \d+\.\d\d dB denoised/);
    const e = tensile(['eval', join(out, 'model.tensile'), '--limit', '16'], work);
    ok(e);
    expect(e.stdout).toMatch(/PSNR: .* dB noisy input/);
  });
});
