import * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, tensorValues } from '@tensile/io';
import { assemble, fixture } from './helpers.js';

const NAME = { fileName: 'model.safetensors' };
const decode = (bytes: Uint8Array) => () => decodeSafetensors(bytes, NAME);
const entry = (dtype: string, shape: number[], begin: number, end: number) =>
  `{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":[${begin},${end}]}`;

describe('decodeSafetensors refuses bad files with an error naming file, tensor and problem', () => {
  const good = fixture('torch-dtypes.safetensors');

  it('refuses every truncation of a real file, never crashing in a typed array', () => {
    for (let cut = 0; cut < good.byteLength; cut++) {
      let error: unknown;
      try {
        decodeSafetensors(good.subarray(0, cut), NAME);
      } catch (err) {
        error = err;
      }
      expect(error, `cut at ${cut}`).toBeInstanceOf(SafetensorsError);
      expect(error).toBeInstanceOf(t.TensileError);
      expect((error as Error).message).toMatch(/^safetensors: model\.safetensors: /);
    }
  });

  it('names a truncated header and a truncated data section', () => {
    expect(decode(good.subarray(0, 5))).toThrow(
      'safetensors: model.safetensors: file is 5 bytes, shorter than the 8-byte header length field (truncated?)',
    );
    expect(decode(good.subarray(0, 100))).toThrow(/header length \d+ runs past the end of the 100-byte file/);
    expect(decode(good.subarray(0, good.byteLength - 1))).toThrow(
      /tensor "\w+": data_offsets \[\d+, \d+\] run past the end of the \d+-byte data section \(truncated file\?\)/,
    );
  });

  it('refuses an oversized header length', () => {
    const huge = assemble('{}', [], 0);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(decode(huge)).toThrow(/header length 9223372036854775808 exceeds the 100000000-byte limit/);
    new DataView(huge.buffer).setBigUint64(0, 100_000_001n, true);
    expect(decode(huge)).toThrow(/exceeds the 100000000-byte limit/);
    new DataView(huge.buffer).setBigUint64(0, 64n, true);
    expect(decode(huge)).toThrow(/header length 64 runs past the end of the 10-byte file/);
  });

  it('refuses a header that is not UTF-8, not JSON, or not an object', () => {
    const bad = assemble('{}');
    bad[9] = 0xff;
    expect(decode(bad)).toThrow(/header is not valid UTF-8/);
    expect(decode(assemble('[1,2]   '))).toThrow(/header does not start with '\{'/);
    expect(decode(assemble('{"a":'))).toThrow(/header is not valid JSON/);
    expect(decode(assemble('{"a":1}'))).toThrow(/tensor "a": header entry must be an object/);
    expect(decode(assemble('{"__metadata__":{"x":1}}'))).toThrow(/__metadata__ value for "x" must be a string/);
    expect(decode(assemble('{}\0\0\0\0\0\0'))).toThrow(/header is not valid JSON/);
  });

  it('refuses unknown dtypes and malformed shapes or offsets', () => {
    expect(decode(assemble(`{"w":${entry('Q7', [1], 0, 1)}}`, [0]))).toThrow(/model\.safetensors: tensor "w": unknown dtype "Q7"/);
    expect(decode(assemble(`{"w":${entry('F8_E4M3', [1], 0, 1)}}`, [0]))).toThrow(/tensor "w": dtype F8_E4M3 is not supported/);
    expect(decode(assemble(`{"w":${entry('U8', [-1], 0, 1)}}`, [0]))).toThrow(/shape \[-1\] must be/);
    expect(decode(assemble(`{"w":${entry('U8', [1.5], 0, 1)}}`, [0]))).toThrow(/shape \[1.5\] must be/);
    expect(decode(assemble('{"w":{"dtype":"U8","shape":[1],"data_offsets":[0]}}', [0]))).toThrow(
      /data_offsets \[0\] must be \[begin, end\]/,
    );
    expect(decode(assemble(`{"w":${entry('U8', [0], 1, 0)}}`, [0]))).toThrow(/data_offsets \[1, 0\] end before/);
  });

  it('refuses a shape and dtype whose size differs from the byte range', () => {
    expect(decode(assemble(`{"w":${entry('F32', [2, 2], 0, 12)}}`, new Array(12).fill(0)))).toThrow(
      'safetensors: model.safetensors: tensor "w": F32 [2, 2] needs 16 bytes but data_offsets [0, 12] hold 12 (shape, dtype and offsets disagree)',
    );
    expect(decode(assemble(`{"w":${entry('F64', [2 ** 50, 2 ** 10], 0, 8)}}`, [0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/is too large/);
  });

  it('refuses holes, overlaps and trailing bytes', () => {
    const data = new Array(16).fill(0);
    expect(decode(assemble(`{"a":${entry('F32', [1], 4, 8)},"b":${entry('F32', [2], 8, 16)}}`, data))).toThrow(
      /tensor "a": data_offsets \[4, 8\] leave a hole at bytes 0\.\.4 at the start of the data/,
    );
    expect(decode(assemble(`{"a":${entry('F32', [1], 0, 4)},"b":${entry('F32', [2], 8, 16)}}`, data))).toThrow(
      /tensor "b": data_offsets \[8, 16\] leave a hole at bytes 4\.\.8 after tensor "a"/,
    );
    expect(decode(assemble(`{"a":${entry('F32', [3], 0, 12)},"b":${entry('F32', [2], 8, 16)}}`, data))).toThrow(
      /tensor "b": data_offsets \[8, 16\] overlap tensor "a" \[0, 12\]/,
    );
    expect(decode(assemble(`{"a":${entry('F32', [2], 0, 8)}}`, data))).toThrow(
      /the tensors cover 8 bytes of data but the file holds 16 \(trailing bytes\)/,
    );
  });

  it('refuses corrupted bytes anywhere in the header, never crashing', () => {
    const headerEnd = 8 + Number(new DataView(good.buffer, good.byteOffset).getBigUint64(0, true));
    for (let at = 0; at < headerEnd; at++) {
      for (const value of [0x00, 0x22, 0x7b, 0x39]) {
        if (good[at] === value) continue;
        const bytes = good.slice();
        bytes[at] = value;
        let file: ReturnType<typeof decodeSafetensors>;
        try {
          file = decodeSafetensors(bytes, NAME);
        } catch (err) {
          expect(err, `byte ${at} = ${value}`).toBeInstanceOf(SafetensorsError);
          continue;
        }
        // A change that still parses (e.g. inside a metadata string) must still tile the data exactly.
        for (const name of file.names) tensorValues(file.tensors[name], { tensor: name });
      }
    }
  });

  it('refuses integers that do not fit int32, naming the element', () => {
    const bytes = encodeSafetensors({ idx: { dtype: 'I64', shape: [2], data: new BigInt64Array([5n, 2n ** 40n]) } });
    const file = decodeSafetensors(bytes, NAME);
    expect(() => tensorValues(file.tensors.idx, { ...NAME, tensor: 'idx' })).toThrow(
      'safetensors: model.safetensors: tensor "idx": I64 element 1 is 1099511627776, outside the int32 range Tensile stores integers in',
    );
    const neg = decodeSafetensors(encodeSafetensors({ i: { dtype: 'I64', shape: [1], data: new BigInt64Array([-(2n ** 31n) - 1n]) } }));
    expect(() => tensorValues(neg.tensors.i)).toThrow(/I64 element 0 is -2147483649/);
    const u64 = decodeSafetensors(encodeSafetensors({ u: { dtype: 'U64', shape: [1], data: new BigUint64Array([2n ** 31n]) } }));
    expect(() => tensorValues(u64.tensors.u)).toThrow(/U64 element 0 is 2147483648/);
  });
});
