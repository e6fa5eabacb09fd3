import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry } from '@tensile/io';
import { CHECKSUM_KEY, CHECKSUM_PLACEHOLDER, sealChecksum } from '../src/checksum.js';

/**
 * Re-encodes a safetensors file after `change` edits its metadata (and, if
 * it likes, its tensor entries), then gives it a valid checksum again
 * (`seal`, the default) or none: how a test makes a file whose checksum
 * holds but whose content is hostile, or a version-1 file from before checksums.
 */
export function rewrite(
  bytes: Uint8Array,
  change: (metadata: Record<string, string>, tensors: Map<string, SafetensorsEntry>) => void,
  options: { seal?: boolean } = {},
): Uint8Array {
  const file = decodeSafetensors(bytes);
  const metadata = { ...file.metadata };
  const tensors = new Map<string, SafetensorsEntry>(file.names.map((name) => [name, file.tensors[name]]));
  change(metadata, tensors);
  const seal = options.seal ?? true;
  if (seal) metadata[CHECKSUM_KEY] = CHECKSUM_PLACEHOLDER;
  else delete metadata[CHECKSUM_KEY];
  const out = encodeSafetensors(tensors, metadata, { order: 'given' });
  if (seal) sealChecksum(out, decodeSafetensors(out));
  return out;
}

/** Parsed JSON that a test edits at will to make a hostile file. */
// biome-ignore lint/suspicious/noExplicitAny: tests reach into any path of deliberately malformed JSON; its shape is what is under test
export type LooseJson = any;

/** Edits the JSON in `__metadata__[key]`, keeping the checksum valid. */
export function rewriteJson(
  bytes: Uint8Array,
  key: string,
  change: (value: LooseJson) => unknown,
  options: { seal?: boolean } = {},
): Uint8Array {
  return rewrite(
    bytes,
    (metadata) => {
      const value = JSON.parse(metadata[key]);
      const replaced = change(value);
      metadata[key] = JSON.stringify(replaced === undefined ? value : replaced);
    },
    options,
  );
}
