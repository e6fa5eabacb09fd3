import type * as t from '@tensile/core';
import {
  checkArchitecture,
  checkUserMetadata,
  CHECKPOINT_FORMAT,
  decodeTensileFile,
  FORMAT_VERSION,
  MODEL_FORMAT,
  parseMetadataJson,
  withoutPrefix,
  type ModelArchitecture,
} from './model-format.js';
import { castLike, checkStateDictMatches, disposeAll, type HasStateDict } from './state-dict.js';
import { resolveTarget, type StorageTarget } from './storage/storage.js';
import { loadSafetensors, saveSafetensors } from './tensors.js';

/** Where a model file comes from: a path, `{ storage, path }`, or its bytes (an upload). */
export type ModelSource = StorageTarget | Uint8Array;

/**
 * The bytes of a model file: one safetensors file holding the weights by
 * their PyTorch-style names and, in `__metadata__`, `format: "tensile-model"`,
 * `version: "1"` and the architecture as JSON.
 */
export async function encodeModel(
  model: HasStateDict,
  architecture: ModelArchitecture,
  options: { metadata?: Record<string, string>; int64?: boolean | readonly string[] } = {},
): Promise<Uint8Array> {
  const user = checkUserMetadata(options.metadata, 'saveModel');
  checkArchitecture(architecture, undefined);
  return saveSafetensors(model.stateDict(), {
    metadata: { format: MODEL_FORMAT, version: FORMAT_VERSION, architecture: JSON.stringify(architecture), ...user },
    int64: options.int64,
  });
}

export interface DecodedModel {
  architecture: ModelArchitecture;
  /** The weights by name; the caller owns them. */
  weights: Record<string, t.Tensor>;
  metadata: Record<string, string>;
}

/** Reads a model file (or the model inside a checkpoint) without building the model. */
export function decodeModel(bytes: Uint8Array, fileName?: string): DecodedModel {
  const file = decodeTensileFile(bytes, fileName, [MODEL_FORMAT, CHECKPOINT_FORMAT]);
  const architecture = checkArchitecture(parseMetadataJson(file, 'architecture', fileName), fileName);
  const all = loadSafetensors(bytes, { fileName });
  if (file.metadata.format === MODEL_FORMAT) return { architecture, weights: all, metadata: file.metadata };
  // A checkpoint keeps the model's weights under "model."; the rest is training state.
  const weights = withoutPrefix(all, 'model.');
  for (const [name, x] of Object.entries(all)) if (!name.startsWith('model.')) x.dispose();
  return { architecture, weights, metadata: file.metadata };
}

/** Reads the bytes of a {@link ModelSource}, returning the name to use in errors. */
export async function readSource(source: ModelSource, fileName?: string): Promise<{ bytes: Uint8Array; fileName?: string }> {
  if (source instanceof Uint8Array) return { bytes: source, fileName };
  const { storage, path } = await resolveTarget(source);
  return { bytes: await storage.read(path), fileName: fileName ?? path };
}

/**
 * Builds a model from a decoded file with `build` and loads its weights,
 * after checking every name and shape, so a mismatched file throws without
 * leaving a half-loaded model (or stray tensors) behind.
 */
export function instantiate<M extends HasStateDict>(
  decoded: DecodedModel,
  build: (architecture: ModelArchitecture) => M,
  fileName: string | undefined,
): M {
  const where = `loadModel: ${fileName ?? 'model'}`;
  try {
    const model = build(decoded.architecture);
    const own = model.stateDict();
    try {
      checkStateDictMatches(own, decoded.weights, where);
    } catch (err) {
      disposeAll(own);
      throw err;
    }
    const cast = castLike(own, decoded.weights);
    try {
      model.loadStateDict(cast);
    } finally {
      disposeAll(cast);
    }
    return model;
  } finally {
    disposeAll(decoded.weights); // loadStateDict copied what it needed
  }
}
