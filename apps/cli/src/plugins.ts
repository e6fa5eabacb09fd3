import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './config.js';

/**
 * Imports each plugin package as the user's own code would (resolved from
 * the working directory's node_modules, or a relative path) and calls its
 * exported `register()`, which puts its layers, losses, datasets, backends…
 * into core's registry. Tensile itself needs no change to use them.
 */
export async function loadPlugins(names: readonly string[], cwd = process.cwd()): Promise<void> {
  const require = createRequire(join(cwd, 'package.json'));
  for (const name of names) {
    const isPath = name.startsWith('.') || name.startsWith('/');
    let url: string;
    try {
      url = pathToFileURL(isPath ? resolve(cwd, name) : require.resolve(name)).href;
    } catch (err) {
      throw new ConfigError(`plugin '${name}': cannot be resolved from ${cwd} (${(err as Error).message.split('\n')[0]}); install it there or give a path`);
    }
    const module = (await import(url)) as { register?: unknown; default?: { register?: unknown } };
    const register = module.register ?? module.default?.register;
    if (typeof register !== 'function') {
      throw new ConfigError(`plugin '${name}': exports no register() function (it has: ${Object.keys(module).join(', ') || 'nothing'})`);
    }
    await (register as () => unknown)();
  }
}
