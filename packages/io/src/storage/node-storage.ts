import { StorageError, type Storage } from './storage.js';

export interface NodeStorageOptions {
  /** Relative paths resolve against this directory (default: the current directory). */
  root?: string;
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
  const modules = (async () => {
    const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
    return { fs, path };
  })();
  const resolve = async (p: string) => {
    const { path } = await modules;
    return path.resolve(options.root ?? '.', p);
  };
  const fail = (operation: string, p: string, err: unknown): never => {
    const code = (err as NodeJS.ErrnoException)?.code;
    const problem = code === 'ENOENT' ? 'no such file' : ((err as Error)?.message ?? String(err));
    throw new StorageError('nodeStorage', operation, p, problem, { cause: err });
  };

  return {
    async read(p) {
      const { fs } = await modules;
      try {
        const buf = await fs.readFile(await resolve(p));
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (err) {
        return fail('read', p, err);
      }
    },

    async write(p, bytes) {
      const { fs, path } = await modules;
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
    },

    async exists(p) {
      const { fs } = await modules;
      try {
        await fs.access(await resolve(p));
        return true;
      } catch {
        return false;
      }
    },

    async list(dir = '') {
      const { fs, path } = await modules;
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
      const { fs } = await modules;
      try {
        await fs.rm(await resolve(p), { force: true });
      } catch (err) {
        fail('remove', p, err);
      }
    },
  };
}

/** fsync a directory so a rename in it is durable. Windows cannot open directories; there the rename suffices. */
async function syncDirectory(fs: typeof import('node:fs/promises'), dir: string): Promise<void> {
  let handle;
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
