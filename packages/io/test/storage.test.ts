import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, describe, expect, it } from 'vitest';
import { browserDownload, indexedDbStorage, nodeStorage, readUploadedFile, resolveTarget, StorageError, type Storage } from '@tensile/io';

const dir = mkdtempSync(join(tmpdir(), 'tensile-io-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const backends: [string, () => Required<Storage>][] = [
  ['nodeStorage', () => nodeStorage({ root: mkdtempSync(join(dir, 'node-')) })],
  ['indexedDbStorage', () => indexedDbStorage('test', { indexedDB: new IDBFactory() })],
];

describe.each(backends)('%s', (name, make) => {
  it('writes, reads, replaces, lists and removes files', async () => {
    const storage = make();
    expect(await storage.exists('models/a.safetensors')).toBe(false);
    const big = new Uint8Array(1 << 16).map((_, i) => i * 7);
    await storage.write('models/a.safetensors', big.subarray(3, 1003)); // a view into a larger buffer
    await storage.write('models/b.safetensors', new Uint8Array([1]));
    await storage.write('top.bin', new Uint8Array([2]));
    expect(await storage.exists('models/a.safetensors')).toBe(true);
    expect(await storage.read('models/a.safetensors')).toEqual(big.slice(3, 1003));

    await storage.write('models/a.safetensors', new Uint8Array([9, 8]));
    expect(await storage.read('models/a.safetensors')).toEqual(new Uint8Array([9, 8]));

    expect(await storage.list('models')).toEqual(['models/a.safetensors', 'models/b.safetensors']);
    expect(await storage.list()).toEqual(['top.bin']);
    expect(await storage.list('nothing-here')).toEqual([]);

    await storage.remove('models/a.safetensors');
    await storage.remove('models/a.safetensors'); // removing twice is fine
    expect(await storage.exists('models/a.safetensors')).toBe(false);
    expect(await storage.list('models')).toEqual(['models/b.safetensors']);
  });

  it('names the storage and path when a file is missing', async () => {
    const storage = make();
    const error = await storage.read('missing.safetensors').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(new RegExp(`^${name}.*: cannot read "missing\\.safetensors": no such file$`));
  });
});

describe('indexedDbStorage', () => {
  it('keeps files across connections to the same database', async () => {
    const factory = new IDBFactory();
    await indexedDbStorage('persist', { indexedDB: factory }).write('x', new Uint8Array([5, 6]));
    expect(await indexedDbStorage('persist', { indexedDB: factory }).read('x')).toEqual(new Uint8Array([5, 6]));
    expect(await indexedDbStorage('other', { indexedDB: factory }).exists('x')).toBe(false);
  });

  it('says so when IndexedDB is missing', async () => {
    await expect(indexedDbStorage('db').read('x')).rejects.toThrow(
      'indexedDbStorage("db"): cannot open "db": IndexedDB is not available in this environment',
    );
  });
});

describe('browser files', () => {
  it('browserDownload clicks a download link holding the bytes', async () => {
    const clicked: { href: string; download: string; blob?: Blob }[] = [];
    const blobs = new Map<string, Blob>();
    const createObjectURL = URL.createObjectURL;
    URL.createObjectURL = (blob: Blob) => {
      const url = `blob:test/${blobs.size}`;
      blobs.set(url, blob);
      return url;
    };
    try {
      const link = {
        href: '',
        download: '',
        style: {} as Record<string, string>,
        click() {
          clicked.push({ href: this.href, download: this.download, blob: blobs.get(this.href) });
        },
        remove() {},
      };
      const fakeDocument = { createElement: () => link, body: { appendChild: () => link } } as unknown as Document;
      browserDownload(new Uint8Array([1, 2, 3]), 'model.safetensors', { document: fakeDocument });
    } finally {
      URL.createObjectURL = createObjectURL;
    }
    expect(clicked).toHaveLength(1);
    expect(clicked[0].download).toBe('model.safetensors');
    expect(new Uint8Array(await clicked[0].blob!.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('browserDownload outside a browser says why', () => {
    expect(() => browserDownload(new Uint8Array(1), 'm.safetensors')).toThrow(/no document.*not in a browser/);
  });

  it('readUploadedFile reads a File', async () => {
    const file = new File([new Uint8Array([4, 5, 6])], 'upload.safetensors');
    expect(await readUploadedFile(file)).toEqual(new Uint8Array([4, 5, 6]));
    await expect(readUploadedFile('nope' as unknown as Blob)).rejects.toThrow(/expected a File or Blob/);
  });
});

describe('resolveTarget', () => {
  it('maps a plain path to the file system and passes { storage, path } through', async () => {
    const path = join(dir, 'plain.bin');
    const { storage } = await resolveTarget(path);
    await storage.write(path, new Uint8Array([7]));
    expect(await nodeStorage().read(path)).toEqual(new Uint8Array([7]));
    const custom = indexedDbStorage('t', { indexedDB: new IDBFactory() });
    expect((await resolveTarget({ storage: custom, path: 'p' })).storage).toBe(custom);
    await expect(resolveTarget({} as never)).rejects.toThrow(/expected a file path or \{ storage, path \}/);
  });
});
