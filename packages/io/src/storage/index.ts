export { StorageError, resolveTarget, type Storage, type StorageTarget } from './storage.js';
export { nodeStorage, type NodeStorageOptions } from './node-storage.js';
export { indexedDbStorage, type IndexedDbStorageOptions, type IndexedDbFactoryLike } from './indexeddb-storage.js';
export { browserDownload, readUploadedFile, type BrowserDownloadOptions, type DocumentLike } from './browser-file.js';
