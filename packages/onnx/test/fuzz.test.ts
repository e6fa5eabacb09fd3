import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { importOnnx, OnnxFormatError, readOnnx } from '@tensile/onnx';
import onnxProto from 'onnx-proto';
import { fixture, input } from './helpers.js';

/**
 * Mutates PyTorch-exported files many times, seeded, and imports each mutant:
 * it must import, or be refused with one of our named errors (a TensileError)
 * having allocated no tensor. A mutant that imports must run on the fixture's
 * input or fail with a TensileError too. Byte-level mutations (bit flips,
 * byte sets, truncations, insertions) exercise the protobuf decoder;
 * structural ones (re-encoded after editing dims, data, names, attributes)
 * reach the validation behind it.
 */
const SEED = 20261202;
const PER_KIND = 120;
const { onnx } = onnxProto;

function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

const HUGE = [2 ** 31, 2 ** 40, -1, -(2 ** 31), 0, 1e15, 3];

const byteMutations: ((b: Uint8Array, r: Random) => Uint8Array)[] = [
  (b, r) => {
    const c = b.slice();
    const i = r.int(c.length);
    c[i] = (c[i] as number) ^ (1 << r.int(8));
    return c;
  },
  (b, r) => {
    const c = b.slice();
    for (let k = 0; k < 1 + r.int(8); k++) c[r.int(c.length)] = r.pick([0, 0xff, 0x7f, 0x80, r.int(256)]);
    return c;
  },
  (b, r) => b.slice(0, r.int(b.length)),
  (b, r) => {
    const at = r.int(b.length);
    const extra = Uint8Array.from({ length: 1 + r.int(16) }, () => r.int(256));
    const c = new Uint8Array(b.length + extra.length);
    c.set(b.subarray(0, at));
    c.set(extra, at);
    c.set(b.subarray(at), at + extra.length);
    return c;
  },
];

// biome-ignore lint/suspicious/noExplicitAny: mutating decoded protobuf objects field by field
type Any = any;
const structuralMutations: ((m: Any, r: Random) => void)[] = [
  (m, r) => {
    const init = r.pick(m.graph.initializer) as Any;
    init.dims[r.int(init.dims.length || 1)] = r.pick(HUGE);
  },
  (m, r) => {
    const init = r.pick(m.graph.initializer) as Any;
    init.rawData = init.rawData.subarray(0, r.int(init.rawData.length));
  },
  (m, r) => {
    (r.pick(m.graph.initializer) as Any).dataType = r.pick([0, 2, 8, 10, 16, 99]);
  },
  (m, r) => {
    m.graph.initializer.splice(r.int(m.graph.initializer.length), 1);
  },
  (m, r) => {
    const node = r.pick(m.graph.node) as Any;
    if (node.input.length) node.input[r.int(node.input.length)] = r.pick(['', 'nowhere', node.output[0] ?? 'x']);
  },
  (m, r) => {
    (r.pick(m.graph.node) as Any).opType = r.pick(['', 'Frobnicate', 'Loop', 'If', 'Gemm', 'Relu', 'Reshape']);
  },
  (m, r) => {
    const node = r.pick(m.graph.node) as Any;
    const attr: Any = node.attribute.length ? r.pick(node.attribute) : null;
    if (!attr) return;
    if (attr.ints?.length) attr.ints[r.int(attr.ints.length)] = r.pick(HUGE);
    else attr.i = r.pick(HUGE);
    if (r.int(4) === 0) attr.type = r.pick([0, 5, 9, 11, 99]);
  },
  (m, r) => {
    const nodes = m.graph.node;
    const i = r.int(nodes.length);
    const j = r.int(nodes.length);
    [nodes[i], nodes[j]] = [nodes[j], nodes[i]];
  },
  (m, r) => {
    const dim = m.graph.input[0]?.type?.tensorType?.shape?.dim;
    if (dim?.length) dim[r.int(dim.length)] = r.pick([{ dimValue: r.pick(HUGE) }, { dimParam: 'n' }, {}]);
  },
  (m, r) => {
    m.opsetImport = r.pick([[], [{ domain: '', version: 99 }], [{ domain: 'com.x', version: 1 }]]);
  },
  (m, r) => {
    m.graph.output[0].name = r.pick(['', 'ghost', m.graph.input[0]?.name]);
  },
];

async function tryImport(bytes: Uint8Array, x: t.Tensor, label: string): Promise<'refused' | 'imported'> {
  const before = t.memory().tensors;
  let model: ReturnType<typeof importOnnx>;
  try {
    model = importOnnx(bytes);
  } catch (err) {
    if (!(err instanceof t.TensileError)) throw new Error(`${label}: refused with ${(err as Error).name}: ${(err as Error).message}`);
    expect(t.memory().tensors, `${label}: a refused file allocated tensors`).toBe(before);
    return 'refused';
  }
  try {
    t.tidy(() => {
      model.eval().call(x);
    });
  } catch (err) {
    if (!(err instanceof t.TensileError))
      throw new Error(`${label}: running failed with ${(err as Error).name}: ${(err as Error).message}`);
  }
  for (const p of [...model.parameters(), ...model.buffers()]) p.dispose();
  return 'imported';
}

beforeAll(async () => {
  await t.setBackend(cpu());
});

describe('importOnnx on hostile files', () => {
  for (const name of ['mlp', 'gru', 'lenet'] as const) {
    it(`${name}: byte mutations import or are refused by name`, async () => {
      const { bytes, input: spec } = fixture(name);
      const x = input(spec);
      const r = random(SEED);
      const counts = { refused: 0, imported: 0 };
      for (const [k, mutate] of byteMutations.entries())
        for (let i = 0; i < PER_KIND; i++) counts[await tryImport(mutate(bytes, r), x, `${name} byte kind ${k} #${i}`)]++;
      expect(counts.refused).toBeGreaterThan(0);
      x.dispose();
    });

    it(`${name}: structural mutations import or are refused by name`, async () => {
      const { bytes, input: spec } = fixture(name);
      const x = input(spec);
      const r = random(SEED + 1);
      const counts = { refused: 0, imported: 0 };
      for (const [k, mutate] of structuralMutations.entries())
        for (let i = 0; i < PER_KIND / 4; i++) {
          const m = onnx.ModelProto.decode(bytes);
          mutate(m, r);
          counts[await tryImport(onnx.ModelProto.encode(m).finish(), x, `${name} structural kind ${k} #${i}`)]++;
        }
      expect(counts.refused).toBeGreaterThan(0);
      x.dispose();
    });
  }

  it('refuses by size before decoding, and names what is wrong', () => {
    const { bytes } = fixture('mlp');
    expect(() => readOnnx(bytes, { maxBytes: 100 })).toThrow(/more than the limit of 100/);
    expect(() => readOnnx(new Uint8Array())).toThrow(OnnxFormatError);
    expect(() => readOnnx(bytes, { maxElements: 100 })).toThrow(/initializer '0.weight' has \[16, 8\]: more than 100 elements/);
    expect(() => readOnnx(bytes.subarray(0, 200))).toThrow(/not an ONNX protobuf/);
  });
});
