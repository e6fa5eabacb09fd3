import { StorageError, type Storage } from './storage.js';

export interface IndexedDbStorageOptions {
  /** The object store holding the files (default 'files'). */
  storeName?: string;
  /** The IndexedDB factory (default `globalThis.indexedDB`); inject one for workers or tests. */
  indexedDB?: IndexedDbFactoryLike;
}

/**
 * An `IDBFactory` (`globalThis.indexedDB`, or fake-indexeddb's), typed by the
 * member this storage calls so that io's types need no DOM lib in Node projects.
 */
export interface IndexedDbFactoryLike {
  open(name: string, version?: number): object;
}

/** Compile-time check: the real IDBFactory fits the option. */
type Fits<T extends IndexedDbFactoryLike> = T;
// biome-ignore lint/correctness/noUnusedVariables: a compile-time check; it only has to typecheck
type FitsOption = Fits<IDBFactory>;

/**
 * A browser's IndexedDB as a {@link Storage}: each file is one record keyed
 * by its path, holding its bytes. A write is one readwrite transaction and
 * resolves only once it has committed, so it is atomic: after a crash or a
 * closed tab the record holds the old bytes or the new ones.
 *
 * @example
 * const storage = indexedDbStorage('my-app');
 * await saveModel(model, { storage, path: 'models/mnist.tensile' });
 */
export function indexedDbStorage(dbName = 'tensile', options: IndexedDbStorageOptions = {}): Required<Storage> {
  const storeName = options.storeName ?? 'files';
  const label = `indexedDbStorage(${JSON.stringify(dbName)})`;
  let opened: Promise<IDBDatabase> | undefined;

  const database = (): Promise<IDBDatabase> => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const factory = (options.indexedDB as IDBFactory | undefined) ?? globalThis.indexedDB;
      if (factory === undefined) {
        reject(new StorageError(label, 'open', dbName, 'IndexedDB is not available in this environment'));
        return;
      }
      const request = factory.open(dbName, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(storeName)) request.result.createObjectStore(storeName);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new StorageError(label, 'open', dbName, String(request.error)));
      request.onblocked = () => reject(new StorageError(label, 'open', dbName, 'blocked by another open connection (another tab?)'));
    });
    opened.catch(() => (opened = undefined)); // let a later call retry
    return opened;
  };

  /** Runs one request in its own transaction; resolves with its result once the transaction commits. */
  const run = async <T>(
    mode: IDBTransactionMode,
    operation: string,
    path: string,
    makeRequest: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> => {
    const db = await database();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const request = makeRequest(tx.objectStore(storeName));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(new StorageError(label, operation, path, String(tx.error ?? request.error)));
      tx.onabort = () => reject(new StorageError(label, operation, path, `aborted: ${String(tx.error)}`));
    });
  };

  return {
    async read(path) {
      const value = await run('readonly', 'read', path, (store) => store.get(path));
      if (value === undefined) throw new StorageError(label, 'read', path, 'no such file');
      return value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer);
    },
    async write(path, bytes) {
      // Store an exact copy: the caller's array may be a view into a larger buffer.
      await run('readwrite', 'write', path, (store) => store.put(bytes.slice(), path));
    },
    async exists(path) {
      return (await run('readonly', 'check', path, (store) => store.count(path))) > 0;
    },
    async list(dir = '') {
      const keys = await run('readonly', 'list', dir, (store) => store.getAllKeys());
      const prefix = dir === '' || dir.endsWith('/') ? dir : `${dir}/`;
      return keys.filter((k): k is string => typeof k === 'string' && k.startsWith(prefix) && !k.slice(prefix.length).includes('/')).sort();
    },
    async remove(path) {
      await run('readwrite', 'remove', path, (store) => store.delete(path));
    },
  };
}
