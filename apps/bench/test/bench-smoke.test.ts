import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const appDir = fileURLToPath(new URL('..', import.meta.url));

// Runs the bench as `pnpm bench` does (tsx on src/main.ts), on our cpu backend only.
describe('bench --quick on tensile cpu', () => {
  it('prints a table with a figure for every case and writes the same rows as JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensile-bench-'));
    try {
      const json = join(dir, 'out.json');
      const { stdout } = await run(
        join(appDir, 'node_modules/.bin/tsx'),
        ['--tsconfig', 'tsconfig.json', 'src/main.ts', '--quick', '--backends', 'cpu', '--peers', 'none', '--json', json],
        { cwd: appDir, timeout: 20_000 },
      );
      for (const heading of ['sgemm n=256 (GFLOP/s)', 'mlp batch 128 (samples/s)', 'lenet batch 64 (samples/s)']) {
        expect(stdout).toContain(heading);
      }
      const figures = [...stdout.matchAll(/^ {2}tensile cpu\S*[^\n]*?\s([\d,]+(?:\.\d+)?)\s/gm)].map((m) => Number(m[1]!.replace(/,/g, '')));
      expect(figures).toHaveLength(3);
      for (const f of figures) expect(f).toBeGreaterThan(0);
      const out = JSON.parse(readFileSync(json, 'utf8')) as { rows: { group: string; value: number | null }[] };
      expect(out.rows.map((r) => r.group)).toEqual(['ours', 'ours', 'ours']);
      for (const r of out.rows) expect(r.value).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
