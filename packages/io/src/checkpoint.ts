import * as t from '@tensile/core';
import { Module, moduleToSpec } from '@tensile/layers';
import { checkArchitecture, checkUserMetadata, CHECKPOINT_FORMAT, type ModelArchitecture, decodeTensileFile, FORMAT_VERSION, parseMetadataJson, withoutPrefix } from './model-format.js';
import { SafetensorsError } from './safetensors/errors.js';
import { flattenState, unflattenState, type StateJson } from './state-tree.js';
import { castLike, checkStateDictMatches, type HasStateDict } from './state-dict.js';
import { resolveTarget, type StorageTarget } from './storage/storage.js';
import { loadSafetensors, saveSafetensors } from './tensors.js';

/**
 * Anything with PyTorch-style state: optimizers, LR schedulers, data loaders.
 * `stateDict()` returns plain JSON values with tensors at any leaves (Adam:
 * `{ state: { 0: { step, exp_avg, exp_avg_sq } }, param_groups: [...] }`);
 * `loadStateDict(state)` validates it and takes ownership of the tensors in
 * it: loadCheckpoint does not dispose them.
 */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: never): void;
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
    return await saveSafetensors(Object.fromEntries(tensors), { metadata: { ...header, ...metadata } });
  } finally {
    // Optimizer and scheduler stateDict() hand out copies, ours to free; model
    // tensors and `extra` stay the caller's.
    for (const [name, x] of tensors) if (name.startsWith('optimizer.') || name.startsWith('scheduler.')) x.dispose();
  }
}

/**
 * Restores a checkpoint written by {@link saveCheckpoint} into the given
 * model, optimizer, scheduler, RNG and loader, and returns epoch, step and
 * `extra`. The whole file is read, validated and matched against the model
 * before anything is changed: a truncated, corrupted or mismatched file throws
 * and leaves the model as it was.
 *
 * @example
 * const { epoch, step } = await loadCheckpoint('ckpt/last.safetensors', { model, optimizer, scheduler, rng: t.defaultRng(), loader });
 */
export async function loadCheckpoint(
  source: StorageTarget | Uint8Array,
  options: LoadCheckpointOptions,
): Promise<LoadedCheckpoint> {
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
  const file = decodeTensileFile(bytes, fileName, [CHECKPOINT_FORMAT]);
  const state = parseMetadataJson(file, 'state', fileName) as Record<string, StateJson>;
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw new SafetensorsError('__metadata__.state must be an object', { fileName });
  if (options.optimizer && state.optimizer === null) throw new SafetensorsError('has no optimizer state to restore', { fileName });
  if (options.scheduler && state.scheduler === null) throw new SafetensorsError('has no scheduler state to restore', { fileName });
  if (options.rng && state.rng === null) throw new SafetensorsError('has no rng state to restore', { fileName });

  for (const key of ['epoch', 'step'] as const) {
    if (state[key] !== null && typeof state[key] !== 'number') {
      throw new SafetensorsError(`__metadata__.state.${key} must be a number, got ${JSON.stringify(state[key])}`, { fileName });
    }
  }
  if (options.rng) new t.Rng(0).setState(state.rng as number[]); // validates the state before anything changes

  const all = loadSafetensors(bytes, { fileName });
  const handedOver = new Set<t.Tensor>();
  try {
    const own = options.model.stateDict();
    const weights = withoutPrefix(all, MODEL_PREFIX);
    checkStateDictMatches(own, weights, where);
    const optimizerState = unflattenState(state.optimizer, all, where);
    const schedulerState = unflattenState(state.scheduler, all, where);
    const loaderState = unflattenState(state.loader, all, where);
    const extra = unflattenState(state.extra, all, where);

    // Optimizer and scheduler first: they validate their state and may throw; the
    // model, already checked, goes last so a refusal leaves it untouched.
    if (options.optimizer) {
      options.optimizer.loadStateDict(optimizerState as never);
      handOver(all, 'optimizer.', handedOver);
    }
    if (options.scheduler) {
      options.scheduler.loadStateDict(schedulerState as never);
      handOver(all, 'scheduler.', handedOver);
    }
    if (options.loader) options.loader.loadStateDict(loaderState as never);
    handOver(all, 'loader.', handedOver); // returned to the caller as well
    handOver(all, 'extra.', handedOver);
    if (options.rng) options.rng.setState(state.rng as number[]);
    const cast = castLike(own, weights);
    try {
      options.model.loadStateDict(cast);
    } finally {
      for (const x of Object.values(cast)) x.dispose(); // cast copies; the originals go below
    }
    return {
      epoch: (state.epoch as number | null) ?? undefined,
      step: (state.step as number | null) ?? undefined,
      loader: loaderState,
      rng: (state.rng as number[] | null) ?? undefined,
      extra,
      metadata: file.metadata,
    };
  } catch (err) {
    handedOver.clear(); // nothing was kept: free it all
    throw err;
  } finally {
    // Module.loadStateDict copies values (as PyTorch's does); the rest of the
    // tensors now belong to the optimizer, scheduler or caller.
    for (const x of Object.values(all)) if (!handedOver.has(x)) x.dispose();
  }
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
