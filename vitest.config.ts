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
  },
});
