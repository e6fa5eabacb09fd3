import { StorageError, type Storage } from './storage.js';

export interface NodeStorageOptions {
  /** Relative paths resolve against this directory (default: the current directory). */
  root?: string;
}

interface NodeModules {
  fs: typeof import('node:fs/promises');
  path: typeof import('node:path');
}

/** Temporary files are `.<name>.<pid>.<random>.tmp` beside the target; `list` hides them. */
const TEMP_FILE = /^\..+\.\d+\.[0-9a-z]+\.tmp$/;

/**
 * The Node file system as a {@link Storage}. Every write is atomic and durable:
 * the bytes go to a temporary file in the target's directory, which is
 * fsynced, renamed over the target (atomic on POSIX and NTFS), and then the
 * directory is fsynced so the rename itself survives a power cut. A process
 * killed mid-write leaves the previous file intact (and at worst a stray
 * temporary file).
 *
 * Node's `fs` is imported lazily, so browser bundles that never call this
 * never load it.
 *
 * @example
 * const storage = nodeStorage({ root: 'checkpoints' });
 * await storage.write('epoch-3.safetensors', bytes);
 */
export function nodeStorage(options: NodeStorageOptions = {}): Required<Storage> {
  // Loaded on first use, so merely creating a nodeStorage in a browser costs nothing.
  let loaded: Promise<NodeModules> | undefined;
  const load = (): Promise<NodeModules> =>
    (loaded ??= Promise.all([
      importNode<typeof import('node:fs/promises')>('node:fs/promises'),
      importNode<typeof import('node:path')>('node:path'),
    ]).then(([fs, path]) => ({ fs, path })));
  const resolve = async (p: string) => {
    const { path } = await load();
    return path.resolve(options.root ?? '.', p);
  };
  const fail = (operation: string, p: string, err: unknown): never => {
    const code = (err as NodeJS.ErrnoException)?.code;
    const problem = code === 'ENOENT' ? 'no such file' : ((err as Error)?.message ?? String(err));
    throw new StorageError('nodeStorage', operation, p, problem, { cause: err });
  };

  return {
    async read(p) {
      const { fs } = await load();
      try {
        const buf = await fs.readFile(await resolve(p));
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (err) {
        return fail('read', p, err);
      }
    },

    async write(p, bytes) {
      const { fs, path } = await load();
      const target = await resolve(p);
      const dir = path.dirname(target);
      const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
      try {
        await fs.mkdir(dir, { recursive: true });
        const file = await fs.open(temp, 'wx');
        try {
          await file.writeFile(bytes);
          await file.sync();
        } finally {
          await file.close();
        }
        await fs.rename(temp, target);
      } catch (err) {
        await fs.rm(temp, { force: true }).catch(() => {});
        fail('write', p, err);
      }
      await syncDirectory(fs, dir);
      await removeOrphanedTemps(fs, dir, path.basename(target));
    },

    async exists(p) {
      const { fs } = await load();
      try {
        await fs.access(await resolve(p));
        return true;
      } catch {
        return false;
      }
    },

    async list(dir = '') {
      const { fs, path } = await load();
      try {
        const entries = await fs.readdir(await resolve(dir), { withFileTypes: true });
        return entries
          .filter((e) => e.isFile() && !TEMP_FILE.test(e.name))
          .map((e) => (dir === '' ? e.name : path.join(dir, e.name)))
          .sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        return fail('list', dir, err);
      }
    },

    async remove(p) {
      const { fs } = await load();
      try {
        await fs.rm(await resolve(p), { force: true });
      } catch (err) {
        fail('remove', p, err);
      }
    },
  };
}

/**
 * Deletes the temporary files that writers of `base` killed mid-write left
 * behind: those named with the id of a process that no longer exists. Files
 * of live processes (another writer, right now) are left alone.
 */
async function removeOrphanedTemps(fs: NodeModules['fs'], dir: string, base: string): Promise<void> {
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !TEMP_FILE.test(name)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (pid === process.pid || isAlive(pid)) continue;
    await fs.rm(`${dir}/${name}`, { force: true }).catch(() => {});
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Imports a Node built-in at run time. The specifier is not a literal and
 * carries the ignore hints of webpack and Vite, so browser bundlers neither
 * try to resolve it (esbuild and webpack fail on `node:` imports for the
 * browser) nor ship it: only a call to nodeStorage() loads it.
 */
function importNode<T>(specifier: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}

/** fsync a directory so a rename in it is durable. Windows cannot open directories; there the rename suffices. */
async function syncDirectory(fs: typeof import('node:fs/promises'), dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw err;
  } finally {
    await handle?.close();
  }
}
