export * from './safetensors/index.js';
export * from './storage/index.js';
