import * as t from '@tensile/core';
import { decodeSafetensors, type DecodeOptions, type SafetensorsFile } from './safetensors/decode.js';
import { encodeSafetensors, type SafetensorsEntry } from './safetensors/encode.js';
import { SafetensorsError } from './safetensors/errors.js';
import { tensorValues } from './safetensors/convert.js';

export interface SaveSafetensorsOptions {
  /** Free-form strings stored in the header's `__metadata__`. */
  metadata?: Record<string, string>;
  /**
   * Store int32 tensors as I64, as PyTorch keeps indices and counters
   * (`num_batches_tracked`): `true` for every int32 tensor, or a list of names.
   */
  int64?: boolean | readonly string[];
}

const TO_SAFETENSORS = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' } as const;

/**
 * Serialises named tensors to safetensors bytes (read from any backend).
 * Names are kept as given, so a Tensile `stateDict()` and PyTorch's
 * `state_dict()` use the same keys.
 *
 * @example
 * const bytes = await saveSafetensors({ weight: t.randn([10, 784]), bias: t.zeros([10]) });
 */
export async function saveSafetensors(tensors: Record<string, t.Tensor>, options: SaveSafetensorsOptions = {}): Promise<Uint8Array> {
  const names = Object.keys(tensors);
  for (const name of names) {
    const x = tensors[name];
    if (!(x instanceof t.Tensor)) {
      throw new SafetensorsError(`cannot write: expected a Tensor, got ${x === null ? 'null' : typeof x}`, { tensor: name });
    }
    if (x.isDisposed) throw new SafetensorsError('cannot write: tensor was disposed', { tensor: name });
  }
  const values = await Promise.all(names.map((name) => tensors[name].data<t.DataArray>()));
  const asInt64 = (name: string) => (Array.isArray(options.int64) ? options.int64.includes(name) : options.int64 === true);
  const entries = new Map<string, SafetensorsEntry>();
  names.forEach((name, i) => {
    const x = tensors[name];
    const dtype = x.dtype === 'int32' && asInt64(name) ? 'I64' : TO_SAFETENSORS[x.dtype];
    entries.set(name, { dtype, shape: x.shape, data: values[i] });
  });
  return encodeSafetensors(entries, options.metadata);
}

/**
 * Reads safetensors bytes into tensors on the current backend. Every tensor
 * is validated and converted before any is created, so a bad file throws
 * (naming file and tensor) without leaving tensors behind. F16/BF16 become
 * float32; integer dtypes become int32 (64-bit values must fit).
 *
 * @example
 * const weights = loadSafetensors(await nodeStorage().read('model.safetensors'), { fileName: 'model.safetensors' });
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): Record<string, t.Tensor> {
  const file = decodeSafetensors(bytes, options);
  return tensorsFromFile(file, file.names, options.fileName);
}

/**
 * Creates tensors for the named entries of a decoded file: all are
 * converted (and so checked) first, then created; on failure none is left.
 */
export function tensorsFromFile(file: SafetensorsFile, names: readonly string[], fileName?: string): Record<string, t.Tensor> {
  const converted = names.map((name) => ({
    name,
    shape: file.tensors[name].shape,
    ...tensorValues(file.tensors[name], { fileName, tensor: name }),
  }));
  const out: [string, t.Tensor][] = [];
  try {
    for (const c of converted) out.push([c.name, t.tensor(c.values, { shape: c.shape, dtype: c.dtype })]);
  } catch (err) {
    for (const [, x] of out) x.dispose();
    throw err;
  }
  return Object.fromEntries(out);
}
