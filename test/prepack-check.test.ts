/**
 * `npm pack` / `npm publish` would ship pnpm's `workspace:` ranges unchanged,
 * and nobody could install the result: every package's prepack refuses them
 * unless pnpm (which rewrites them) is packing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, publishedPackages } from './support/published.js';

const script = join(ROOT, 'scripts', 'prepack-check.mjs');
const prepack = (dir: string, agent: string) =>
  spawnSync(process.execPath, [script], {
    cwd: join(ROOT, 'packages', dir),
    encoding: 'utf8',
    env: { ...process.env, npm_config_user_agent: agent },
  });

describe('prepack refuses to pack workspace: ranges with npm', () => {
  it('npm packing a package with workspace ranges fails, naming them and the fix', () => {
    const run = prepack('layers', 'npm/10.8.2 node/v20.19.0 linux x64 workspaces/false');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('@tensile/layers: cannot pack with npm/10.8.2');
    expect(run.stderr).toContain('dependencies.@tensile/core: "workspace:^"');
    expect(run.stderr).toContain('pnpm publish');
  });

  it('pnpm, which rewrites the ranges, may pack it', () => {
    expect(prepack('layers', 'pnpm/10.34.9 npm/? node/v20.19.0 linux x64').status).toBe(0);
  });

  it('a package without workspace ranges packs with npm too', () => {
    expect(prepack('core', 'npm/10.8.2 node/v20.19.0 linux x64 workspaces/false').status).toBe(0);
  });

  it('every published manifest runs the check before packing', () => {
    const unguarded = publishedPackages()
      .filter((p) => {
        const manifest = JSON.parse(readFileSync(join(p.path, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
        return manifest.scripts?.prepack !== 'node ../../scripts/prepack-check.mjs';
      })
      .map((p) => p.name);
    expect(unguarded).toEqual([]);
  });
});
