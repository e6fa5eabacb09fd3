// Bundled for a real Chromium page by browser.test.ts: exposes the browser-side
// API of @tensile/io on window so the test can drive it.
// The whole package is bundled for the browser: this also proves that no Node built-in is resolved.
import { browserDownload, decodeSafetensors, encodeSafetensors, indexedDbStorage, readUploadedFile } from '../../src/index.js';

Object.assign(window, { io: { decodeSafetensors, encodeSafetensors, browserDownload, indexedDbStorage, readUploadedFile } });
