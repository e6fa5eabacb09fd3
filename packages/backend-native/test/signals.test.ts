import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * A process that runs oneDNN's GEMMs (through the addon itself, on 1 and 2
 * threads) while V8's profiler interrupts it with SIGPROF
 * every 50 µs. oneDNN 2.6's JIT sgemm points its stack pointer into the heap,
 * so a signal taken inside it wrote over malloc's data: this process aborted
 * ("corrupted size vs. prev_size") within a second before signals were held.
 */
const HAMMER = `
const addon = require('node-gyp-build')(${JSON.stringify(root)});
const F32 = 0;
const up = (n) => addon.upload(Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 13) / 13 - 0.5), F32);
const a = up(128 * 784), b = up(784 * 128);
let sum = 0;
for (const threads of [1, 2]) {
  addon.setThreads(threads);
  for (let i = 0; i < 1500; i++) {
    const y = addon.matmul(a, b, F32, 1, 128, 784, 128, false, i % 2 === 1, false, false);
    const z = addon.matmul(a, y, F32, 1, 784, 128, 128, true, false, false, false);
    sum += addon.read(z, F32, 1)[0];
    addon.free(y);
    addon.free(z);
  }
}
process.stdout.write(Number.isFinite(sum) ? 'ok' : 'bad');
`;

describe('native kernels under a sampling profiler', () => {
  it('oneDNN GEMMs survive SIGPROF every 50 µs (node --cpu-prof)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensile-prof-'));
    try {
      const run = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '50', '--cpu-prof-dir', dir, '-e', HAMMER], {
        cwd: root,
        encoding: 'utf8',
      });
      expect({ status: run.status, signal: run.signal, stderr: run.stderr.slice(-500), stdout: run.stdout }).toEqual({
        status: 0,
        signal: null,
        stderr: '',
        stdout: 'ok',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
