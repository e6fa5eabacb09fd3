import * as t from '@tensile/core';
import { Module, moduleToSpec } from '@tensile/layers';
import {
  checkArchitecture,
  checkUserMetadata,
  CHECKPOINT_FORMAT,
  decodeTensileFile,
  encodeTensileFile,
  FORMAT_VERSION,
  parseMetadataJson,
  withoutPrefix,
  type ModelArchitecture,
} from './model-format.js';
import { SafetensorsError } from './safetensors/errors.js';
import { flattenState, unflattenState, type StateJson } from './state-tree.js';
import { castLike, checkStateDictMatches, type HasStateDict } from './state-dict.js';
import { resolveTarget, type StorageTarget } from './storage/storage.js';
import { tensorsFromFile } from './tensors.js';

/**
 * Anything with PyTorch-style state: optimizers, LR schedulers, data loaders.
 * `stateDict()` returns plain JSON values with tensors at any leaves (Adam:
 * `{ state: { '0.expAvg': tensor }, meta: { type, groups, steps } }`) whose
 * tensors the caller owns; `loadStateDict(state)` validates it and copies
 * what it keeps (as PyTorch's load_state_dict): loadCheckpoint frees the
 * tensors it read afterwards.
 *
 * `checkStateDict(state, where)`, optional, throws (naming `where` and the
 * field) unless loadStateDict would accept `state`, and changes nothing.
 * The built-in optimizers, schedulers, DataLoader have it; with it
 * loadCheckpoint checks every part before it changes any.
 */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: never): void;
  checkStateDict?(state: unknown, where?: string): unknown;
}

/** What a checkpoint holds: enough to resume training to the same numbers. */
export interface CheckpointContents {
  model: HasStateDict;
  optimizer?: Stateful;
  scheduler?: Stateful;
  epoch?: number;
  step?: number;
  /** The generator driving dropout, shuffling and init; its state is saved and restored. */
  rng?: t.Rng;
  /** The data loader (its `stateDict()` is saved) or its order as plain JSON. */
  loader?: Stateful | StateJson;
  /** Anything else JSON-serialisable (tensors allowed): metrics so far, the config. */
  extra?: unknown;
  /** Free-form strings for the safetensors `__metadata__`. */
  metadata?: Record<string, string>;
  /**
   * Stored so loadModel() can rebuild the model from the checkpoint alone;
   * by default `moduleToSpec(model)` when the model is a layers Module.
   */
  architecture?: ModelArchitecture;
}

export interface LoadCheckpointOptions {
  /** The model to load weights into (built the same way as the one saved). */
  model: HasStateDict;
  optimizer?: Stateful;
  scheduler?: Stateful;
  rng?: t.Rng;
  /** A loader to restore; its saved state is returned either way. */
  loader?: Stateful;
  /** Named in errors when loading from bytes. */
  fileName?: string;
}

export interface LoadedCheckpoint {
  epoch: number | undefined;
  step: number | undefined;
  /** The loader state as saved (already applied when a loader was passed). */
  loader: unknown;
  /** The rng state as saved (already applied when an rng was passed). */
  rng: number[] | undefined;
  extra: unknown;
  metadata: Record<string, string>;
}

const MODEL_PREFIX = 'model.';

/**
 * Saves everything needed to resume training into one safetensors file,
 * atomically: the model's weights under `model.<name>`, optimizer and
 * scheduler tensors by their path in their state (`optimizer.state.0.exp_avg`),
 * and the rest (epoch, step, RNG and loader state, non-tensor optimizer
 * state, `extra`) as JSON in `__metadata__.state`.
 *
 * @example
 * await saveCheckpoint({ model, optimizer, scheduler, epoch, step, rng: t.defaultRng(), loader }, 'ckpt/last.safetensors');
 */
export async function saveCheckpoint(contents: CheckpointContents, target: StorageTarget): Promise<void> {
  const bytes = await encodeCheckpoint(contents);
  const { storage, path } = await resolveTarget(target);
  await storage.write(path, bytes);
}

/** The bytes {@link saveCheckpoint} writes. */
export async function encodeCheckpoint(contents: CheckpointContents): Promise<Uint8Array> {
  const metadata = checkUserMetadata(contents.metadata, 'saveCheckpoint');
  if (typeof contents.model?.stateDict !== 'function') throw new t.ArgumentError('saveCheckpoint: model must have stateDict()');
  const tensors = new Map<string, t.Tensor>();
  for (const [name, x] of Object.entries(contents.model.stateDict())) tensors.set(MODEL_PREFIX + name, x);
  const loader = contents.loader;
  const state = {
    epoch: contents.epoch ?? null,
    step: contents.step ?? null,
    rng: contents.rng ? contents.rng.getState() : null,
    loader: isStateful(loader) ? flattenState(loader.stateDict(), 'loader', tensors) : flattenState(loader ?? null, 'loader', tensors),
    optimizer: contents.optimizer ? flattenState(contents.optimizer.stateDict(), 'optimizer', tensors) : null,
    scheduler: contents.scheduler ? flattenState(contents.scheduler.stateDict(), 'scheduler', tensors) : null,
    extra: flattenState(contents.extra ?? null, 'extra', tensors),
  };
  const header: Record<string, string> = { format: CHECKPOINT_FORMAT, version: FORMAT_VERSION };
  const architecture = contents.architecture ?? (contents.model instanceof Module ? moduleToSpec(contents.model) : undefined);
  if (architecture) header.architecture = JSON.stringify(checkArchitecture(architecture, undefined));
  header.state = JSON.stringify(state);
  try {
    return await encodeTensileFile(Object.fromEntries(tensors), { ...header, ...metadata });
  } finally {
    // Optimizer and scheduler stateDict() hand out copies, ours to free; model
    // tensors and `extra` stay the caller's.
    for (const [name, x] of tensors) if (name.startsWith('optimizer.') || name.startsWith('scheduler.')) x.dispose();
  }
}

/**
 * Restores a checkpoint written by {@link saveCheckpoint} into the given
 * model, optimizer, scheduler, RNG and loader, and returns epoch, step and
 * `extra`. All or nothing: the whole file is read and checked (checksum,
 * state structure, epoch and step, the model's names, shapes and dtypes
 * against the tensor headers, then every part through its checkStateDict)
 * before anything is changed, so a truncated, corrupted, mismatched or
 * insane file throws a named error (naming the file and the field) and
 * leaves model, optimizer, scheduler, loader and rng as they were. The
 * tensors read are freed afterwards (the targets copy what they keep),
 * except loader and `extra` tensors, which are returned.
 *
 * @example
 * const { epoch, step } = await loadCheckpoint('ckpt/last.safetensors', { model, optimizer, scheduler, rng: t.defaultRng(), loader });
 */
export async function loadCheckpoint(source: StorageTarget | Uint8Array, options: LoadCheckpointOptions): Promise<LoadedCheckpoint> {
  let bytes: Uint8Array;
  let fileName = options.fileName;
  if (source instanceof Uint8Array) {
    bytes = source;
  } else {
    const { storage, path } = await resolveTarget(source);
    bytes = await storage.read(path);
    fileName ??= path;
  }
  const where = `loadCheckpoint: ${fileName ?? 'checkpoint'}`;
  const fail = (problem: string): never => {
    throw new SafetensorsError(problem, { fileName });
  };

  // 1. The file: format, version, checksum, the state's structure and plain values.
  const file = decodeTensileFile(bytes, fileName, [CHECKPOINT_FORMAT]);
  const state = checkStateJson(parseMetadataJson(file, 'state', fileName), fail);
  for (const part of ['optimizer', 'scheduler', 'rng'] as const) {
    if (options[part] && state[part] === null) fail(`has no ${part} state to restore`);
  }
  if (state.rng !== null) t.Rng.checkState(state.rng, `${where}: __metadata__.state.rng`);

  // 2. The model's weights and the state's tensor references, against the headers: nothing allocated yet.
  const own = options.model.stateDict();
  const modelNames = file.names.filter((name) => name.startsWith(MODEL_PREFIX));
  const modelEntries = Object.fromEntries(modelNames.map((name) => [name.slice(MODEL_PREFIX.length), file.tensors[name]]));
  checkStateDictMatches(own, modelEntries, where);
  const used = new Set<string>();
  for (const part of STATE_PARTS) {
    const refs = new Set<string>();
    unflattenState(state[part], file.tensors, `__metadata__.state.${part}`, fail, refs);
    for (const name of refs) {
      if (!name.startsWith(`${part}.`))
        fail(`__metadata__.state.${part} refers to tensor ${JSON.stringify(name)}, which belongs elsewhere`);
      used.add(name);
    }
  }
  for (const name of file.names) {
    if (!name.startsWith(MODEL_PREFIX) && !used.has(name))
      fail(`tensor ${JSON.stringify(name)} is neither the model's nor referred to by __metadata__.state`);
  }

  // 3. Create the tensors (no more than the file holds), check every part, then apply them all.
  const all = tensorsFromFile(file, file.names, fileName);
  const returned = new Set<t.Tensor>(); // loader and extra tensors go back to the caller
  try {
    const parts = {} as Record<(typeof STATE_PARTS)[number], unknown>;
    for (const part of STATE_PARTS) parts[part] = unflattenState(state[part], all, `__metadata__.state.${part}`, fail);
    const targets = [
      ['optimizer', options.optimizer],
      ['scheduler', options.scheduler],
      ['loader', options.loader],
    ] as const;
    for (const [part, target] of targets) target?.checkStateDict?.(parts[part], `${where}: __metadata__.state.${part}`);

    // Apply: first the parts that could not be checked ahead (a third-party
    // Stateful without checkStateDict), which may still refuse; then the
    // model and the checked parts, which were all validated above.
    const load = (part: string, target: Stateful) => {
      try {
        target.loadStateDict(parts[part as (typeof STATE_PARTS)[number]] as never);
      } catch (err) {
        if (err instanceof Error && !err.message.startsWith(where)) err.message = `${where}: __metadata__.state.${part}: ${err.message}`;
        throw err;
      }
    };
    for (const [part, target] of targets) if (target && !target.checkStateDict) load(part, target);
    const cast = castLike(own, withoutPrefix(all, MODEL_PREFIX));
    try {
      options.model.loadStateDict(cast);
    } finally {
      for (const x of Object.values(cast)) x.dispose(); // copies, or the originals (freed below either way)
    }
    for (const [part, target] of targets) if (target?.checkStateDict) load(part, target);
    if (options.rng && state.rng !== null) options.rng.setState(state.rng as number[]);
    handOver(all, 'loader.', returned);
    handOver(all, 'extra.', returned);
    return {
      epoch: state.epoch ?? undefined,
      step: state.step ?? undefined,
      loader: parts.loader,
      rng: (state.rng as number[] | null) ?? undefined,
      extra: parts.extra,
      metadata: file.metadata,
    };
  } finally {
    // Module.loadStateDict and the built-in Statefuls copy what they keep.
    for (const x of Object.values(all)) if (!returned.has(x)) x.dispose();
  }
}

/** The parts of `__metadata__.state` that may hold tensors. */
const STATE_PARTS = ['optimizer', 'scheduler', 'loader', 'extra'] as const;

interface CheckpointStateJson {
  epoch: number | null;
  step: number | null;
  rng: StateJson;
  loader: StateJson;
  optimizer: StateJson;
  scheduler: StateJson;
  extra: StateJson;
}

/** `__metadata__.state` has exactly its seven fields; epoch and step are counts. */
function checkStateJson(value: unknown, fail: (problem: string) => never): CheckpointStateJson {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail('__metadata__.state must be an object');
  const state = value as Record<string, unknown>;
  const fields = ['epoch', 'step', 'rng', 'loader', 'optimizer', 'scheduler', 'extra'];
  for (const key of Object.keys(state)) if (!fields.includes(key)) fail(`__metadata__.state has an unknown field ${JSON.stringify(key)}`);
  for (const key of fields) if (!(key in state)) fail(`__metadata__.state lacks ${JSON.stringify(key)}`);
  for (const key of ['epoch', 'step']) {
    const v = state[key];
    if (v !== null && !(Number.isSafeInteger(v) && (v as number) >= 0)) {
      fail(`__metadata__.state.${key} must be a non-negative integer or null, got ${JSON.stringify(v)}`);
    }
  }
  return state as unknown as CheckpointStateJson;
}

function handOver(all: Record<string, t.Tensor>, prefix: string, into: Set<t.Tensor>): void {
  for (const [name, x] of Object.entries(all)) if (name.startsWith(prefix)) into.add(x);
}

function isStateful(value: unknown): value is Stateful {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Stateful).stateDict === 'function' &&
    typeof (value as Stateful).loadStateDict === 'function'
  );
}
