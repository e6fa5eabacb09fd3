/**
 * A bundle that imports only Linear must not carry the other layers. The
 * published package is one file, so "sideEffects": false cannot drop the
 * registry table that names every layer: its calls must be marked pure.
 * Built as the package is (tsup, one ESM file), then bundled minified the
 * way an app would, from that file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const layersRoot = fileURLToPath(new URL('..', import.meta.url));
const tsup = fileURLToPath(new URL('../../../node_modules/.bin/tsup', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tensile-tree-shaking-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bundle(cwd: string, entry: string, outDir: string, minify: boolean): string {
  const args = [entry, '--format', 'esm', '--no-config', '--target', 'es2022', '--external', '@tensile/core', '--out-dir', outDir];
  execFileSync(tsup, minify ? [...args, '--minify'] : args, { cwd, stdio: 'pipe' });
  return readFileSync(join(outDir, entry.replace(/^.*\//, '').replace(/\.[tj]s$/, '.js')), 'utf8');
}

it('bundling only Linear drops the other layers', () => {
  bundle(layersRoot, 'src/index.ts', join(dir, 'layers'), false);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'only-linear.js'), "import { Linear } from './layers/index.js';\nexport const layer = () => new Linear(2, 3);\n");
  writeFileSync(join(dir, 'everything.js'), "import * as layers from './layers/index.js';\nexport const all = () => layers;\n");
  const onlyLinear = bundle(dir, 'only-linear.js', join(dir, 'out'), true);
  const everything = bundle(dir, 'everything.js', join(dir, 'out'), true);

  // typeName strings survive minification; class names do not.
  expect(onlyLinear).toContain('"Linear"');
  for (const dropped of ['"Conv2d"', '"LSTM"', '"GRU"', '"MultiheadAttention"', '"BatchNorm2d"', '"Sequential"']) {
    expect(onlyLinear).not.toContain(dropped);
    expect(everything).toContain(dropped);
  }
  // Before the fix Linear alone was 25 KB of 27.5 KB (90%); now about a quarter.
  expect(onlyLinear.length).toBeLessThan(everything.length * 0.4);
}, 60_000);
