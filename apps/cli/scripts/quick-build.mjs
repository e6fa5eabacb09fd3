/**
 * The quick build behind `pnpm train` / `pnpm tensile` in a checkout: one
 * esbuild bundle of the CLI with the @tensile/* packages taken from their
 * sources, in a second or two. The full build (`pnpm build`: every package's
 * JavaScript and type declarations through turbo and tsup) took 4–5 minutes
 * on a busy 2-core machine before the first training step; this needs none
 * of it. npm dependencies stay external, resolved from node_modules as usual.
 * It writes .quick/cli.js (git-ignored, never packed), which bin/tensile.js
 * runs under the root scripts, or where there is no real build (dist/cli.js).
 *
 * Bundling moves code out of its file, so `import.meta.url` (used to find
 * MNIST's files, the wasm modules and the CLI's configs) is replaced in each
 * module by that module's own source URL.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = join(cli, '..', '..', 'packages');

const fromSources = {
  name: 'tensile-sources',
  setup(b) {
    b.onResolve({ filter: /^@tensile\/[^/]+$/ }, (args) => {
      const entry = join(packages, args.path.slice('@tensile/'.length), 'src', 'index.ts');
      return existsSync(entry) ? { path: entry } : undefined;
    });
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

const started = performance.now();
const { outputFiles } = await build({
  entryPoints: [join(cli, 'src', 'cli.ts')],
  outfile: join(cli, '.quick', 'cli.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [fromSources],
  write: false,
});
// Each file replaced in one step (a temporary file, then a rename): a tensile process starting meanwhile never reads half a file.
for (const file of outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  const temporary = `${file.path}.tmp-${process.pid}`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}
if (process.env.TENSILE_QUICK_BUILD_VERBOSE) console.error(`quick build: ${((performance.now() - started) / 1000).toFixed(1)} s`);
