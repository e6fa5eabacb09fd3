import * as t from '@tensile/core';
import { movementViewCases } from './movement.js';

export interface MemoryCase {
  name: string;
  run(): Promise<void>;
}

function check(label: string, got: number, expected: number): void {
  if (got !== expected) throw new Error(`${label}: ${got}, expected ${expected}`);
}

export const memoryCases: MemoryCase[] = [
  ...movementViewCases,
  {
    name: 'tidy frees temporaries and keeps what it returns',
    run: async () => {
      const before = t.memory();
      const x = t.ones([8, 8]);
      const y = t.tidy(() => x.mul(2).add(1).relu().sum(1));
      const after = t.memory();
      check('live tensors', after.tensors, before.tensors + 2);
      check('live handles', after.backend.liveHandles, before.backend.liveHandles + 2);
      expect2(await y.data(), 3 * 8);
      t.dispose([x, y]);
      check('live tensors after dispose', t.memory().tensors, before.tensors);
      check('live handles after dispose', t.memory().backend.liveHandles, before.backend.liveHandles);
    },
  },
  {
    name: 'backward frees the graph; a training loop stays flat',
    run: async () => {
      const w = t.randn([6, 4], { rng: new t.Rng(1), requiresGrad: true });
      const x = t.randn([5, 6], { rng: new t.Rng(2) });
      const step = () => {
        const loss = t.tidy(() => x.matmul(w).tanh().square().mean());
        loss.backward();
        t.noGrad(() => {
          const next = t.tidy(() => w.sub(w.grad!.mul(0.1)));
          // In-place update without a new leaf: swap the storage contents by copy.
          w.grad!.dispose();
          w.grad = null;
          next.dispose();
        });
        loss.dispose();
      };
      step();
      const base = t.memory();
      for (let i = 0; i < 20; i++) step();
      const end = t.memory();
      check('live tensors over 20 steps', end.tensors, base.tensors);
      check('live handles over 20 steps', end.backend.liveHandles, base.backend.liveHandles);
      t.dispose([w, x]);
    },
  },
  {
    name: 'dispose is idempotent; a disposed tensor is refused by name',
    run: async () => {
      const x = t.ones([2, 3]);
      x.dispose();
      x.dispose();
      let message = '';
      try {
        x.add(1);
      } catch (e) {
        message = (e as Error).message;
      }
      if (!/was disposed/.test(message) || !/\[2,3\]/.test(message))
        throw new Error(`expected a 'was disposed' error naming the shape, got '${message}'`);
    },
  },
  {
    name: 'reshape views share storage until the last view goes',
    run: async () => {
      const before = t.memory().backend.liveHandles;
      const x = t.arange(6, undefined, 1, { dtype: 'float32' });
      const v = x.reshape([2, 3]);
      check('handles with a view', t.memory().backend.liveHandles, before + 1);
      x.dispose();
      const total = v.sum();
      expect2(await total.data(), 15);
      t.dispose([v, total]);
      check('handles after both go', t.memory().backend.liveHandles, before);
    },
  },
  {
    name: 'transpose, permute, expand, slice, flip, narrow, reshape, squeeze and unsqueeze are views: 0 bytes',
    run: async () => {
      const x = t.arange(24, undefined, 1, { dtype: 'float32' }).reshape([2, 3, 4]);
      const before = t.memory().backend;
      const views = [
        x.transpose(0, 2),
        x.T,
        x.permute([1, 2, 0]),
        x.unsqueeze(1).expand([2, 5, 3, 4]),
        x.slice([null, [1, 3], [0, 4, 2]]),
        x.flip([1]),
        x.narrow(2, 1, 2),
        x.reshape([6, 4]),
        x.reshape([4, 6]).unsqueeze(0).squeeze(0),
        x
          .transpose(0, 1)
          .slice([[1, 3]])
          .flip(0), // views of views
      ];
      const after = t.memory().backend;
      check('live bytes after making 10 views', after.liveBytes, before.liveBytes);
      check('live handles after making 10 views', after.liveHandles, before.liveHandles);
      // The views read the right values (reading makes a dense copy where needed).
      expectValues('x.transpose(0, 2)[3, 2, 1]', await views[0].toArray(), [3, 2, 1], 1 * 12 + 2 * 4 + 3);
      expectValues('x.T[1, 0, 1]', await views[1].toArray(), [1, 0, 1], 1 * 12 + 1 * 4 + 0); // the last two axes swapped
      expectValues('x.permute([1, 2, 0])[2, 3, 1]', await views[2].toArray(), [2, 3, 1], 1 * 12 + 2 * 4 + 3);
      expectValues('expanded [1, 4, 2, 3]', await views[3].toArray(), [1, 4, 2, 3], 12 + 8 + 3);
      expectValues('sliced [1, 1, 1]', await views[4].toArray(), [1, 1, 1], 12 + 2 * 4 + 2);
      expectValues('flipped [0, 0, 0]', await views[5].toArray(), [0, 0, 0], 2 * 4);
      expectValues('narrowed [1, 2, 1]', await views[6].toArray(), [1, 2, 1], 12 + 8 + 2);
      expectValues('reshaped [5, 3]', await views[7].toArray(), [5, 3], 23);
      expectValues('view of views [0, 1, 3]', await views[9].toArray(), [0, 1, 3], 1 * 12 + 2 * 4 + 3); // x[1, 2 - 0, 3]
      t.dispose(views);
      x.dispose();
    },
  },
  {
    name: "a view keeps its storage alive, counted once; the last view's dispose frees it",
    run: async () => {
      const before = t.memory().backend;
      const x = t.ones([16, 8]);
      const one = t.memory().backend;
      const v = x.T;
      const w = v.slice([[2, 6]]);
      x.dispose();
      check('live bytes with x disposed and two views alive', t.memory().backend.liveBytes, one.liveBytes);
      v.dispose();
      check('live handles with one view alive', t.memory().backend.liveHandles, one.liveHandles);
      w.dispose();
      check('live bytes after the last view', t.memory().backend.liveBytes, before.liveBytes);
      check('live handles after the last view', t.memory().backend.liveHandles, before.liveHandles);
    },
  },
  {
    name: 'matmul reads transposed views in place: only the output is allocated',
    run: async () => {
      const rng = new t.Rng(4);
      const a = t.randn([4, 3], { rng });
      const b = t.randn([2, 5, 4], { rng });
      const dense = t.tidy(() => a.T.contiguous().matmul(b.transpose(-2, -1).contiguous()));
      const want = await dense.data();
      const handles = t.memory().backend.liveHandles;
      const out = a.T.matmul(b.transpose(-2, -1)); // [3, 4] · [2, 4, 5] -> [2, 3, 5]
      check('live handles for the product of two transposed views', t.memory().backend.liveHandles, handles + 1);
      const got = await out.data();
      for (let i = 0; i < want.length; i++) {
        if (Math.abs(got[i] - want[i]) > 1e-5 * (1 + Math.abs(want[i])))
          throw new Error(`a.T.matmul(b.mT)[${i}]: ${got[i]}, expected ${want[i]}`);
      }
      t.dispose([a, b, dense, out]);
    },
  },
  {
    name: 'elementwise ops read views in place: only the output is allocated',
    run: async () => {
      const x = t.arange(12, undefined, 1, { dtype: 'float32' }).reshape([3, 4]);
      const bias = t.tensor([10, 20, 30]);
      const cond = t.tensor([true, false, true]).reshape([3, 1]);
      // The bytes of one fresh [4, 3] output on this backend.
      const m0 = t.memory().backend;
      const fresh = t.zeros([4, 3]);
      const outBytes = t.memory().backend.liveBytes - m0.liveBytes;
      fresh.dispose();
      const before = t.memory().backend;
      const y = x.T.add(bias); // transposed [4, 3] + [3]
      const z = t.where(cond.T, x.T, x.flip(1).T); // cond [1, 3] broadcast, a transpose, a flipped transpose
      const after = t.memory().backend;
      check('live handles for two outputs', after.liveHandles, before.liveHandles + 2);
      check('live bytes for two outputs', after.liveBytes, before.liveBytes + 2 * outBytes);
      const yv = (await y.data()) as Float32Array;
      const zv = (await z.data()) as Float32Array;
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 3; j++) {
          const k = i * 3 + j;
          if (yv[k] !== j * 4 + i + 10 * (j + 1))
            throw new Error(`x.T.add(bias)[${i}, ${j}]: ${yv[k]}, expected ${j * 4 + i + 10 * (j + 1)}`);
          const want = j !== 1 ? j * 4 + i : j * 4 + (3 - i);
          if (zv[k] !== want) throw new Error(`where over views [${i}, ${j}]: ${zv[k]}, expected ${want}`);
        }
      }
      t.dispose([x, bias, cond, y, z]);
    },
  },
];

/** Throws unless nested[idx] equals value. */
function expectValues(label: string, nested: unknown, idx: readonly number[], value: number): void {
  let v = nested;
  for (const i of idx) v = (v as unknown[])[i];
  if (v !== value) throw new Error(`${label}: ${String(v)}, expected ${value}`);
}

function expect2(data: ArrayLike<number>, value: number): void {
  if (data[0] !== value) throw new Error(`expected ${value}, got ${data[0]}`);
}
