/**
 * Every library package bundles for the browser, as published (dist/), with
 * esbuild (platform 'browser') and with Vite: no `node:` import may be left
 * for a bundler to resolve or stub (Node-only code loads its modules through a
 * variable specifier at the moment it runs, as io's nodeStorage does).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build as esbuild } from 'esbuild';
import { build as viteBuild, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, publishedPackages, requireBuilt } from './support/published.js';

// backend-conformance is a vitest suite and backend-native a Node-API addon: both run in Node only.
const packages = publishedPackages().filter((p) => p.dir !== 'backend-conformance' && p.dir !== 'backend-native');
/** A static import of a Node built-in left in the output (`from "node:fs"`, `import "fs"`). */
const NODE_IMPORT = /\b(?:from|import)\s*["'](?:node:[\w/]+|fs|path|os|url|module|worker_threads|fs\/promises|zlib)["']/;

describe('browser bundles', () => {
  let project: ReturnType<typeof consumerProject>;
  const entry = (dir: string) => join(project.dir, `${dir}.js`);

  beforeAll(() => {
    requireBuilt(packages);
    project = consumerProject();
    // Each entry re-exports the whole package, so nothing is tree-shaken away.
    for (const p of packages) writeFileSync(entry(p.dir), `export * from '${p.name}';\n`);
  });
  afterAll(() => project?.remove());

  it.each(packages.map((p) => [p.name, p.dir]))('esbuild, platform browser: %s', async (_name, dir) => {
    const result = await esbuild({
      entryPoints: [entry(dir)],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(NODE_IMPORT);
  });

  it('vite build of every package', async () => {
    const warnings: string[] = [];
    const output = (await viteBuild({
      root: project.dir,
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        rollupOptions: {
          input: Object.fromEntries(packages.map((p) => [p.dir, entry(p.dir)])),
          preserveEntrySignatures: 'strict',
          onwarn: (warning) => warnings.push(String(warning.message)),
        },
      },
    })) as Rollup.RollupOutput | Rollup.RollupOutput[];
    const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output);
    // Vite replaces a Node built-in it cannot bundle for the browser with a stub module.
    const offending = chunks
      .filter((c): c is Rollup.OutputChunk => c.type === 'chunk')
      .filter((c) => c.code.includes('__vite-browser-external') || NODE_IMPORT.test(c.code))
      .map(
        (c) =>
          `${c.fileName} (from ${Object.keys(c.modules)
            .filter((m) => /node_modules|dist/.test(m))
            .join(', ')})`,
      );
    expect(offending).toEqual([]);
    expect(warnings.filter((w) => /externalized for browser|node:/.test(w))).toEqual([]);
    expect(
      chunks
        .filter((c) => c.type === 'chunk' && c.isEntry)
        .map((c) => c.name)
        .sort(),
    ).toEqual(packages.map((p) => p.dir).sort());
  });
});
