export { StorageError, resolveTarget, type Storage, type StorageTarget } from './storage.js';
export { nodeStorage, type NodeStorageOptions } from './node-storage.js';
export { indexedDbStorage, type IndexedDbStorageOptions } from './indexeddb-storage.js';
export { browserDownload, readUploadedFile, type BrowserDownloadOptions } from './browser-file.js';
