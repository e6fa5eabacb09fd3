export * from './safetensors/index.js';
export * from './storage/index.js';
export { loadSafetensors, saveSafetensors, type SaveSafetensorsOptions } from './tensors.js';
