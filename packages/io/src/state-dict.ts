import * as t from '@tensile/core';
import type { SafetensorsDtype } from './safetensors/dtypes.js';
import { StateDictError } from './safetensors/errors.js';

/** Something with PyTorch-style named state: a layers `Module` has it. */
export interface HasStateDict {
  stateDict(): Record<string, t.Tensor>;
  loadStateDict(state: Record<string, t.Tensor>): void;
}

/** What a state tensor must be: its shape and dtype (a model's tensor, or a layer's declared state). */
export interface ExpectedTensor {
  shape: readonly number[];
  dtype: t.DType;
}

/** What a file says of a tensor before any is created: its header entry. */
export interface FileTensor {
  shape: readonly number[];
  dtype: SafetensorsDtype;
}

const FLOAT_FILE_DTYPES = new Set(['F16', 'BF16', 'F32', 'F64']);

/** float, int or bool: a file's dtype must be of the same kind as the model's (the precision may differ). */
function kindOfFile(dtype: SafetensorsDtype): string {
  return FLOAT_FILE_DTYPES.has(dtype) ? 'float' : dtype === 'BOOL' ? 'bool' : 'int';
}

function kindOfModel(dtype: t.DType): string {
  return dtype === 'float32' || dtype === 'float64' ? 'float' : dtype === 'bool' ? 'bool' : 'int';
}

/**
 * Checks a file's tensors (their header entries: nothing created yet)
 * against what a model expects, before anything is allocated or assigned,
 * so a mismatched file is refused whole instead of half-loaded. Lists every
 * missing and unexpected name and every shape or dtype-kind mismatch.
 * Precision may differ (a float64 or float16 file for a float32 model,
 * int64 counters); {@link castLike} converts, as PyTorch's `load_state_dict` does.
 */
export function checkStateDictMatches(
  expected: Record<string, ExpectedTensor>,
  loaded: Record<string, FileTensor | t.Tensor>,
  where: string,
): void {
  const problems: string[] = [];
  const missing = Object.keys(expected).filter((k) => !Object.hasOwn(loaded, k));
  const unexpected = Object.keys(loaded).filter((k) => !Object.hasOwn(expected, k));
  if (missing.length > 0) problems.push(`missing ${list(missing)}`);
  if (unexpected.length > 0) problems.push(`unexpected ${list(unexpected)}`);
  for (const [name, want] of Object.entries(expected)) {
    if (!Object.hasOwn(loaded, name)) continue;
    const got = loaded[name];
    const wantShape = Array.isArray(want.shape) ? want.shape : [];
    if (got.shape.length !== wantShape.length || got.shape.some((d, i) => d !== wantShape[i])) {
      problems.push(`${JSON.stringify(name)} has shape [${got.shape.join(',')}] in the file but [${wantShape.join(',')}] in the model`);
    } else if (!(got instanceof t.Tensor) && kindOfFile(got.dtype) !== kindOfModel(want.dtype)) {
      problems.push(`${JSON.stringify(name)} is ${got.dtype} in the file but ${want.dtype} in the model`);
    }
  }
  if (problems.length > 0) throw new StateDictError(`${where}: weights do not fit the model: ${problems.join('; ')}`);
}

/** At most 10 names, quoted. */
function list(names: string[]): string {
  const shown = names.slice(0, 10).map((k) => JSON.stringify(k));
  return shown.join(', ') + (names.length > 10 ? ` and ${names.length - 10} more` : '');
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
