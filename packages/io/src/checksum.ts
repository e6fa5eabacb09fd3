import type { SafetensorsFile } from './safetensors/decode.js';
import { SafetensorsError } from './safetensors/errors.js';

/**
 * safetensors has no checksum of its own, so a flipped bit in a weight or in
 * the JSON state (Adam's weightDecay 0 → 2) would load silently. Tensile's
 * files carry one in `__metadata__.checksum`: a CRC-32 (IEEE, as zlib and
 * PNG) over the file's content, which detects every 1- and 2-bit error and
 * every burst up to 32 bits. CRC-32 rather than SHA-256 because it is
 * synchronous and needs nothing beyond JS in Node and browsers alike; it
 * guards against corruption, not against a forger (who can recompute it).
 *
 * The content covered is independent of JSON formatting: every metadata
 * entry but the checksum (sorted by key), every tensor's name, dtype, shape
 * and offsets (in data order), then the data section.
 */
export const CHECKSUM_KEY = 'checksum';
const PREFIX = 'crc32:';
/** The value written first and patched in place (same length, so the layout does not move). */
export const CHECKSUM_PLACEHOLDER = `${PREFIX}00000000`;

const TABLES = makeTables();

function makeTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) tables[k][n] = (tables[0][tables[k - 1][n] & 0xff] ^ (tables[k - 1][n] >>> 8)) >>> 0;
  }
  return tables;
}

/** Continues a CRC-32 over `bytes` (start with 0); slicing-by-8 (100 MB in 0.5–0.9 s on a busy 2-core machine). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let crc = ~previous >>> 0;
  let i = 0;
  const fast = bytes.length - (bytes.length % 8);
  for (; i < fast; i += 8) {
    const a = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) ^ crc;
    crc =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[bytes[i + 4]] ^
      t2[bytes[i + 5]] ^
      t1[bytes[i + 6]] ^
      t0[bytes[i + 7]];
  }
  for (; i < bytes.length; i++) crc = t0[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** The checksum of a decoded file's content (see the top of this file), as stored: `crc32:` and 8 hex digits. */
export function contentChecksum(file: SafetensorsFile): string {
  const metadata = Object.keys(file.metadata)
    .filter((key) => key !== CHECKSUM_KEY)
    .sort()
    .map((key) => [key, file.metadata[key]]);
  const tensors = file.names.map((name) => {
    const x = file.tensors[name];
    return [name, x.dtype, x.shape, x.data.byteLength];
  });
  let crc = crc32(new TextEncoder().encode(JSON.stringify([metadata, tensors])));
  for (const name of file.names) crc = crc32(file.tensors[name].data, crc);
  return PREFIX + crc.toString(16).padStart(8, '0');
}

/**
 * Checks a file's stored checksum against its content. `required`: the
 * format version promises one (files written before checksums have none).
 */
export function verifyChecksum(file: SafetensorsFile, required: boolean, fileName: string | undefined): void {
  const stored = file.metadata[CHECKSUM_KEY];
  if (stored === undefined) {
    if (required) throw new SafetensorsError('__metadata__.checksum is missing (corrupted file?)', { fileName });
    return;
  }
  if (!/^crc32:[0-9a-f]{8}$/.test(stored)) {
    throw new SafetensorsError(`__metadata__.checksum ${JSON.stringify(stored)} is not "crc32:" and 8 hex digits (corrupted file?)`, {
      fileName,
    });
  }
  const actual = contentChecksum(file);
  if (actual !== stored) {
    throw new SafetensorsError(
      `checksum mismatch: __metadata__.checksum is ${stored} but the content gives ${actual}; the file is corrupted`,
      { fileName },
    );
  }
}

/**
 * Fills the placeholder checksum of freshly encoded bytes in place. The
 * placeholder is found as the raw text `"checksum":"crc32:00000000"`: inside
 * any JSON string its quotes would be escaped, so the match is the key itself.
 */
export function sealChecksum(bytes: Uint8Array, file: SafetensorsFile): void {
  const needle = new TextEncoder().encode(`"${CHECKSUM_KEY}":"${CHECKSUM_PLACEHOLDER}"`);
  const at = indexOf(bytes.subarray(8, 8 + file.headerLength), needle);
  if (at < 0) throw new SafetensorsError('cannot write: the checksum placeholder is missing from the header');
  const value = new TextEncoder().encode(contentChecksum(file));
  bytes.set(value, 8 + at + needle.length - 1 - value.length);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
