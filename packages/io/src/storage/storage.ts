import { ArgumentError, TensileError } from '@tensile/core';

/**
 * Where model files and checkpoints go. One interface for Node's file system
 * ({@link nodeStorage}), browsers' IndexedDB ({@link indexedDbStorage}) and
 * anything a user brings (S3, OPFS, an in-memory map in tests).
 *
 * Contract: `write` replaces the whole file atomically: a reader, or the
 * next process after a crash, sees either the previous bytes or the new ones,
 * never a mix. `read` of a missing path rejects with a {@link StorageError}.
 */
export interface Storage {
  read(path: string): Promise<Uint8Array>;
  write(path: string, bytes: Uint8Array): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** The paths of the files directly inside `dir` ('' for the top level), sorted. */
  list?(dir?: string): Promise<string[]>;
  /** Deletes a file; removing a missing one is not an error. */
  remove?(path: string): Promise<void>;
}

/** A path in a given storage, or a plain path meaning the Node file system. */
export type StorageTarget = string | { storage: Storage; path: string };

/** A storage operation failed; names the storage, the operation and the path. */
export class StorageError extends TensileError {
  readonly path: string;
  constructor(storage: string, operation: string, path: string, problem: string, options?: { cause?: unknown }) {
    super(`${storage}: cannot ${operation} ${JSON.stringify(path)}: ${problem}`);
    this.path = path;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** Resolves a target to a storage and path; plain strings use {@link nodeStorage}, loaded only when needed. */
export async function resolveTarget(target: StorageTarget): Promise<{ storage: Storage; path: string }> {
  if (typeof target === 'string') {
    const { nodeStorage } = await import('./node-storage.js');
    return { storage: nodeStorage(), path: target };
  }
  if (target === null || typeof target !== 'object' || typeof target.storage?.read !== 'function') {
    throw new ArgumentError('expected a file path or { storage, path }');
  }
  return target;
}
