import { ArgumentError } from '@tensile/core';
import { Module, moduleFromSpec, moduleToSpec, specStateShapes } from '@tensile/layers';
import type { ModelArchitecture } from './model-format.js';
import { encodeModel, instantiate, readModelHeader, readSource, type ModelSource } from './model-file.js';
import type { HasStateDict } from './state-dict.js';
import { resolveTarget, type StorageTarget } from './storage/storage.js';

export interface SaveModelOptions {
  /** Free-form strings for the file's `__metadata__` (not format/version/architecture/state). */
  metadata?: Record<string, string>;
  /** How to rebuild the model; by default `moduleToSpec(model)` for a layers Module. */
  architecture?: ModelArchitecture;
  /** Store int32 tensors as I64, as PyTorch keeps `num_batches_tracked`: `true`, or a list of names. */
  int64?: boolean | readonly string[];
}

export interface LoadModelOptions<M extends HasStateDict> {
  /**
   * Builds the model from its architecture; by default `moduleFromSpec`,
   * through the layer registry, after the architecture's declared state
   * (specStateShapes) has been checked against the file's tensors, so a
   * file claiming a huge layer is refused before it is allocated. A custom
   * build is trusted with the architecture: its model is checked against the
   * file after it is built (before any tensor of the file is created).
   */
  build?: (architecture: ModelArchitecture) => M;
  /** Named in errors when loading from bytes. */
  fileName?: string;
}

/**
 * Saves a model to one file, atomically: its weights as safetensors under
 * their PyTorch names, and in `__metadata__` its architecture (registry names
 * and configs), so {@link loadModel} rebuilds it with no code. PyTorch and
 * Hugging Face tools read the weights of this file as they are.
 *
 * @example
 * await saveModel(model, 'mnist.tensile');
 * await saveModel(model, { storage: indexedDbStorage(), path: 'mnist' });
 */
export async function saveModel(model: HasStateDict, target: StorageTarget, options: SaveModelOptions = {}): Promise<void> {
  const architecture = options.architecture ?? describeModel(model);
  const bytes = await encodeModel(model, architecture, options);
  const { storage, path } = await resolveTarget(target);
  await storage.write(path, bytes);
}

/**
 * Loads a model saved by {@link saveModel} (or the model of a checkpoint):
 * rebuilds it from its architecture and loads its weights. The file is
 * checked first (checksum; the architecture's parameter names, shapes and
 * dtypes against the file's tensor headers), so nothing is allocated beyond
 * what the file's size justifies. A truncated, corrupted or mismatched file
 * throws an error naming the file and what is wrong, and leaves nothing
 * half-loaded. Layers without declared state shapes (third-party layers
 * whose registry entry has no `stateShapes`) are built before that check.
 *
 * @example
 * const model = await loadModel('mnist.tensile');
 * const fromUpload = await loadModel(await readUploadedFile(file), { fileName: file.name });
 */
export async function loadModel<M extends HasStateDict = Module>(source: ModelSource, options: LoadModelOptions<M> = {}): Promise<M> {
  const { bytes, fileName } = await readSource(source, options.fileName);
  const header = readModelHeader(bytes, fileName);
  if (options.build) return instantiate(header, options.build, fileName);
  // The layers' declared state, from the architecture alone: a file claiming a
  // huge layer is refused before that layer is allocated.
  let shapes: ReturnType<typeof specStateShapes>;
  try {
    shapes = specStateShapes(header.architecture);
  } catch (err) {
    if (err instanceof Error) err.message = `loadModel: ${fileName ?? 'model'}: __metadata__.architecture: ${err.message}`;
    throw err;
  }
  return instantiate(header, (architecture) => moduleFromSpec(architecture) as unknown as M, fileName, shapes);
}

/** The architecture of a layers Module; anything else must say how it is rebuilt. */
export function describeModel(model: HasStateDict, op = 'saveModel'): ModelArchitecture {
  if (model instanceof Module) return moduleToSpec(model);
  throw new ArgumentError(
    `${op}: ${model?.constructor?.name ?? typeof model} is not a @tensile/layers Module, ` +
      'so its architecture is unknown: pass options.architecture',
  );
}
