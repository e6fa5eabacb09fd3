/**
 * The messages between the page and the training worker. The worker owns
 * the backend, the model, the optimizer and the data; the page only draws.
 */

export type BackendName = 'cpu' | 'wasm' | 'webgpu';
export type ModelName = 'mlp' | 'lenet';
export type OptimizerName = 'sgd' | 'adam';

/** What the worker found out about one backend in this browser. */
export interface BackendInfo {
  name: BackendName;
  available: boolean;
  /** Why it is unavailable, or a note on how it runs (threads, adapter). */
  detail: string;
}

export interface TrainConfig {
  model: ModelName;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  /** Training stops (and can be resumed for as many more) after this many optimizer steps. */
  steps: number;
  /** Evaluate on the test subset every this many steps (and at the end). */
  evalEvery: number;
}

export type ToWorker =
  /** base: the site's root URL, where mnist/ lies. */
  | { type: 'init'; base: string }
  | { type: 'use-backend'; backend: BackendName }
  /** Brings back the model kept in IndexedDB, or makes a new one from config. */
  | { type: 'restore'; config: TrainConfig }
  | { type: 'train'; config: TrainConfig }
  | { type: 'pause' }
  | { type: 'reset'; config: TrainConfig }
  | { type: 'predict'; id: number; pixels: Float32Array }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array; fileName: string };

/** A point on the training charts: means over the steps since the last point. */
export interface TrainPoint {
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
}

export interface EvalResult {
  step: number;
  loss: number;
  accuracy: number;
  /** confusion[truth * 10 + predicted] = count over the test subset. */
  confusion: number[];
  samples: number;
}

/** First-layer weights to draw: `count` tiles of `height`×`width`. */
export interface WeightTiles {
  layer: string;
  count: number;
  height: number;
  width: number;
  /** The channel shown for conv kernels with several input channels (always 0 here). */
  data: Float32Array;
}

export interface ModelSummary {
  model: ModelName;
  parameters: number;
  step: number;
  /** Where it came from: 'new', 'indexeddb', an uploaded file name. */
  origin: string;
}

export type FromWorker =
  | { type: 'ready'; backends: BackendInfo[]; data: { train: number; test: number } }
  | { type: 'backend'; backend: BackendName; detail: string }
  | { type: 'model'; summary: ModelSummary }
  | { type: 'state'; running: boolean; step: number; target: number }
  | { type: 'train-points'; points: TrainPoint[] }
  | { type: 'eval'; result: EvalResult }
  | { type: 'weights'; tiles: WeightTiles }
  | { type: 'prediction'; id: number; probabilities: number[] }
  | { type: 'saved'; bytes: Uint8Array; fileName: string }
  | { type: 'memory'; tensors: number; bytes: number }
  | { type: 'log'; level: 'info' | 'error'; message: string };
