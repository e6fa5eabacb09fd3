import type { SafetensorsTensor } from './decode.js';
import { SafetensorsError } from './errors.js';
import { assertLittleEndianHost } from './host.js';

/** The dtypes a Tensile tensor can hold. */
export type TensileDtype = 'float32' | 'float64' | 'int32' | 'bool';

/** Values in the typed array Tensile uses for each of its dtypes. */
export type TensileValues = Float32Array | Float64Array | Int32Array | Uint8Array;

export interface ConvertedValues {
  dtype: TensileDtype;
  values: TensileValues;
}

/**
 * Converts a decoded tensor's raw bytes to the values of a Tensile dtype:
 * F32 → float32, F64 → float64, F16/BF16 → float32 (exact), I8/U8/I16/U16/I32
 * → int32, I64/U32/U64 → int32 when every value fits (else an error naming
 * the first one that does not), BOOL → bool (any non-zero byte is true).
 * Always copies, so the result is aligned and independent of the file bytes.
 */
export function tensorValues(tensor: SafetensorsTensor, where: { fileName?: string; tensor?: string } = {}): ConvertedValues {
  assertLittleEndianHost();
  // A copy into a buffer of its own, aligned for any element size. Not
  // `.slice()`: on a Node Buffer that is a view into a shared pool, whose
  // `.buffer` holds other data too.
  const raw = new Uint8Array(tensor.data.byteLength);
  raw.set(tensor.data);
  const buffer = raw.buffer;
  switch (tensor.dtype) {
    case 'F32':
      return { dtype: 'float32', values: new Float32Array(buffer) };
    case 'F64':
      return { dtype: 'float64', values: new Float64Array(buffer) };
    case 'F16':
      return { dtype: 'float32', values: halfToFloat32(new Uint16Array(buffer)) };
    case 'BF16':
      return { dtype: 'float32', values: bfloat16ToFloat32(new Uint16Array(buffer)) };
    case 'I32':
      return { dtype: 'int32', values: new Int32Array(buffer) };
    case 'I16':
      return { dtype: 'int32', values: Int32Array.from(new Int16Array(buffer)) };
    case 'U16':
      return { dtype: 'int32', values: Int32Array.from(new Uint16Array(buffer)) };
    case 'I8':
      return { dtype: 'int32', values: Int32Array.from(new Int8Array(buffer)) };
    case 'U8':
      return { dtype: 'int32', values: Int32Array.from(raw) };
    case 'U32':
      return { dtype: 'int32', values: narrowUint32(new Uint32Array(buffer), where) };
    case 'I64':
      return { dtype: 'int32', values: narrowInt64(new Int32Array(buffer), true, where) };
    case 'U64':
      return { dtype: 'int32', values: narrowInt64(new Int32Array(buffer), false, where) };
    case 'BOOL':
      for (let i = 0; i < raw.length; i++) raw[i] = raw[i] !== 0 ? 1 : 0;
      return { dtype: 'bool', values: raw };
  }
}

/**
 * 64-bit integers arrive as (low, high) int32 word pairs; one fits in int32
 * exactly when its high word is the sign extension of its low word.
 */
function narrowInt64(words: Int32Array, signed: boolean, where: { fileName?: string; tensor?: string }): Int32Array {
  const out = new Int32Array(words.length / 2);
  for (let i = 0; i < out.length; i++) {
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    if (hi !== (lo < 0 ? -1 : 0) || (!signed && lo < 0)) {
      const big = new DataView(words.buffer, words.byteOffset + 8 * i, 8);
      const value = signed ? big.getBigInt64(0, true) : big.getBigUint64(0, true);
      throw new SafetensorsError(
        `${signed ? 'I64' : 'U64'} element ${i} is ${value}, outside the int32 range Tensile stores integers in`,
        where,
      );
    }
    out[i] = lo;
  }
  return out;
}

function narrowUint32(values: Uint32Array, where: { fileName?: string; tensor?: string }): Int32Array {
  const bad = values.findIndex((v) => v > 0x7fffffff);
  if (bad >= 0) {
    throw new SafetensorsError(`U32 element ${bad} is ${values[bad]}, outside the int32 range`, where);
  }
  return new Int32Array(values.buffer, values.byteOffset, values.length);
}

/** bfloat16 is the top half of a float32: shift the bits into place. */
function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
  return new Float32Array(words.buffer);
}

/** IEEE 754 binary16 → float32, exact for normals, subnormals, ±0, ±Inf and NaN. */
function halfToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfToNumber(bits[i]);
  return out;
}

export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // subnormal (or zero)
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
