import { SAFETENSORS_DTYPES, dtypeSize, isKnownUnsupportedDtype, isSafetensorsDtype, type SafetensorsDtype } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { parseJsonStrict } from './json.js';

/** Header limit of the reference implementation: a larger header is taken as corruption. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor read from a file: `data` is a view of its raw little-endian bytes in the input. */
export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Uint8Array;
}

/** A decoded safetensors file. */
export interface SafetensorsFile {
  /** The `__metadata__` map (empty when the file has none). */
  metadata: Record<string, string>;
  tensors: Record<string, SafetensorsTensor>;
  /** Tensor names in the order of their data in the file. */
  names: string[];
  /** N, the header length in bytes (padding included). */
  headerLength: number;
}

export interface DecodeOptions {
  /** Named in every error message, e.g. the path the bytes came from. */
  fileName?: string;
}

interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses and validates a safetensors file without copying tensor data.
 *
 * Validation follows the reference implementation: the header length fits
 * in the file and under 100 MB, the header is UTF-8 JSON starting with `{`,
 * every tensor has a known dtype, a shape of non-negative integers and
 * `data_offsets` whose byte count equals shape × dtype size, and the offsets
 * tile the data section exactly, with no hole, overlap or trailing bytes.
 * Anything else throws a {@link SafetensorsError} naming the file and tensor.
 *
 * @example
 * const file = decodeSafetensors(bytes, { fileName: 'model.safetensors' });
 * file.tensors['fc.weight'].shape; // [10, 784]
 */
export function decodeSafetensors(input: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): SafetensorsFile {
  const fileName = options.fileName;
  const fail = (problem: string, tensor?: string): never => {
    throw new SafetensorsError(problem, { fileName, tensor });
  };
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else return fail(`expected a Uint8Array or ArrayBuffer, got ${input === null ? 'null' : typeof input}`);

  if (bytes.byteLength < 8) {
    fail(`file is ${bytes.byteLength} bytes, shorter than the 8-byte header length field (truncated?)`);
  }
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    fail(`header length ${declared} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupted file?)`);
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.byteLength) {
    fail(`header length ${headerLength} runs past the end of the ${bytes.byteLength}-byte file (truncated?)`);
  }

  const entries: HeaderEntry[] = [];
  const metadata = parseHeader(bytes.subarray(8, 8 + headerLength), entries, fail);

  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  checkLayout(entries, dataLength, fail);

  const tensors = Object.fromEntries(
    entries.map((e): [string, SafetensorsTensor] => [
      e.name,
      { dtype: e.dtype, shape: e.shape, data: bytes.subarray(dataStart + e.begin, dataStart + e.end) },
    ]),
  );
  return { metadata, tensors, names: entries.map((e) => e.name), headerLength };
}

function parseHeader(
  headerBytes: Uint8Array,
  entries: HeaderEntry[],
  fail: (problem: string, tensor?: string) => never,
): Record<string, string> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    return fail('header is not valid UTF-8 (corrupted file?)');
  }
  if (!text.startsWith('{')) {
    fail(`header does not start with '{' (starts with ${JSON.stringify(text.slice(0, 16))}); not a safetensors file?`);
  }
  const header = parseJsonStrict(text, (problem) => fail(`header ${problem}`));
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    return fail('header is not a JSON object');
  }

  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') metadata = parseMetadata(info, fail);
    else entries.push(parseTensorInfo(name, info, fail));
  }
  return metadata;
}

function parseMetadata(info: unknown, fail: (problem: string) => never): Record<string, string> {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) {
    return fail('__metadata__ must be an object of string values');
  }
  for (const [key, value] of Object.entries(info)) {
    if (typeof value !== 'string') {
      fail(`__metadata__ value for ${JSON.stringify(key)} must be a string, got ${JSON.stringify(value)}`);
    }
  }
  return info as Record<string, string>;
}

function parseTensorInfo(name: string, info: unknown, fail: (problem: string, tensor?: string) => never): HeaderEntry {
  const bad = (problem: string): never => fail(problem, name);
  if (info === null || typeof info !== 'object' || Array.isArray(info)) {
    return bad('header entry must be an object { dtype, shape, data_offsets }');
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (!isSafetensorsDtype(dtype)) {
    if (typeof dtype === 'string' && isKnownUnsupportedDtype(dtype)) bad(`dtype ${dtype} is not supported by Tensile`);
    bad(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    bad(`shape ${JSON.stringify(shape)} must be an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    bad(`data_offsets ${JSON.stringify(offsets)} must be [begin, end] with non-negative integers`);
  }
  const [begin, end] = offsets as number[];
  if (end < begin) bad(`data_offsets [${begin}, ${end}] end before they begin`);

  const dims = shape as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  const needed = count * dtypeSize(dtype as SafetensorsDtype);
  if (!Number.isSafeInteger(needed)) bad(`shape [${dims.join(', ')}] is too large`);
  if (needed !== end - begin) {
    bad(
      `${dtype} [${dims.join(', ')}] needs ${needed} bytes but data_offsets [${begin}, ${end}] ` +
        `hold ${end - begin} (shape, dtype and offsets disagree)`,
    );
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: dims, begin, end };
}

/** The offsets must tile [0, dataLength) exactly: sorted by position, each begins where the previous ended. */
function checkLayout(entries: HeaderEntry[], dataLength: number, fail: (problem: string, tensor?: string) => never): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: HeaderEntry | undefined;
  for (const e of entries) {
    if (e.begin > expected) {
      fail(
        `data_offsets [${e.begin}, ${e.end}] leave a hole at bytes ${expected}..${e.begin}` +
          (previous ? ` after tensor ${JSON.stringify(previous.name)}` : ' at the start of the data'),
        e.name,
      );
    }
    if (e.begin < expected) {
      fail(
        `data_offsets [${e.begin}, ${e.end}] overlap tensor ${JSON.stringify(previous!.name)} ` + `[${previous!.begin}, ${previous!.end}]`,
        e.name,
      );
    }
    if (e.end > dataLength) {
      fail(`data_offsets [${e.begin}, ${e.end}] run past the end of the ${dataLength}-byte data section (truncated file?)`, e.name);
    }
    expected = e.end;
    previous = e;
  }
  if (expected !== dataLength) {
    fail(`the tensors cover ${expected} bytes of data but the file holds ${dataLength} (trailing bytes)`);
  }
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
