import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { DataLoader, TensorDataset } from '@tensile/data';
import { BatchNorm1d, Linear, ReLU, Sequential, type Module } from '@tensile/layers';
import { Adam, StepLR } from '@tensile/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeCheckpoint, encodeModel, loadCheckpoint, loadModel, loadSafetensors, saveSafetensors } from '@tensile/io';
import { contentChecksum } from '../src/checksum.js';

/**
 * Mutates a plain safetensors file, a model file and a checkpoint many
 * times, seeded, and loads each mutant: it must load, or be refused with one
 * of our named errors (TensileError), leak no tensor, and (checkpoints) leave
 * the model, optimizer, scheduler, loader and rng untouched when refused.
 * Byte-level mutations (bit flips, byte sets, truncations, insertions) hit
 * both checksummed files and version-1 files without a checksum; JSON-aware
 * ones (renamed or deleted keys, wrong types, huge numbers, 100k-deep
 * nesting, duplicate and __proto__ keys) re-seal the checksum so they reach
 * the validation behind it.
 */
const SEED = 20261202;
const PER_KIND = 3000;

/** mulberry32: a small seeded generator, so a failure names its seed and index. */
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
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A file's parts: the header JSON text and the data section. */
function split(bytes: Uint8Array): { header: string; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return { header: decoder.decode(bytes.subarray(8, 8 + n)), data: bytes.subarray(8 + n) };
}

function assemble(header: string, data: Uint8Array): Uint8Array {
  const text = encoder.encode(header);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

/** Raw JSON text spliced in where a placeholder string stands (what JSON.stringify cannot write). */
const raw = new Map<string, string>();
function rawValue(text: string): string {
  const marker = `@@raw${raw.size}@@`;
  raw.set(marker, text);
  return marker;
}
function stringifyWithRaw(value: unknown): string {
  let text = JSON.stringify(value);
  for (const [marker, rawText] of raw) text = text.split(JSON.stringify(marker)).join(rawText);
  return text;
}

/** Every [container, key] in a JSON tree, to pick one to mutate. */
function slots(root: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown) => {
    const children: [string | number, unknown][] = Array.isArray(v)
      ? [...v.entries()]
      : v !== null && typeof v === 'object'
        ? Object.entries(v)
        : [];
    for (const [key, item] of children) {
      out.push([v as Record<string, unknown> | unknown[], key]);
      walk(item);
    }
  };
  walk(root);
  return out;
}

const WRONG_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53,
  4294967296,
  '',
  'abc',
  'NaN',
  [],
  {},
  [1, 2],
  { $tensor: 'x' },
  { $number: 'Infinity' },
  { $number: 'oops' },
];

/** One JSON-aware mutation of a parsed tree, in place (or a replacement root). */
function mutateTree(root: unknown, r: Random): unknown {
  const all = slots(root);
  if (all.length === 0) return r.pick(WRONG_VALUES);
  const [container, key] = r.pick(all);
  const c = container as Record<string | number, unknown>;
  switch (r.int(8)) {
    case 0: // rename a key (a flipped character: "state" → "suate")
      if (!Array.isArray(container)) {
        const k = String(key);
        const i = r.int(Math.max(k.length, 1));
        const renamed = k.slice(0, i) + String.fromCharCode((k.charCodeAt(i) || 97) ^ (1 << r.int(5))) + k.slice(i + 1);
        const value = c[k];
        delete c[k];
        c[renamed] = value;
      }
      return root;
    case 1: // delete
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete c[key];
      return root;
    case 2: // wrong type or huge / negative / fractional number
      c[key] = structuredClone(r.pick(WRONG_VALUES));
      return root;
    case 3: // a number nudged
      if (typeof c[key] === 'number')
        c[key] = r.pick([(c[key] as number) + 1, -(c[key] as number), (c[key] as number) * 1e6, (c[key] as number) + 0.5]);
      else c[key] = r.int(1000);
      return root;
    case 4: // deep nesting
      c[key] = rawValue('['.repeat(100_000) + ']'.repeat(100_000));
      return root;
    case 5: // a duplicate key
      if (!Array.isArray(container)) c[key] = rawValue(`${JSON.stringify(c[key]) ?? 'null'},${JSON.stringify(String(key))}:1`);
      return root;
    case 6: // a prototype key
      if (!Array.isArray(container))
        c[key] = rawValue(
          `${JSON.stringify(c[key]) ?? 'null'},${JSON.stringify(r.pick(['__proto__', 'constructor', 'prototype']))}:{"polluted":1}`,
        );
      return root;
    default:
      {
        // swap two values
        const [other, otherKey] = r.pick(all);
        const o = other as Record<string | number, unknown>;
        [c[key], o[otherKey]] = [o[otherKey], c[key]];
      }
      return root;
  }
}

/** A JSON-aware mutant: the header itself, or one of its JSON metadata entries, re-sealed when it still decodes. */
function jsonMutant(bytes: Uint8Array, r: Random): Uint8Array {
  raw.clear();
  const { header, data } = split(bytes);
  const parsed = JSON.parse(header) as Record<string, unknown>;
  const metadata = parsed.__metadata__ as Record<string, string> | undefined;
  const jsonKeys = Object.keys(metadata ?? {}).filter((k) => k === 'architecture' || k === 'state');
  if (jsonKeys.length > 0 && r.next() < 0.7) {
    const key = r.pick(jsonKeys);
    const inner = mutateTree(JSON.parse(metadata![key]), r);
    metadata![key] = stringifyWithRaw(inner);
    raw.clear();
  } else {
    mutateTree(parsed, r);
  }
  const out = assemble(stringifyWithRaw(parsed), data);
  raw.clear();
  return reseal(out);
}

/** Recomputes the checksum of a file that still decodes, so the mutation is judged on its content. */
function reseal(bytes: Uint8Array): Uint8Array {
  let file: ReturnType<typeof decodeSafetensors>;
  try {
    file = decodeSafetensors(bytes);
  } catch {
    return bytes;
  }
  if (typeof file.metadata.checksum !== 'string') return bytes;
  const { header, data } = split(bytes);
  const parsed = JSON.parse(header);
  parsed.__metadata__.checksum = contentChecksum(file);
  return assemble(JSON.stringify(parsed), data);
}

/** A byte-level mutant: flipped bits, set bytes, a truncation, an insertion or a deletion. */
function byteMutant(bytes: Uint8Array, r: Random): Uint8Array {
  const headerEnd = 8 + split(bytes).header.length;
  const at = () => (r.next() < 0.75 ? r.int(headerEnd) : r.int(bytes.length));
  const out = bytes.slice();
  switch (r.int(5)) {
    case 0:
      for (let k = 1 + r.int(3); k > 0; k--) out[at()] ^= 1 << r.int(8);
      return out;
    case 1:
      out[at()] = r.pick([0, 0x22, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x5c, 0x30, 0x39, 0x2d, 0xff, r.int(256)]);
      return out;
    case 2:
      return bytes.slice(0, r.int(bytes.length));
    case 3: {
      const i = at();
      const inserted = Uint8Array.from({ length: 1 + r.int(16) }, () => r.int(256));
      const grown = new Uint8Array(bytes.length + inserted.length);
      grown.set(bytes.subarray(0, i));
      grown.set(inserted, i);
      grown.set(bytes.subarray(i), i + inserted.length);
      return grown;
    }
    default: {
      const i = at();
      const n = 1 + r.int(16);
      const shrunk = new Uint8Array(Math.max(0, bytes.length - n));
      shrunk.set(bytes.subarray(0, i).subarray(0, shrunk.length));
      if (i + n < bytes.length) shrunk.set(bytes.subarray(i + n), i);
      return shrunk;
    }
  }
}

/** The same file as version 1 (before checksums), so byte mutations reach the parsers behind the checksum. */
function withoutChecksum(bytes: Uint8Array): Uint8Array {
  const { header, data } = split(bytes);
  const parsed = JSON.parse(header);
  delete parsed.__metadata__.checksum;
  parsed.__metadata__.version = '1';
  return assemble(JSON.stringify(parsed), data);
}

interface Tally {
  runs: number;
  accepted: number;
  refused: number;
  foreign: string[];
  leaks: string[];
  changed: string[];
}

describe('fuzzing files: every malformed input gets our named error, leaks nothing and changes nothing', () => {
  beforeAll(async () => {
    await t.setBackend(cpu());
  });

  it('safetensors, model and checkpoint files', { timeout: 120_000 }, async () => {
    const rng = new t.Rng(7);
    const model = new Sequential(new Linear(3, 4, { rng }), new ReLU(), new BatchNorm1d(4), new Linear(4, 2, { rng }));
    const modelFile = await encodeModel(model, (await import('@tensile/layers')).moduleToSpec(model));
    const plain = await saveSafetensors(
      { w: t.randn([2, 3], { rng }), n: t.tensor(new Int32Array([1, -2, 3])), m: t.tensor([true, false]) },
      { metadata: { note: 'x' }, int64: ['n'] },
    );

    const make = (seed: number) => {
      const r = new t.Rng(seed);
      const m = new Sequential(new Linear(3, 4, { rng: r }), new ReLU(), new BatchNorm1d(4), new Linear(4, 2, { rng: r }));
      const optimizer = new Adam(m.parameters(), { lr: 0.01 });
      const scheduler = new StepLR(optimizer, { stepSize: 2 });
      const loader = new DataLoader(new TensorDataset(t.randn([6, 3], { rng: r })), { batchSize: 2, shuffle: true, seed: 3 });
      return { model: m, optimizer, scheduler, loader, rng: r };
    };
    const saved = make(1);
    const x = t.randn([5, 3], { rng });
    for (let i = 0; i < 2; i++) {
      const loss = t.tidy(() => (saved.model.call(x) as t.Tensor).square().mean());
      loss.backward();
      loss.dispose();
      saved.optimizer.step();
      saved.scheduler.step();
    }
    const checkpoint = await encodeCheckpoint({
      ...saved,
      epoch: 2,
      step: 6,
      architecture: (await import('@tensile/layers')).moduleToSpec(saved.model),
    });
    const target = make(2);
    const snapshot = async () => {
      const state = target.optimizer.stateDict();
      const values = await Promise.all(
        [...Object.values(target.model.stateDict()), ...Object.values(state.state)].map(async (v) =>
          Array.from(await v.data<Float32Array>()),
        ),
      );
      t.dispose(Object.values(state.state));
      return JSON.stringify([
        values,
        state.meta,
        target.scheduler.stateDict(),
        target.loader.stateDict(),
        target.rng.getState(),
        target.optimizer.paramGroups.map(({ params: _p, ...h }) => h),
      ]);
    };
    const into = { ...target, fileName: 'fuzz.ckpt' };
    await loadCheckpoint(checkpoint, into);
    const pristine = await snapshot();

    const kinds: [string, Uint8Array, (bytes: Uint8Array) => Promise<void>][] = [
      ['safetensors', plain, async (b) => t.dispose(Object.values(loadSafetensors(b, { fileName: 'fuzz.safetensors' })))],
      ['model', modelFile, async (b) => ((await loadModel(b, { fileName: 'fuzz.tensile' })) as Module).dispose()],
      ['checkpoint', checkpoint, async (b) => void (await loadCheckpoint(b, into))],
    ];
    const tallies: Record<string, Tally> = {};
    const r = random(SEED);
    const started = performance.now();
    for (const [kind, original, load] of kinds) {
      const tally: Tally = { runs: 0, accepted: 0, refused: 0, foreign: [], leaks: [], changed: [] };
      tallies[kind] = tally;
      const legacy = kind === 'safetensors' ? original : withoutChecksum(original);
      for (let i = 0; i < PER_KIND; i++) {
        const how = r.int(3);
        const mutant = how === 0 ? byteMutant(original, r) : how === 1 ? byteMutant(legacy, r) : jsonMutant(original, r);
        const label = `${kind} #${i} (seed ${SEED}, ${['bytes', 'bytes, version 1', 'json'][how]})`;
        const before = t.memory().tensors;
        tally.runs++;
        try {
          await load(mutant);
          tally.accepted++;
          if (kind === 'checkpoint') await loadCheckpoint(checkpoint, into); // back to the pristine state
        } catch (err) {
          if (err instanceof t.TensileError) tally.refused++;
          else tally.foreign.push(`${label}: ${(err as Error)?.name}: ${String((err as Error)?.message).slice(0, 200)}`);
          if (kind === 'checkpoint' && (await snapshot()) !== pristine) {
            tally.changed.push(label);
            await loadCheckpoint(checkpoint, into);
          }
        }
        if (t.memory().tensors !== before) tally.leaks.push(`${label}: ${t.memory().tensors - before} tensors`);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz (seed ${SEED}, ${seconds} s): ` +
        Object.entries(tallies)
          .map(
            ([k, v]) =>
              `${k}: ${v.runs} mutants, ${v.accepted} accepted, ${v.refused} refused, ${v.foreign.length} foreign errors, ${v.leaks.length} leaks, ${v.changed.length} changed`,
          )
          .join('; '),
    );
    for (const tally of Object.values(tallies)) {
      expect(tally.foreign.slice(0, 10)).toEqual([]);
      expect(tally.leaks.slice(0, 10)).toEqual([]);
      expect(tally.changed.slice(0, 10)).toEqual([]);
      expect(tally.refused).toBeGreaterThan(tally.runs / 2);
    }
    x.dispose();
  });
});
