export * from './safetensors/index.js';
export * from './storage/index.js';
export { loadSafetensors, saveSafetensors, type SaveSafetensorsOptions } from './tensors.js';
export { encodeCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export type { CheckpointContents, LoadCheckpointOptions, LoadedCheckpoint, Stateful } from './checkpoint.js';
export type { HasStateDict } from './state-dict.js';
export type { StateJson } from './state-tree.js';
