/**
 * A plain Node script that trained on a backend ends by itself: no dispose(),
 * no process.exit(). On webgpu, Dawn's event polling used to keep Node alive
 * forever (and exiting with the device alive crashed in Dawn's teardown); see
 * src/runtime/node-lifetime.ts. The script runs from the built dist of each
 * package, as a user's would.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend } from './gpu.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/train-and-exit.mjs', import.meta.url));
const DISTS = ['core', 'backend-cpu', 'backend-wasm', 'backend-webgpu'].map((p) =>
  fileURLToPath(new URL(`../../${p}/dist/index.js`, import.meta.url)),
);
/** Generous: a loaded 2-core machine compiles SwiftShader pipelines slowly. A hang is what this bounds. */
const BOUND_MS: Record<string, number> = { cpu: 30_000, wasm: 30_000, webgpu: 90_000 };

function run(backend: string) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [SCRIPT, backend], {
    encoding: 'utf8',
    timeout: BOUND_MS[backend],
    killSignal: 'SIGKILL',
    env: { ...process.env },
  });
  return { ...r, ms: Date.now() - started };
}

beforeAll(() => {
  const missing = DISTS.filter((d) => !existsSync(d));
  if (missing.length) throw new Error(`missing builds: ${missing.join(', ')}; run \`pnpm build\` (or pnpm --filter <pkg> build) first`);
});

// createTestBackend selects SwiftShader through VK_ICD_FILENAMES when no driver was chosen; the child inherits it.
const gpu = await createTestBackend();
await gpu.backend?.dispose?.();

describe('a training script exits by itself', () => {
  for (const backend of ['cpu', 'wasm', 'webgpu']) {
    const skip = backend === 'webgpu' && gpu.skip ? ` (skipped: ${gpu.skip.kind}: ${gpu.skip.reason})` : '';
    it.skipIf(skip !== '')(
      `on ${backend}${skip}`,
      () => {
        const r = run(backend);
        const how = r.signal ? `was killed (${r.signal}) after ${r.ms} ms: it did not exit by itself` : `exited with ${r.status}`;
        expect(r.signal, `${backend}: ${how}\n${r.stderr}`).toBeNull();
        expect(r.status, `${backend}: ${how}\n${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^trained 5 steps on ${backend}: loss \\d`, 'm'));
      },
      BOUND_MS[backend] + 10_000,
    );
  }
});
