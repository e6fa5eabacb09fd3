import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, loadModel, SafetensorsError } from '@tensile/io';
import { useCpu } from './backend.js';
import { assemble } from './helpers.js';
import { rewrite } from './rewrite.js';

beforeAll(useCpu);

describe('JSON in files is scanned before it is parsed', () => {
  it('bounds nesting depth (100k levels used to overflow the stack)', () => {
    const deep = `{"__metadata__":{"a":"b"},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => decodeSafetensors(assemble(deep), { fileName: 'deep.safetensors' })).toThrow(
      new SafetensorsError('header nests deeper than 128 levels', { fileName: 'deep.safetensors' }),
    );
  });

  it('refuses duplicate keys and prototype names, naming where', () => {
    const entry = '{"dtype":"F32","shape":[0],"data_offsets":[0,0]}';
    expect(() => decodeSafetensors(assemble(`{"w":${entry},"w":${entry}}`), { fileName: 'f' })).toThrow(
      'safetensors: f: header has the key "w" twice',
    );
    expect(() => decodeSafetensors(assemble(`{"w":{"dtype":"F32","shape":[0],"shape":[0],"data_offsets":[0,0]}}`))).toThrow(
      'header has the key "shape" twice in w',
    );
    expect(() => decodeSafetensors(assemble(`{"w":${entry},"__proto__":${entry}}`))).toThrow('header has the reserved key "__proto__"');
    expect(() => decodeSafetensors(assemble(`{"__metadata__":{"constructor":"x"}}`))).toThrow(
      'header has the reserved key "constructor" in __metadata__',
    );
    // Escapes do not hide a duplicate.
    expect(() => decodeSafetensors(assemble(`{"w":${entry},"\\u0077":${entry}}`))).toThrow('header has the key "w" twice');
    // Brackets and quotes inside strings are not structure.
    expect(decodeSafetensors(assemble(`{"__metadata__":{"a":"[[{\\"}","b":"}"}}`)).metadata).toEqual({ a: '[[{"}', b: '}' });
  });

  it('applies the same checks to the architecture and state in the metadata', async () => {
    const file = encodeSafetensors(
      {},
      { format: 'tensile-model', version: '1', architecture: '{"type":"Identity","config":{},"config":{}}' },
    );
    await expect(loadModel(file, { fileName: 'a.tensile' })).rejects.toThrow(
      'safetensors: a.tensile: __metadata__.architecture has the key "config" twice',
    );
    const proto = rewrite(file, (m) => void (m.architecture = '{"type":"Identity","config":{"prototype":1}}'));
    await expect(loadModel(proto, { fileName: 'a.tensile' })).rejects.toThrow(
      '__metadata__.architecture has the reserved key "prototype" in config',
    );
  });
});
