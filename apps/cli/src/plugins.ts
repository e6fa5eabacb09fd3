import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './config.js';

/**
 * Imports each plugin package as the user's own code would (from the working
 * directory's node_modules, the package itself when run inside it, or a
 * relative path) and calls its exported `register()`, which puts its layers,
 * losses, datasets, backends… into core's registry. Tensile itself needs no
 * change to use them.
 */
export async function loadPlugins(names: readonly string[], cwd = process.cwd()): Promise<void> {
  for (const name of names) {
    const isPath = name.startsWith('.') || name.startsWith('/');
    const file = isPath ? resolve(cwd, name) : resolvePackage(name, cwd);
    let module: { register?: unknown; default?: { register?: unknown } };
    try {
      module = (await import(pathToFileURL(file).href)) as typeof module;
    } catch (err) {
      throw new ConfigError(`plugin '${name}': importing ${file} failed: ${(err as Error).message}`);
    }
    const register = module.register ?? module.default?.register;
    if (typeof register !== 'function') {
      throw new ConfigError(`plugin '${name}': exports no register() function (it has: ${Object.keys(module).join(', ') || 'nothing'})`);
    }
    await (register as () => unknown)();
  }
}

/**
 * The ESM entry of an installed package, found the way Node's resolver looks
 * for it (node_modules folders up from `cwd`, or the package `cwd` is in),
 * reading `exports` (import/default conditions), then `module`, then `main`.
 */
function resolvePackage(name: string, cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const root of [join(dir, 'node_modules', name), dir]) {
      const manifest = join(root, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; exports?: unknown; module?: string; main?: string };
      if (root === dir && pkg.name !== name) continue; // not the package itself
      const entry = exportEntry(pkg.exports) ?? pkg.module ?? pkg.main ?? 'index.js';
      const file = join(root, entry);
      if (!existsSync(file)) throw new ConfigError(`plugin '${name}': its entry ${file} does not exist (is the package built?)`);
      return file;
    }
    if (dirname(dir) === dir) break;
  }
  throw new ConfigError(`plugin '${name}': not found in node_modules from ${cwd} up; install it there, or give a path ('./my-plugin.js')`);
}

function exportEntry(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (typeof exports !== 'object' || exports === null) return undefined;
  const map = exports as Record<string, unknown>;
  const root = '.' in map ? map['.'] : map;
  if (typeof root === 'string') return root;
  if (typeof root !== 'object' || root === null) return undefined;
  const conditions = root as Record<string, unknown>;
  for (const key of ['import', 'node', 'default']) {
    const v = conditions[key];
    if (typeof v === 'string') return v;
    const nested = exportEntry(v && typeof v === 'object' ? { '.': v } : undefined);
    if (nested) return nested;
  }
  return undefined;
}
