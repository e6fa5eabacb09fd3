import { TensileError } from '@tensile/core';

/** A malformed or unexpected IDX file; the message names the file and what is wrong. */
export class IdxError extends TensileError {}

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A parsed IDX file: its element type, its dimensions and its values (native byte order). */
export interface IdxArray {
  /** The 4-byte magic number (2051 for MNIST images, 2049 for labels). */
  magic: number;
  dtype: IdxDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** IDX type codes (third magic byte) and their element sizes. */
// biome-ignore-start lint/complexity/useSimpleNumberKeys: the IDX format gives its type codes in hex
const DTYPES: Record<number, { dtype: IdxDType; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};
// biome-ignore-end lint/complexity/useSimpleNumberKeys: the IDX format gives its type codes in hex

/**
 * Parses an IDX file (the format of MNIST and Fashion-MNIST): two zero bytes,
 * a type code, the number of dimensions, the dimensions as big-endian uint32,
 * then the values, big-endian. uint8 data is returned as a view of `bytes`
 * (no copy); wider types are converted to native byte order.
 *
 * @param name the file name, used in error messages
 * @example
 * const labels = readIdx(await readFile('train-labels-idx1-ubyte'), 'train-labels-idx1-ubyte');
 * labels.shape // [60000]
 */
export function readIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  const fail = (why: string): never => {
    throw new IdxError(`readIdx: ${name}: ${why}`);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array of file bytes, got ${bytes === null ? 'null' : typeof bytes}`);
  if (bytes.length < 4) fail(`${bytes.length} bytes is too short for the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (it is gzip-compressed: decompress it first)' : '';
    fail(`bad magic number 0x${magic.toString(16).padStart(8, '0')}: the first two bytes of an IDX file are 0${gz}`);
  }
  const type = DTYPES[bytes[2]];
  if (!type) fail(`unknown element type code 0x${bytes[2].toString(16)} (magic ${magic}); IDX knows 0x08 0x09 0x0b 0x0c 0x0d 0x0e`);
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) fail(`${bytes.length} bytes is too short for the header of a rank-${rank} array (${headerBytes} bytes)`);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    fail(
      `${bytes.length} bytes, but ${type.dtype} [${shape.join(',')}] needs ${expected} (${bytes.length < expected ? 'truncated' : 'trailing bytes'})`,
    );
  }
  return { magic, dtype: type.dtype, shape, data: decode(bytes, view, headerBytes, count, type.dtype) };
}

function decode(bytes: Uint8Array, view: DataView, offset: number, count: number, dtype: IdxDType): IdxArray['data'] {
  switch (dtype) {
    case 'uint8':
      return bytes.subarray(offset, offset + count);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
    case 'int16':
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(offset + 2 * i, false));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(offset + 4 * i, false));
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(offset + 4 * i, false));
    case 'float64':
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(offset + 8 * i, false));
  }
}

/**
 * Writes an IDX file (big-endian), the inverse of readIdx; handy for tests
 * and for exporting data to tools that read MNIST's format.
 */
export function writeIdx(array: Omit<IdxArray, 'magic'>): Uint8Array {
  const code = Number(Object.keys(DTYPES).find((k) => DTYPES[Number(k)].dtype === array.dtype));
  if (!code) throw new IdxError(`writeIdx: unknown dtype ${array.dtype}`);
  const size = DTYPES[code].bytes;
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) throw new IdxError(`writeIdx: ${array.data.length} values do not fill shape [${array.shape.join(',')}]`);
  const header = 4 + 4 * array.shape.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.shape.length;
  array.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const v = array.data[i];
    const at = header + i * size;
    if (array.dtype === 'uint8') view.setUint8(at, v);
    else if (array.dtype === 'int8') view.setInt8(at, v);
    else if (array.dtype === 'int16') view.setInt16(at, v, false);
    else if (array.dtype === 'int32') view.setInt32(at, v, false);
    else if (array.dtype === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}
