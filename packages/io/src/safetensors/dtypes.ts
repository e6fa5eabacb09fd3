/**
 * The safetensors dtypes Tensile reads and writes, with their element sizes.
 *
 * `order` reproduces the reference implementation's `Dtype` enum order
 * (huggingface/safetensors, "increasing alignment order"): its writer sorts
 * tensors by descending dtype and then by name, so that every tensor's data
 * starts aligned to its element size. We sort the same way so our files are
 * byte-identical to the ones it writes.
 */
export const SAFETENSORS_DTYPES = {
  BOOL: { size: 1, order: 0 },
  U8: { size: 1, order: 1 },
  I8: { size: 1, order: 2 },
  I16: { size: 2, order: 5 },
  U16: { size: 2, order: 6 },
  F16: { size: 2, order: 7 },
  BF16: { size: 2, order: 8 },
  I32: { size: 4, order: 9 },
  U32: { size: 4, order: 10 },
  F32: { size: 4, order: 11 },
  F64: { size: 8, order: 12 },
  I64: { size: 8, order: 13 },
  U64: { size: 8, order: 14 },
} as const;

/** A dtype name as it appears in a safetensors header. */
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

/** Dtypes the format defines that Tensile recognises but cannot convert (8-bit floats and smaller). */
const KNOWN_UNSUPPORTED = new Set(['F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64']);

export function isSafetensorsDtype(name: unknown): name is SafetensorsDtype {
  return typeof name === 'string' && Object.hasOwn(SAFETENSORS_DTYPES, name);
}

export function isKnownUnsupportedDtype(name: string): boolean {
  return KNOWN_UNSUPPORTED.has(name);
}

export function dtypeSize(dtype: SafetensorsDtype): number {
  return SAFETENSORS_DTYPES[dtype].size;
}
