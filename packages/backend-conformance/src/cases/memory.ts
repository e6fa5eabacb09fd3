import * as t from '@tensile/core';

export interface MemoryCase {
  name: string;
  run(): Promise<void>;
}

function check(label: string, got: number, expected: number): void {
  if (got !== expected) throw new Error(`${label}: ${got}, expected ${expected}`);
}

export const memoryCases: MemoryCase[] = [
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
];

function expect2(data: ArrayLike<number>, value: number): void {
  if (data[0] !== value) throw new Error(`expected ${value}, got ${data[0]}`);
}
