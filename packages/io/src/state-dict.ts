import * as t from '@tensile/core';
import { StateDictError } from './safetensors/errors.js';

/** Something with PyTorch-style named state: a layers `Module` has it. */
export interface HasStateDict {
  stateDict(): Record<string, t.Tensor>;
  loadStateDict(state: Record<string, t.Tensor>): void;
}

/**
 * Checks loaded weights against a model's own state before anything is
 * assigned, so a mismatched file is refused whole instead of half-loaded.
 * Lists every missing and unexpected name and every shape mismatch. Dtypes
 * may differ (a float64 or int64 file for a float32 model); {@link castLike}
 * converts, as PyTorch's `load_state_dict` does.
 */
export function checkStateDictMatches(
  expected: Record<string, t.Tensor>,
  loaded: Record<string, t.Tensor>,
  where: string,
): void {
  const problems: string[] = [];
  const missing = Object.keys(expected).filter((k) => !(k in loaded));
  const unexpected = Object.keys(loaded).filter((k) => !(k in expected));
  if (missing.length > 0) problems.push(`missing ${missing.map((k) => JSON.stringify(k)).join(', ')}`);
  if (unexpected.length > 0) problems.push(`unexpected ${unexpected.map((k) => JSON.stringify(k)).join(', ')}`);
  for (const [name, want] of Object.entries(expected)) {
    const got = loaded[name];
    if (got === undefined) continue;
    if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
      problems.push(`${JSON.stringify(name)} has shape [${got.shape.join(',')}] in the file but [${want.shape.join(',')}] in the model`);
    }
  }
  if (problems.length > 0) throw new StateDictError(`${where}: weights do not fit the model: ${problems.join('; ')}`);
}

/** Returns `loaded` with each tensor cast to the dtype of the model's tensor of the same name (disposing replaced ones). */
export function castLike(expected: Record<string, t.Tensor>, loaded: Record<string, t.Tensor>): Record<string, t.Tensor> {
  const out: Record<string, t.Tensor> = {};
  for (const [name, x] of Object.entries(loaded)) {
    const want = expected[name]?.dtype ?? x.dtype;
    if (want === x.dtype) {
      out[name] = x;
    } else {
      out[name] = t.cast(x, want);
      x.dispose();
    }
  }
  return out;
}

/** Disposes every tensor in a record (loaded tensors that will not be used). */
export function disposeAll(tensors: Record<string, t.Tensor>): void {
  for (const x of Object.values(tensors)) x.dispose();
}
