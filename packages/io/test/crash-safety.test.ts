import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, nodeStorage, tensorValues } from '@tensile/io';

// SIGKILL a process that saves in a loop, at random moments, and check that
// the file on disk is always a whole state: the last one the child reported
// saved, or the one it was writing. Never a mix, never undecodable.

const RUNS = 20;
const PAYLOAD = 256 * 1024; // 1 MiB of float32 per save, so kills land mid-write too

let dir: string;
let script: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tensile-io-crash-'));
  script = join(dir, 'writer.mjs');
  // Bundle the child from the sources so it runs on plain Node.
  await build({
    entryPoints: [new URL('./crash/writer.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: script,
    alias: { '@tensile/core': new URL('../../core/src/index.ts', import.meta.url).pathname },
    logLevel: 'error',
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer, kills it after `delayMs`, and resolves with the last step it reported saved. */
function runAndKill(file: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir, file, String(PAYLOAD)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // Start the clock once the child has saved once, so every kill lands inside the save loop.
    let timer: NodeJS.Timeout | undefined;
    child.stdout.once('data', () => (timer = setTimeout(() => child.kill('SIGKILL'), delayMs)));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited with ${code}: ${err}`));
      const steps = out.split('\n').filter(Boolean).map(Number);
      resolve(steps.at(-1) ?? 0);
    });
  });
}

describe('nodeStorage writes are atomic under SIGKILL', () => {
  it(`leaves the old or the new state, never a mix (${RUNS} kills)`, async () => {
    const storage = nodeStorage({ root: dir });
    const outcomes = { previous: 0, next: 0 };
    for (let run = 0; run < RUNS; run++) {
      const file = `state-${run}.safetensors`;
      const saved = await runAndKill(file, Math.random() * 60);
      const bytes = await storage.read(file);
      const state = decodeSafetensors(bytes, { fileName: file }); // must decode: never torn
      const step = tensorValues(state.tensors.step).values[0];
      const payload = tensorValues(state.tensors.payload).values;
      expect(state.metadata.step).toBe(String(step));
      expect(
        payload.every((v) => v === step),
        `payload of ${file} mixes states`,
      ).toBe(true);
      // The child may die after its rename but before reporting it.
      expect([saved, saved + 1]).toContain(step);
      outcomes[step === saved ? 'previous' : 'next']++;
    }
    // Stray temp files from killed writes are hidden from list()...
    expect((await storage.list()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const temps = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    // ...and the next write of the same file deletes those of dead writers.
    const orphaned = temps().length;
    for (let run = 0; run < RUNS; run++) {
      const file = `state-${run}.safetensors`;
      await storage.write(file, await storage.read(file));
    }
    expect(temps()).toEqual([]);
    console.log(
      `crash test: ${outcomes.previous} kills left the previous state, ${outcomes.next} the next; ` +
        `${orphaned} orphaned temporary files cleaned up`,
    );
  });

  it('a failed write leaves the previous file and no temporary file', async () => {
    const storage = nodeStorage({ root: dir });
    const first = encodeSafetensors({ a: { dtype: 'U8', shape: [1], data: new Uint8Array([1]) } });
    await storage.write('sub/keep.safetensors', first);
    // A detached buffer makes the write itself fail after the temp file is opened.
    const doomed = new Uint8Array(new ArrayBuffer(8));
    structuredClone(doomed.buffer, { transfer: [doomed.buffer] });
    await expect(storage.write('sub/keep.safetensors', doomed)).rejects.toThrow(/nodeStorage: cannot write "sub\/keep.safetensors"/);
    expect(await storage.read('sub/keep.safetensors')).toEqual(first);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['keep.safetensors']);
  });
});
