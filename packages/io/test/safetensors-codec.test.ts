import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, tensorValues } from '@tensile/io';
import { fixture, fixtureJson } from './helpers.js';

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe('safetensors bytes from the published format, assembled by hand', () => {
  // 8-byte LE header length (136 = 0x88), the JSON header padded with spaces
  // to a multiple of 8, then F32 [1, -2] and I32 [-5], little-endian.
  const header =
    '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}}   ';
  const literal = new Uint8Array([
    0x88,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...ascii(header),
    0x00,
    0x00,
    0x80,
    0x3f,
    0x00,
    0x00,
    0x00,
    0xc0,
    0xfb,
    0xff,
    0xff,
    0xff,
  ]);

  it('matches the committed fixture (written with printf) byte for byte', () => {
    expect(fixture('spec-example.safetensors')).toEqual(literal);
  });

  it('decodes it', () => {
    const file = decodeSafetensors(literal);
    expect(file.metadata).toEqual({ k: 'v' });
    expect(file.names).toEqual(['a', 'b']);
    expect(file.headerLength).toBe(136);
    expect(file.tensors.a.shape).toEqual([2]);
    expect(tensorValues(file.tensors.a)).toEqual({ dtype: 'float32', values: new Float32Array([1, -2]) });
    expect(tensorValues(file.tensors.b)).toEqual({ dtype: 'int32', values: new Int32Array([-5]) });
  });

  it('encodes the same tensors to exactly those bytes', () => {
    const bytes = encodeSafetensors(
      { b: { dtype: 'I32', shape: [1], data: new Int32Array([-5]) }, a: { dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) } },
      { k: 'v' },
    );
    expect(bytes).toEqual(literal);
  });

  it("reproduces the reference writer's own test vectors", () => {
    // An empty file: header "{}" padded to 8 bytes.
    expect(encodeSafetensors({})).toEqual(new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, ...ascii('{}      ')]));
    // Only metadata: 35 bytes of JSON padded to 40.
    expect(encodeSafetensors({}, { framework: 'pt' })).toEqual(
      new Uint8Array([40, 0, 0, 0, 0, 0, 0, 0, ...ascii('{"__metadata__":{"framework":"pt"}}     ')]),
    );
    // One F32 tensor [1,2,3] = 0..5; 64 bytes of JSON need no padding.
    const out = encodeSafetensors({ 'attn.0': { dtype: 'F32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(64);
    expect(out.subarray(0, 8 + 64)).toEqual(new Uint8Array([64, 0, 0, 0, 0, 0, 0, 0, ...ascii(json)]));
    expect(out.byteLength).toBe(8 + 64 + 24);
  });
});

describe('safetensors written by PyTorch (scripts/gen_torch_fixtures.py)', () => {
  const bytes = fixture('torch-dtypes.safetensors');
  const expected = fixtureJson<Record<string, { shape: number[]; values: (number | string)[] }>>('torch-dtypes.json');

  it('reads every dtype to the values PyTorch had', () => {
    const file = decodeSafetensors(bytes, { fileName: 'torch-dtypes.safetensors' });
    expect(file.metadata).toEqual({ format: 'pt', note: 'written by gen_torch_fixtures.py' });
    expect(new Set(file.names)).toEqual(new Set(Object.keys(expected)));
    for (const [name, want] of Object.entries(expected)) {
      const got = tensorValues(file.tensors[name], { tensor: name });
      expect(file.tensors[name].shape, name).toEqual(want.shape);
      const values = want.values.map((v) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v));
      expect(Array.from(got.values), name).toEqual(values);
    }
    expect(tensorValues(file.tensors.f64).dtype).toBe('float64');
    expect(tensorValues(file.tensors.f16).dtype).toBe('float32');
    expect(tensorValues(file.tensors.i64).dtype).toBe('int32');
    expect(tensorValues(file.tensors.mask).dtype).toBe('bool');
  });

  it('re-encodes the decoded file to every same byte', () => {
    const file = decodeSafetensors(bytes);
    // Reference order reproduces the writer's layout...
    expect(encodeSafetensors(file.tensors, file.metadata)).toEqual(bytes);
    // ...and 'given' order with the file's own order does too.
    const inFileOrder = new Map(file.names.map((n) => [n, file.tensors[n]] as const));
    expect(encodeSafetensors(inFileOrder, file.metadata, { order: 'given' })).toEqual(bytes);
  });

  it('round-trips a file in a non-reference order byte for byte', () => {
    const custom = encodeSafetensors(
      new Map([
        ['z', { dtype: 'U8' as const, shape: [3], data: new Uint8Array([1, 2, 3]) }],
        ['a', { dtype: 'F64' as const, shape: [1], data: new Float64Array([Math.PI]) }],
      ]),
      { b: '2', a: '1' },
      { order: 'given' },
    );
    const file = decodeSafetensors(custom);
    expect(file.names).toEqual(['z', 'a']);
    const again = encodeSafetensors(new Map(file.names.map((n) => [n, file.tensors[n]] as const)), file.metadata, {
      order: 'given',
    });
    expect(again).toEqual(custom);
  });
});

describe('encodeSafetensors', () => {
  it('writes int32 data as I64, sign-extended, for PyTorch index tensors', () => {
    const bytes = encodeSafetensors({ idx: { dtype: 'I64', shape: [3], data: new Int32Array([1, -1, 2147483647]) } });
    const file = decodeSafetensors(bytes);
    expect(Array.from(new BigInt64Array(file.tensors.idx.data.slice().buffer))).toEqual([1n, -1n, 2147483647n]);
    expect(tensorValues(file.tensors.idx).values).toEqual(new Int32Array([1, -1, 2147483647]));
  });

  it('sorts tensors by descending alignment then name, so each starts aligned', () => {
    const file = decodeSafetensors(
      encodeSafetensors({
        flag: { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
        b: { dtype: 'F32', shape: [1], data: new Float32Array([1]) },
        a: { dtype: 'F32', shape: [1], data: new Float32Array([2]) },
        d: { dtype: 'F64', shape: [1], data: new Float64Array([3]) },
      }),
    );
    expect(file.names).toEqual(['d', 'a', 'b', 'flag']);
    expect((8 + file.headerLength) % 8).toBe(0);
  });

  it('refuses data that does not match dtype and shape', () => {
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } })).toThrow(
      /tensor "w": cannot write: F32 \[2,2\] needs 16 bytes \(4 elements\) but data has 12 bytes/,
    );
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float64Array(2) } })).toThrow(
      /F32 data must be a Uint8Array of raw bytes or a Float32Array, got Float64Array/,
    );
    expect(() => encodeSafetensors({ w: { dtype: 'X9' as never, shape: [1], data: new Uint8Array(1) } })).toThrow(/unknown dtype "X9"/);
    expect(() => encodeSafetensors({ w: { dtype: 'U8', shape: [-1], data: new Uint8Array(1) } })).toThrow(
      /shape \[-1\] must be an array of non-negative integers/,
    );
    expect(() => encodeSafetensors({ m: { dtype: 'BOOL', shape: [2], data: new Uint8Array([0, 2]) } })).toThrow(
      /BOOL data must be 0 or 1, element 1 is 2/,
    );
    expect(() => encodeSafetensors({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } })).toThrow(/reserved/);
    expect(() => encodeSafetensors({}, { n: 1 as unknown as string })).toThrow(/metadata value for "n" must be a string/);
  });
});
