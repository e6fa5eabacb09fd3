import type * as t from '@tensile/core';
import {
  checkArchitecture,
  checkUserMetadata,
  CHECKPOINT_FORMAT,
  decodeTensileFile,
  encodeTensileFile,
  FORMAT_VERSION,
  MODEL_FORMAT,
  parseMetadataJson,
  type ModelArchitecture,
} from './model-format.js';
import type { SafetensorsFile } from './safetensors/decode.js';
import { castLike, checkStateDictMatches, disposeAll, type ExpectedTensor, type FileTensor, type HasStateDict } from './state-dict.js';
import { resolveTarget, type StorageTarget } from './storage/storage.js';
import { tensorsFromFile } from './tensors.js';

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
  return encodeTensileFile(
    model.stateDict(),
    { format: MODEL_FORMAT, version: FORMAT_VERSION, architecture: JSON.stringify(architecture), ...user },
    options.int64,
  );
}

export interface DecodedModel {
  architecture: ModelArchitecture;
  /** The weights by name; the caller owns them. */
  weights: Record<string, t.Tensor>;
  metadata: Record<string, string>;
}

/** A model file read and checked, its tensors not yet created. */
export interface ModelFileHeader {
  file: SafetensorsFile;
  architecture: ModelArchitecture;
  /** The model's tensors by their names in the model (a checkpoint's `model.` removed) → name in the file. */
  names: Record<string, string>;
  /** Their header entries (dtype, shape), by the names in the model. */
  entries: Record<string, FileTensor>;
}

/** Reads a model file's (or a checkpoint's) header: format, checksum, architecture and the model's tensor entries. */
export function readModelHeader(bytes: Uint8Array, fileName?: string): ModelFileHeader {
  const file = decodeTensileFile(bytes, fileName, [MODEL_FORMAT, CHECKPOINT_FORMAT]);
  const architecture = checkArchitecture(parseMetadataJson(file, 'architecture', fileName), fileName);
  // A checkpoint keeps the model's weights under "model."; the rest is training state.
  const prefix = file.metadata.format === MODEL_FORMAT ? '' : 'model.';
  const names: Record<string, string> = {};
  const entries: Record<string, FileTensor> = {};
  for (const name of file.names) {
    if (!name.startsWith(prefix)) continue;
    names[name.slice(prefix.length)] = name;
    entries[name.slice(prefix.length)] = file.tensors[name];
  }
  return { file, architecture, names, entries };
}

/** Reads a model file (or the model inside a checkpoint) without building the model. */
export function decodeModel(bytes: Uint8Array, fileName?: string): DecodedModel {
  const header = readModelHeader(bytes, fileName);
  return { architecture: header.architecture, weights: createWeights(header, fileName), metadata: header.file.metadata };
}

/** Creates the model's tensors of a read header, by their names in the model. */
function createWeights(header: ModelFileHeader, fileName: string | undefined): Record<string, t.Tensor> {
  const byFileName = tensorsFromFile(header.file, Object.values(header.names), fileName);
  return Object.fromEntries(Object.entries(header.names).map(([name, inFile]) => [name, byFileName[inFile]]));
}

/** Reads the bytes of a {@link ModelSource}, returning the name to use in errors. */
export async function readSource(source: ModelSource, fileName?: string): Promise<{ bytes: Uint8Array; fileName?: string }> {
  if (source instanceof Uint8Array) return { bytes: source, fileName };
  const { storage, path } = await resolveTarget(source);
  return { bytes: await storage.read(path), fileName: fileName ?? path };
}

/**
 * Builds a model from a read header with `build` and loads its weights.
 * Nothing is allocated before the file has been checked against what the
 * model will hold: with `shapes` (the architecture's state computed without
 * building, see specStateShapes) before building; in any case the built
 * model's state against the file's headers before a tensor of the file is
 * created. A mismatched file throws without leaving a half-loaded model or
 * stray tensors behind.
 */
export function instantiate<M extends HasStateDict>(
  header: ModelFileHeader,
  build: (architecture: ModelArchitecture) => M,
  fileName: string | undefined,
  shapes?: Record<string, ExpectedTensor> | null,
): M {
  const where = `loadModel: ${fileName ?? 'model'}`;
  if (shapes) checkStateDictMatches(shapes, header.entries, where);
  const model = build(header.architecture);
  const own = model.stateDict();
  try {
    checkStateDictMatches(own, header.entries, where);
    const cast = castLike(own, createWeights(header, fileName));
    try {
      model.loadStateDict(cast);
    } finally {
      disposeAll(cast); // loadStateDict copied what it needed
    }
  } catch (err) {
    // A Module frees non-persistent buffers too; anything else, at least its state.
    const disposable = model as unknown as { dispose?: () => void };
    if (typeof disposable.dispose === 'function') disposable.dispose();
    else disposeAll(own);
    throw err;
  }
  return model;
}
