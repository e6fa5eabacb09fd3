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
  /** A software fallback (a GPU emulated on the CPU): it works, slowly. */
  software?: boolean;
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
  /** fresh: start from a new model instead of training the current one further. */
  | { type: 'train'; config: TrainConfig; fresh?: boolean }
  /** Loads the pretrained model the site ships for this kind (public/pretrained/). */
  | { type: 'pretrained'; model: ModelName }
  | { type: 'pause' }
  | { type: 'reset'; config: TrainConfig }
  | { type: 'predict'; id: number; pixels: Float32Array }
  | { type: 'save' }
  | { type: 'save-onnx' }
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
  /** Predicted digits of the first SAMPLE_COUNT test images (shown in the data card). */
  examples: number[];
}

/** Images shown in the data card: SAMPLE_COUNT of each split, 784 bytes each (0..255, white ink on black). */
export const SAMPLE_COUNT = 24;
export interface SampleImages {
  images: Uint8Array;
  labels: number[];
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
  /** Where it came from: 'new', 'IndexedDB (last session)', 'pretrained', an uploaded file name. */
  origin: string;
}

export type FromWorker =
  | { type: 'ready'; backends: BackendInfo[]; data: { train: number; test: number }; samples: { train: SampleImages; test: SampleImages } }
  | { type: 'backend'; backend: BackendName; detail: string }
  | { type: 'model'; summary: ModelSummary }
  | { type: 'state'; running: boolean; step: number; target: number }
  | { type: 'train-points'; points: TrainPoint[] }
  | { type: 'eval'; result: EvalResult }
  | { type: 'weights'; tiles: WeightTiles }
  | { type: 'prediction'; id: number; probabilities: number[] }
  | { type: 'saved'; bytes: Uint8Array; fileName: string }
  /** The model as ONNX (opset 17, dynamic batch), for ONNX Runtime. */
  | { type: 'saved-onnx'; bytes: Uint8Array; fileName: string }
  /** A model file (uploaded, or the shipped pretrained one) was loaded and checked. */
  | { type: 'loaded'; origin: string; bytes: number }
  | { type: 'memory'; tensors: number; bytes: number }
  | { type: 'log'; level: 'info' | 'error'; message: string }
  /** A command failed: the page shows it next to the control that sent it. detail: the technical cause. */
  | { type: 'failed'; command: ToWorker['type']; message: string; detail?: string };
