import { defineConfig } from 'vitest/config';
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Tests import every @tensile/* package by its public name; the alias points
// those names at the sources so one copy of each package is loaded.
const root = fileURLToPath(new URL('.', import.meta.url));
const alias: Record<string, string> = {};
for (const dir of readdirSync(`${root}packages`)) {
  const entry = `${root}packages/${dir}/src/index.ts`;
  if (existsSync(entry)) alias[`@tensile/${dir}`] = entry;
}

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One file per core. Vitest's default (cores - 1) ran the files one at a time on the 2-core CI machine,
    // where many of them mostly wait on a child process, the browser or the software GPU: 1087 s serial,
    // 724 s two at a time, one run each on this machine under the same other load.
    maxWorkers: '100%',
  },
});
