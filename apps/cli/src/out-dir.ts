import { constants } from 'node:fs';
import { access, mkdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './config.js';
import { runFiles } from './run-files.js';

/** The nearest part of `path` that exists (itself, a parent, …, the root). */
async function existingAncestor(path: string): Promise<string> {
  for (let p = path; ; p = dirname(p)) {
    try {
      await stat(p);
      return p;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      if (dirname(p) === p) return p;
    }
  }
}

function reason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EROFS':
      return 'the file system is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of the path is a file, not a folder';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return err.message;
  }
}

/**
 * Checks, before any work, that training can write into `out`: creates it
 * and writes (then removes) a probe file. Every failure is one line naming
 * the option (`--out`, or `out` in the config) and the reason.
 */
export async function checkOutDir(out: string, option: string): Promise<void> {
  const where = `${option} ${out}`;
  const full = resolve(out);
  const real = await realpath(await existingAncestor(full)).catch(() => full);
  // Kernel file systems accept some writes and hang or fail oddly on others: refuse them by name.
  const virtual = ['/proc', '/sys', '/dev'].find((v) => real === v || real.startsWith(`${v}/`));
  if (virtual) throw new ConfigError(`${where}: ${virtual} is not a place for files (a kernel file system); choose a folder on disk`);
  const info = await stat(full).catch(() => null);
  if (info && !info.isDirectory()) throw new ConfigError(`${where}: is a file, not a folder`);
  try {
    await mkdir(full, { recursive: true });
    await access(full, constants.W_OK);
    const probe = join(full, `.tensile-write-check-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (err) {
    throw new ConfigError(`${where}: cannot write there: ${reason(await realCause(full, err as NodeJS.ErrnoException))}`);
  }
}

/**
 * A recursive mkdir reports ENOENT on a read-only mount (Node walks up and
 * gives the first error it met); creating one folder where the path exists
 * tells the real cause (EROFS, EACCES…).
 */
async function realCause(full: string, err: NodeJS.ErrnoException): Promise<NodeJS.ErrnoException> {
  if (err.code !== 'ENOENT') return err;
  const probe = join(await existingAncestor(full), `.tensile-write-check-${process.pid}`);
  try {
    await mkdir(probe);
    await rm(probe, { recursive: true });
    return err;
  } catch (cause) {
    return cause as NodeJS.ErrnoException;
  }
}

/** The run files already in `out` (a run is there when any is). */
export async function existingRunFiles(out: string): Promise<string[]> {
  const files = Object.values(runFiles(out));
  const found = await Promise.all(
    files.map((f) =>
      stat(f).then(
        () => f,
        () => null,
      ),
    ),
  );
  return found.filter((f): f is string => f !== null);
}

/** Removes a previous run's files (--force), so no mix of two runs remains. */
export async function removeRunFiles(out: string): Promise<void> {
  for (const f of await existingRunFiles(out)) await rm(f, { force: true });
}
