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
        { cwd: appDir, timeout: 60_000 },
      );
      for (const heading of ['sgemm n=256 (GFLOP/s)', 'mlp batch 128 (samples/s)', 'lenet batch 64 (samples/s)']) {
        expect(stdout).toContain(heading);
      }
      // Each case prints at least one figure for tensile cpu (the core-ops step; layers+optim beside it).
      const figures = [...stdout.matchAll(/^ {2}(tensile cpu[^\n]*?)\s+([\d,]+(?:\.\d+)?)\s/gm)];
      expect(figures.length).toBeGreaterThanOrEqual(3);
      for (const f of figures) expect(Number(f[2]!.replace(/,/g, ''))).toBeGreaterThan(0);
      const out = JSON.parse(readFileSync(json, 'utf8')) as { rows: { case: string; group: string; value: number | null; how: string }[] };
      expect(new Set(out.rows.map((r) => r.group))).toEqual(new Set(['ours']));
      for (const c of ['sgemm', 'mlp', 'lenet']) {
        expect(out.rows.some((r) => r.case === c && r.value !== null && r.value > 0)).toBe(true);
      }
      // A row without a figure says why.
      for (const r of out.rows) if (r.value === null) expect(r.how).toMatch(/^(not run|failed): \S/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
