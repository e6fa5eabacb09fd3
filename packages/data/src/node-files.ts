/**
 * File access for Node. The node: modules are imported through a variable
 * specifier, so browser bundlers (esbuild, webpack, vite) neither try to
 * resolve them (esbuild and webpack fail on `node:` imports for the browser)
 * nor ship them: only reading a data file loads them.
 */

function importNode<T>(specifier: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}

/** The directory of an installed package, resolved from `fromUrl` (an import.meta.url). */
export async function resolvePackageDir(name: string, fromUrl: string): Promise<string> {
  const [{ createRequire }, path] = await Promise.all([
    importNode<typeof import('node:module')>('node:module'),
    importNode<typeof import('node:path')>('node:path'),
  ]);
  let manifest: string;
  try {
    manifest = createRequire(fromUrl).resolve(`${name}/package.json`);
  } catch (err) {
    throw new Error(`cannot find the '${name}' package (install it, or pass the files' directory as 'dir'): ${(err as Error).message}`);
  }
  return path.dirname(manifest);
}

/**
 * Reads a file's bytes; when `path` is missing but `path.gz` exists, reads and
 * gunzips that (data sets are often distributed gzipped).
 */
export async function readDataFile(
  path: string,
  readFile?: (path: string) => Promise<Uint8Array>,
): Promise<{ bytes: Uint8Array; path: string }> {
  if (readFile) return { bytes: await readFile(path), path };
  const fs = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
  try {
    const buf = await fs.readFile(path);
    return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    let gz: Uint8Array;
    try {
      gz = await fs.readFile(`${path}.gz`);
    } catch {
      throw new Error(`cannot read ${path} (nor ${path}.gz): no such file`);
    }
    const { gunzipSync } = await importNode<typeof import('node:zlib')>('node:zlib');
    return { bytes: new Uint8Array(gunzipSync(gz)), path: `${path}.gz` };
  }
}
