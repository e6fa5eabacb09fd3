import { SAFETENSORS_DTYPES, dtypeSize, isSafetensorsDtype, type SafetensorsDtype } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { assertLittleEndianHost } from './host.js';

/**
 * The element data of one tensor to write. A `Uint8Array` is taken as the raw
 * little-endian bytes for any dtype (and as the values for `U8`/`BOOL`);
 * any other typed array must match the dtype: `Float32Array` for F32,
 * `Float64Array` for F64, `Int32Array` for I32 (or for I64, sign-extended),
 * `BigInt64Array` for I64, `Int16Array` for I16, `Int8Array` for I8,
 * `Uint16Array` for U16 and for the raw bits of F16/BF16, `Uint32Array` for
 * U32, `BigUint64Array` for U64.
 */
export type SafetensorsData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** One tensor as the byte codec sees it: dtype, shape (row-major) and data. */
export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: readonly number[];
  data: SafetensorsData;
}

export interface EncodeOptions {
  /**
   * `'reference'` (default): tensors sorted by descending dtype alignment,
   * then by name, as the reference implementation writes them (byte-identical
   * output). `'given'`: the order of `tensors` (e.g. a decoded file's
   * `names`), which re-encodes a decoded file to the same bytes.
   */
  order?: 'reference' | 'given';
}

const TEXT_ENCODER = new TextEncoder();

/** Which typed array holds the values of each dtype (besides raw bytes in a Uint8Array). */
const VALUE_ARRAY: Record<SafetensorsDtype, string[]> = {
  BOOL: ['Uint8Array'],
  U8: ['Uint8Array'],
  I8: ['Int8Array'],
  I16: ['Int16Array'],
  U16: ['Uint16Array'],
  F16: ['Uint16Array'],
  BF16: ['Uint16Array'],
  I32: ['Int32Array'],
  U32: ['Uint32Array'],
  F32: ['Float32Array'],
  F64: ['Float64Array'],
  I64: ['BigInt64Array', 'Int32Array'],
  U64: ['BigUint64Array'],
};

/**
 * Serialises tensors to the safetensors format: an 8-byte little-endian
 * header length N, N bytes of JSON header (padded with spaces to a multiple of
 * 8, so the data section starts 8-byte aligned), then the raw little-endian
 * data of every tensor, back to back.
 *
 * @example
 * const bytes = encodeSafetensors(
 *   { weight: { dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } },
 *   { format: 'pt' },
 * );
 */
export function encodeSafetensors(
  tensors: Record<string, SafetensorsEntry> | Map<string, SafetensorsEntry>,
  metadata?: Record<string, string>,
  options: EncodeOptions = {},
): Uint8Array {
  assertLittleEndianHost();
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const prepared = entries.map(([name, entry]) => prepareEntry(name, entry));
  if ((options.order ?? 'reference') === 'reference') prepared.sort(compareReferenceOrder);

  const header: string[] = [];
  if (metadata !== undefined) header.push(`"__metadata__":${metadataJson(metadata)}`);
  let offset = 0;
  for (const p of prepared) {
    const end = offset + p.bytes.byteLength;
    header.push(`${JSON.stringify(p.name)}:{"dtype":"${p.dtype}","shape":[${p.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const headerBytes = TEXT_ENCODER.encode(`{${header.join(',')}}`);
  const paddedLength = Math.ceil(headerBytes.byteLength / 8) * 8;

  const out = new Uint8Array(8 + paddedLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(paddedLength), true);
  out.set(headerBytes, 8);
  out.fill(0x20, 8 + headerBytes.byteLength, 8 + paddedLength); // spaces
  let at = 8 + paddedLength;
  for (const p of prepared) {
    out.set(p.bytes, at);
    at += p.bytes.byteLength;
  }
  return out;
}

interface PreparedEntry {
  name: string;
  nameBytes: Uint8Array;
  dtype: SafetensorsDtype;
  shape: number[];
  bytes: Uint8Array;
}

function prepareEntry(name: string, entry: SafetensorsEntry): PreparedEntry {
  const fail = (problem: string): never => {
    throw new SafetensorsError(`cannot write: ${problem}`, { tensor: name });
  };
  if (name === '__metadata__') fail('"__metadata__" is reserved for the metadata map');
  if (entry === null || typeof entry !== 'object') fail('expected { dtype, shape, data }');
  const { dtype, shape, data } = entry;
  if (!isSafetensorsDtype(dtype)) {
    fail(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`shape ${JSON.stringify(shape)} must be an array of non-negative integers`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count * dtypeSize(dtype))) fail(`shape [${shape.join(',')}] is too large`);

  const bytes = toBytes(name, dtype, count, data);
  if (bytes.byteLength !== count * dtypeSize(dtype)) {
    fail(
      `${dtype} [${shape.join(',')}] needs ${count * dtypeSize(dtype)} bytes ` +
        `(${count} elements) but data has ${bytes.byteLength} bytes`,
    );
  }
  if (dtype === 'BOOL') {
    const bad = bytes.findIndex((b) => b > 1);
    if (bad >= 0) fail(`BOOL data must be 0 or 1, element ${bad} is ${bytes[bad]}`);
  }
  return { name, nameBytes: TEXT_ENCODER.encode(name), dtype, shape: [...shape], bytes };
}

function toBytes(name: string, dtype: SafetensorsDtype, count: number, data: SafetensorsData): Uint8Array {
  if (data instanceof Uint8Array) return data;
  const kind = typedArrayName(data);
  if (!VALUE_ARRAY[dtype].includes(kind)) {
    throw new SafetensorsError(
      `cannot write: ${dtype} data must be a Uint8Array of raw bytes or a ${VALUE_ARRAY[dtype].join(' or ')}, got ${kind}`,
      { tensor: name },
    );
  }
  if (dtype === 'I64' && data instanceof Int32Array) {
    if (data.length !== count) {
      throw new SafetensorsError(`cannot write: I64 [${count} elements] got ${data.length} int32 values`, {
        tensor: name,
      });
    }
    return widenInt32ToInt64(data);
  }
  const view = data as Exclude<SafetensorsData, Uint8Array>;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

const TYPED_ARRAYS = [
  Int8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

/** The typed array's class name, by `instanceof` so subclasses and other realms' names don't matter. */
function typedArrayName(data: unknown): string {
  for (const ctor of TYPED_ARRAYS) if (data instanceof ctor) return ctor.name;
  if (data === null) return 'null';
  return ArrayBuffer.isView(data) ? 'DataView' : Array.isArray(data) ? 'Array' : typeof data;
}

/** Sign-extends int32 values to little-endian int64 (PyTorch stores indices as int64). */
function widenInt32ToInt64(values: Int32Array): Uint8Array {
  const words = new Int32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    words[2 * i] = values[i];
    words[2 * i + 1] = values[i] < 0 ? -1 : 0;
  }
  return new Uint8Array(words.buffer);
}

function compareReferenceOrder(a: PreparedEntry, b: PreparedEntry): number {
  const byDtype = SAFETENSORS_DTYPES[b.dtype].order - SAFETENSORS_DTYPES[a.dtype].order;
  return byDtype !== 0 ? byDtype : compareBytes(a.nameBytes, b.nameBytes);
}

/** Rust compares strings by their UTF-8 bytes; JS `<` compares UTF-16 units, which differs past U+FFFF. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function metadataJson(metadata: Record<string, string>): string {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new SafetensorsError('cannot write: metadata must be an object of string values');
  }
  const fields = Object.entries(metadata).map(([key, value]) => {
    if (typeof value !== 'string') {
      throw new SafetensorsError(`cannot write: metadata value for ${JSON.stringify(key)} must be a string, got ${typeof value}`);
    }
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  return `{${fields.join(',')}}`;
}
