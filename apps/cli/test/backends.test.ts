import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tensile } from './run.js';

// `tensile train --backend wasm|webgpu` end to end through the built command.
const SMALL = ['--limit', '1000', '--test-limit', '500', '--epochs', '1', '--quiet'];
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** The native addon is built where the compiler and libraries were there at install (.ci/run requires it). */
const NATIVE_BUILT = existsSync(new URL('../../../packages/backend-native/build/Release/tensile_native.node', import.meta.url));

/** The validation accuracy of the last epoch. */
function accuracyOf(cwd: string, out: string): number {
  const lines = readFileSync(join(cwd, out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return lines.filter((l) => l.type === 'epoch').at(-1).val_accuracy;
}

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @tensile/cli... build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'tensile-cli-backends-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tensile train on other backends', () => {
  it('defaults to the fastest backend that starts here (native where its addon is built, else wasm) and says so', () => {
    const r = tensile(['train', '--limit', '500', '--test-limit', '100', '--epochs', '1', '--log-every', '0', '--out', 'auto'], dir);
    expect(r.code).toBe(0);
    const fastest = NATIVE_BUILT ? 'native' : 'wasm';
    expect(r.stdout).toMatch(
      new RegExp(
        `^training on ${fastest} \\(the fastest backend here; --backend to choose\\): 450 samples \\+ 50 held out for validation, 8 batches/epoch, 1 epoch, `,
        'm',
      ),
    );
  });

  it('trains with --backend wasm', () => {
    const r = tensile(['train', ...SMALL, '--backend', 'wasm', '--out', 'wasm'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(accuracyOf(dir, 'wasm')).toBeGreaterThan(0.5);
  });

  const hasSwiftShader = existsSync(SWIFTSHADER);
  it.skipIf(!hasSwiftShader)(
    `trains with --backend webgpu (software GPU: ${SWIFTSHADER})`,
    () => {
      // SwiftShader takes over a second a step whatever the batch: 11 steps (346 samples + 38 held out; the
      // default seed makes the run reproducible: 0.87 held-out accuracy, as on wasm).
      const args = ['--limit', '384', '--test-limit', '128', '--batch-size', '32', '--lr', '0.1', '--epochs', '1', '--quiet'];
      const r = tensile(['train', ...args, '--backend', 'webgpu', '--out', 'gpu'], dir, {
        ...process.env,
        VK_ICD_FILENAMES: SWIFTSHADER,
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(accuracyOf(dir, 'gpu')).toBeGreaterThan(0.4); // chance is 0.1
    },
    120_000,
  );

  it('says clearly when no WebGPU adapter is present', () => {
    const r = tensile(['train', ...SMALL, '--backend', 'webgpu', '--out', 'none'], dir, {
      ...process.env,
      VK_ICD_FILENAMES: join(dir, 'no-such-driver.json'),
    });
    expect(r.code).toBe(1);
    // Our one line only: Dawn's native Vulkan warnings (with its build machine's source paths) are filtered out.
    expect(r.stderr).toMatch(/^tensile: backend 'webgpu' could not start: webgpu: no GPU adapter is available.*VK_ICD_FILENAMES=[^\n]*\n$/);
    // TENSILE_DEBUG=1 keeps them (they are what a driver problem is debugged with).
    const debug = tensile(['train', ...SMALL, '--backend', 'webgpu', '--out', 'none'], dir, {
      ...process.env,
      VK_ICD_FILENAMES: join(dir, 'no-such-driver.json'),
      TENSILE_DEBUG: '1',
    });
    expect(debug.stderr).toMatch(/^Warning: /m);
  });
});
