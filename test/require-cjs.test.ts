/**
 * CommonJS consumers: every package loads with require() (Node >= 20.19
 * requires ES modules; the exports maps carry a "default" condition for it)
 * and gets the very module instance import() gets, so a project that mixes
 * require and import still has one copy of each package.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, publishedPackages, requireBuilt } from './support/published.js';

const packages = publishedPackages();

describe('require() from a CommonJS file', () => {
  let project: ReturnType<typeof consumerProject>;
  let results: Record<string, { keys: string[]; same: boolean } | { error: string }>;

  beforeAll(() => {
    requireBuilt(packages);
    project = consumerProject();
    const script = `'use strict';
const out = {};
(async () => {
  for (const name of ${JSON.stringify(packages.map((p) => p.name))}) {
    try {
      const required = require(name);
      const imported = await import(name);
      out[name] = { keys: Object.keys(required).sort(), same: required === imported };
    } catch (err) {
      out[name] = { error: String(err && err.code) + ': ' + String(err && err.message).split('\\n')[0] };
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
`;
    writeFileSync(join(project.dir, 'check.cjs'), script);
    results = JSON.parse(execFileSync(process.execPath, ['check.cjs'], { cwd: project.dir, encoding: 'utf8' }));
  });
  afterAll(() => project?.remove());

  it.each(packages.map((p) => p.name))('%s', (name) => {
    const result = results[name]!;
    expect(result).not.toHaveProperty('error');
    expect((result as { keys: string[] }).keys.length).toBeGreaterThan(0);
    expect((result as { same: boolean }).same).toBe(true);
  });
});
