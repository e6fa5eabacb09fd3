/**
 * TypeScript consumers: a strict project that imports every package type-checks
 * against the published .d.ts (lib checking on) with nothing but its own
 * platform's lib — Node-only (lib es2022, types node, nodenext) and
 * browser-only (lib es2022 + dom, no @types, bundler resolution). No package
 * may make its users add the DOM lib, esnext.disposable or @webgpu/types.
 * The consumer's code is test/fixtures/consumer/ (common.ts for both).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, consumerProject, publishedPackages, requireBuilt } from './support/published.js';

const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
const strict = { strict: true, noEmit: true, skipLibCheck: false, skipDefaultLibCheck: true, target: 'es2022' };

const configs = {
  'Node-only': {
    compilerOptions: { ...strict, module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: ['node'] },
    files: ['common.ts', 'node.ts'],
  },
  'browser-only': {
    compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: [] },
    files: ['common.ts', 'browser.ts'],
  },
};

/** Runs tsc on one config; resolves with its diagnostics (tsc exits 0 exactly when there are none). */
function typecheck(dir: string, name: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsc, '-p', `tsconfig.${name}.json`, '--pretty', 'false'],
      { cwd: dir, encoding: 'utf8' },
      (error, stdout, stderr) => {
        // The diagnostics name the package's .d.ts and the missing lib or type.
        const output = (stdout + stderr).replaceAll(ROOT, '<repo>/');
        resolve(error && output === '' ? String(error) : output);
      },
    );
  });
}

describe('a strict TypeScript consumer type-checks against the published types', () => {
  let project: ReturnType<typeof consumerProject>;
  const diagnostics: Record<string, Promise<string>> = {};

  beforeAll(() => {
    requireBuilt(publishedPackages());
    project = consumerProject(['@types/node']);
    const fixtures = join(ROOT, 'test', 'fixtures', 'consumer');
    for (const file of readdirSync(fixtures)) copyFileSync(join(fixtures, file), join(project.dir, file));
    writeFileSync(join(project.dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    for (const [name, config] of Object.entries(configs)) {
      writeFileSync(join(project.dir, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
      diagnostics[name] = typecheck(project.dir, name); // both configs check at once
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(diagnostics));
    project?.remove();
  });

  it.each(Object.keys(configs))('%s', async (name) => {
    expect(await diagnostics[name]).toBe('');
  });
});
