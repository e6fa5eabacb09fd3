import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { wasm } from '@tensile/backend-wasm';
import { DataLoader, TensorDataset } from '@tensile/data';
import { Linear, ReLU, Sequential } from '@tensile/layers';
import { Adam, StepLR } from '@tensile/optim';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCheckpoint, loadCheckpoint, loadSafetensors, saveCheckpoint } from '@tensile/io';
import { type LooseJson, rewrite, rewriteJson } from './rewrite.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-io-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a training run holds: model, Adam, StepLR, a shuffling loader and an rng. */
function rig(seed: number) {
  const rng = new t.Rng(seed);
  const model = new Sequential(new Linear(4, 8, { rng }), new ReLU(), new Linear(8, 2, { rng }));
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new StepLR(optimizer, { stepSize: 2 });
  const data = new TensorDataset(t.randn([10, 4], { rng }), t.randn([10, 2], { rng }));
  const loader = new DataLoader(data, { batchSize: 4, shuffle: true, seed: 1 });
  return { model, optimizer, scheduler, loader, rng, data };
}
type Rig = ReturnType<typeof rig>;

function train(r: Rig, steps: number): void {
  const x = t.randn([3, 4], { rng: r.rng });
  for (let i = 0; i < steps; i++) {
    const loss = t.tidy(() => (r.model.call(x) as t.Tensor).square().mean());
    loss.backward();
    loss.dispose();
    r.optimizer.step();
    r.optimizer.zeroGrad();
    r.scheduler.step();
  }
  x.dispose();
}

async function checkpointOf(r: Rig): Promise<Uint8Array> {
  return encodeCheckpoint({
    model: r.model,
    optimizer: r.optimizer,
    scheduler: r.scheduler,
    loader: r.loader,
    rng: r.rng,
    epoch: 3,
    step: 12,
  });
}

const into = (r: Rig, fileName = 'c.ckpt') => ({
  model: r.model,
  optimizer: r.optimizer,
  scheduler: r.scheduler,
  loader: r.loader,
  rng: r.rng,
  fileName,
});

/** Everything a load could change, as plain values. */
async function snapshot(r: Rig): Promise<unknown> {
  const tensors = async (record: Record<string, t.Tensor>) => {
    const out: Record<string, number[]> = {};
    for (const [k, x] of Object.entries(record)) out[k] = Array.from(await x.data<Float32Array>());
    return out;
  };
  const opt = r.optimizer.stateDict();
  const optimizerState = await tensors(opt.state);
  t.dispose(Object.values(opt.state));
  return {
    model: await tensors(r.model.stateDict()),
    optimizer: { meta: JSON.parse(JSON.stringify(opt.meta)), state: optimizerState },
    scheduler: JSON.parse(JSON.stringify(r.scheduler.stateDict())),
    groups: JSON.parse(JSON.stringify(r.optimizer.paramGroups.map(({ params: _p, ...h }) => h))),
    loader: r.loader.stateDict(),
    rng: r.rng.getState(),
  };
}

for (const [name, make] of [
  ['cpu', () => cpu()],
  ['wasm', () => wasm()],
] as const) {
  describe(`loadCheckpoint on ${name}`, () => {
    beforeAll(async () => {
      await t.setBackend(make());
    });

    it('keeps the live tensors and backend memory flat over many loads (the optimizer copies; the file’s tensors are freed)', async () => {
      const saved = rig(1);
      train(saved, 3);
      const bytes = await checkpointOf(saved);
      const target = rig(2);
      await loadCheckpoint(bytes, into(target));
      const before = t.memory();
      for (let i = 0; i < 200; i++) await loadCheckpoint(bytes, into(target));
      expect(t.memory().tensors).toBe(before.tensors);
      expect(t.memory().backend).toEqual(before.backend);
      expect(await snapshot(target)).toEqual(await snapshot(saved));
    });
  });
}

describe('a refused checkpoint changes nothing', () => {
  beforeAll(async () => {
    await t.setBackend(cpu());
  });

  it('refuses insane values with a named error naming the file and field, and leaves every part as it was', async () => {
    const saved = rig(1);
    train(saved, 3);
    const good = await checkpointOf(saved);
    const state = (change: (s: LooseJson) => unknown) => rewriteJson(good, 'state', change);
    const group = (change: (g: LooseJson) => void) => state((s) => void change(s.optimizer.meta.groups[0]));
    const flipped = (text: string, from: string, to: string) => {
      const bytes = good.slice();
      const at = Buffer.from(bytes).indexOf(text);
      expect(at, text).toBeGreaterThan(0);
      bytes[at + text.indexOf(from)] = to.charCodeAt(0);
      return bytes;
    };
    const refused: [string, Uint8Array, RegExp][] = [
      ['epoch -5', state((s) => void (s.epoch = -5)), /c.ckpt: __metadata__.state.epoch must be a non-negative integer or null, got -5/],
      ['epoch 1.5', state((s) => void (s.epoch = 1.5)), /state.epoch must be a non-negative integer/],
      ['epoch 1e308', state((s) => void (s.epoch = 1e308)), /state.epoch must be a non-negative integer/],
      ['step -1', state((s) => void (s.step = -1)), /state.step must be a non-negative integer/],
      ['lr -1', group((g) => (g.lr = -1)), /c.ckpt: __metadata__.state.optimizer: meta.groups.0: Adam: lr must be ≥ 0, got -1/],
      ['lr NaN', group((g) => (g.lr = { $number: 'NaN' })), /lr must be a finite number, got NaN/],
      ['lr "abc"', group((g) => (g.lr = 'abc')), /lr must be a finite number, got "abc"/],
      ['betas [5,5]', group((g) => (g.betas = [5, 5])), /betas\[0\] must be in \[0, 1\), got 5/],
      ['eps -1', group((g) => (g.eps = -1)), /eps must be in \[0, Infinity\), got -1/],
      [
        'scheduler step: 5',
        state((s) => void (s.scheduler.meta.step = 5)),
        /__metadata__.state.scheduler: meta has an unknown field "step"/,
      ],
      ['rng all zeros', state((s) => void (s.rng = [0, 0, 0, 0])), /__metadata__.state.rng: the state is all zeros/],
      [
        'loader batchSize 3',
        state((s) => void (s.loader.batchSize = 3)),
        /__metadata__.state.loader: the state was saved with batchSize 3, this loader has 4/,
      ],
      [
        '"state" renamed "suate"',
        state((s) => {
          s.optimizer.suate = s.optimizer.state;
          delete s.optimizer.state;
        }),
        /state.optimizer: the state dict lacks "state"/,
      ],
      ['epoch missing', state((s) => void delete s.epoch), /__metadata__.state lacks "epoch"/],
      [
        'a dangling tensor reference',
        state((s) => void (s.optimizer.state['0.expAvg'] = { $tensor: 'optimizer.nope' })),
        /refers to tensor "optimizer.nope", which the file lacks/,
      ],
      ['weightDecay 0 → 2 (one bit)', flipped('\\"weightDecay\\":0', '0', '2'), /c.ckpt: checksum mismatch/],
      [
        'a flipped weight byte',
        (() => {
          const b = good.slice();
          b[b.length - 5] ^= 0x10;
          return b;
        })(),
        /c.ckpt: checksum mismatch/,
      ],
    ];
    const target = rig(2);
    train(target, 1);
    const before = await snapshot(target);
    const tensors = t.memory().tensors;
    for (const [what, bytes, message] of refused) {
      const err = await loadCheckpoint(bytes, into(target)).catch((e: unknown) => e);
      expect(err, what).toBeInstanceOf(t.TensileError);
      expect((err as Error).message, what).toMatch(message);
      expect(await snapshot(target), what).toEqual(before);
      expect(t.memory().tensors, what).toBe(tensors);
    }
    // The untouched file loads, and so does one from before checksums (version 1).
    const legacy = rewrite(good, (m) => void (m.version = '1'), { seal: false });
    for (const bytes of [good, legacy]) {
      await loadCheckpoint(bytes, into(rig(3)));
      await loadCheckpoint(bytes, into(target));
      expect(await snapshot(target)).toEqual(await snapshot(saved));
    }
  });
});

describe('files read the way Node reads them', () => {
  beforeAll(async () => {
    await t.setBackend(cpu());
  });

  it('decode Buffers from readFileSync and views at odd offsets into larger buffers exactly', async () => {
    const saved = rig(1);
    train(saved, 2);
    const path = join(dir, 'c.ckpt');
    await saveCheckpoint({ model: saved.model, optimizer: saved.optimizer, scheduler: saved.scheduler, epoch: 1 }, path);
    const bytes = new Uint8Array(readFileSync(path));
    const expected = loadSafetensors(bytes);
    const values = async (record: Record<string, t.Tensor>) =>
      Object.fromEntries(
        await Promise.all(Object.entries(record).map(async ([k, x]) => [k, [x.shape, Array.from(await x.data<Float32Array>())]])),
      );
    const want = await values(expected);

    const small = join(dir, 'small.safetensors');
    writeFileSync(small, bytes);
    const views: [string, Uint8Array][] = [
      ['readFileSync', readFileSync(path)],
      ['a pooled Buffer', Buffer.from(bytes)],
      ['Buffer.concat', Buffer.concat([Buffer.from(bytes)])],
    ];
    for (const offset of [1, 3, 7, 13]) {
      const big = new Uint8Array(bytes.length + offset + 11).fill(0xab);
      big.set(bytes, offset);
      views.push([`a subarray at offset ${offset}`, big.subarray(offset, offset + bytes.length)]);
    }
    for (const [what, view] of views) {
      const loaded = loadSafetensors(view, { fileName: what });
      expect(await values(loaded), what).toEqual(want);
      t.dispose(Object.values(loaded));
      const target = rig(2);
      await loadCheckpoint(view, { model: target.model, optimizer: target.optimizer, scheduler: target.scheduler, fileName: what });
      expect(((await snapshot(target)) as { model: unknown }).model, what).toEqual(((await snapshot(saved)) as { model: unknown }).model);
    }
    t.dispose(Object.values(expected));
  });
});
