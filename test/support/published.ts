/**
 * The published packages as a consumer sees them: their built dist/ under
 * node_modules/@tensile/* of a project outside the workspace (symlinks to the
 * workspace's package folders). Tests of packaging run against this, not the
 * sources the vitest aliases point at, so they need `pnpm build` first (the
 * README's test command builds before it tests).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PublishedPackage {
  /** The folder under packages/: `core`, `backend-cpu`… */
  dir: string;
  /** The npm name: `@tensile/core`… */
  name: string;
  path: string;
}

/** Every non-private package under packages/ (the libraries users install). */
export function publishedPackages(): PublishedPackage[] {
  return readdirSync(join(ROOT, 'packages'))
    .filter((dir) => existsSync(join(ROOT, 'packages', dir, 'package.json')))
    .map((dir) => {
      const path = join(ROOT, 'packages', dir);
      const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { name: string; private?: boolean };
      return { dir, name: manifest.name, path, private: manifest.private === true };
    })
    .filter((p) => !p.private)
    .map(({ dir, name, path }) => ({ dir, name, path }));
}

/** Throws, naming the command to run, when a package has no build. */
export function requireBuilt(packages: PublishedPackage[]): void {
  const missing = packages.filter((p) => !existsSync(join(p.path, 'dist', 'index.js')));
  if (missing.length > 0) {
    throw new Error(`not built: ${missing.map((p) => p.name).join(', ')} (run \`pnpm build\` first)`);
  }
}

/**
 * A fresh project folder in the OS temp dir whose node_modules links every
 * published package (plus the extra node_modules entries named, from the
 * workspace root). Call `remove()` when done.
 */
export function consumerProject(extra: string[] = []): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tensile-consumer-'));
  mkdirSync(join(dir, 'node_modules', '@tensile'), { recursive: true });
  for (const p of publishedPackages()) symlinkSync(p.path, join(dir, 'node_modules', p.name), 'dir');
  for (const name of extra) {
    mkdirSync(join(dir, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
