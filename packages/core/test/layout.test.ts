import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

/** Every element address of a view, in row-major order of its shape. */
function addresses(shape: readonly number[], strides: readonly number[], offset = 0): number[] {
  const out: number[] = [];
  const walk = (axis: number, at: number) => {
    if (axis === shape.length) return void out.push(at);
    for (let i = 0; i < shape[axis]; i++) walk(axis + 1, at + i * strides[axis]);
  };
  walk(0, offset);
  return out;
}

const rowMajor = (shape: readonly number[]) => t.broadcastStrides(shape, shape);

describe('broadcastStrides', () => {
  it('gives stride 0 to new leading axes and to stretched size-1 axes', () => {
    expect(t.broadcastStrides([3, 1], [2, 3, 4])).toEqual([0, 1, 0]);
    expect(t.broadcastStrides([], [2, 2])).toEqual([0, 0]);
    expect(t.broadcastStrides([4], [3, 4])).toEqual([0, 1]);
    // A view's own strides are kept on the axes it has.
    expect(t.broadcastStrides([3, 4], [2, 3, 4], [1, 3])).toEqual([0, 1, 3]);
  });
});

describe('collapseLayout', () => {
  it('merges what every input walks contiguously and keeps the iteration order', () => {
    expect(t.collapseLayout([2, 3, 4], [[12, 4, 1]])).toEqual({ shape: [24], strides: [[1]] });
    expect(
      t.collapseLayout(
        [2, 3, 4],
        [
          [12, 4, 1],
          [0, 0, 1],
        ],
      ),
    ).toEqual({
      shape: [6, 4],
      strides: [
        [4, 1],
        [0, 1],
      ],
    });
    expect(
      t.collapseLayout(
        [3, 1, 4],
        [
          [4, 4, 1],
          [0, 0, 0],
        ],
      ),
    ).toEqual({ shape: [12], strides: [[1], [0]] });
    // A transpose does not merge.
    expect(t.collapseLayout([4, 3], [[1, 4]])).toEqual({ shape: [4, 3], strides: [[1, 4]] });
    // A scalar is rank 1.
    expect(t.collapseLayout([], [[], []])).toEqual({ shape: [1], strides: [[0], [0]] });
  });

  it('walks the same addresses as the layout it collapses (random layouts)', () => {
    const rng = new t.Rng(3);
    for (let trial = 0; trial < 200; trial++) {
      const rank = Math.floor(rng.uniform() * 5);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(rng.uniform() * 3));
      // One dense input, one transposed or broadcast input.
      const a = rowMajor(shape);
      const b = shape.map((_, i) => (rng.uniform() < 0.3 ? 0 : rng.uniform() < 0.5 ? a[i] : -a[i]));
      const c = t.collapseLayout(shape, [a, b]);
      expect(c.shape.length).toBeGreaterThanOrEqual(1);
      expect(addresses(c.shape, c.strides[0])).toEqual(addresses(shape, a));
      expect(addresses(c.shape, c.strides[1])).toEqual(addresses(shape, b));
    }
  });
});

describe('reshapeStrides', () => {
  it('views a contiguous layout under any shape', () => {
    expect(t.reshapeStrides([2, 3], [3, 1], [3, 2])).toEqual([2, 1]);
    expect(t.reshapeStrides([2, 3], [3, 1], [6, 1])).toEqual([1, 1]);
  });

  it('splits and merges axes of a non-contiguous view where the elements allow, else null', () => {
    // A transpose [3, 2] (strides [1, 3]) cannot flatten, but can gain size-1 axes.
    expect(t.reshapeStrides([3, 2], [1, 3], [6])).toBeNull();
    const unsq = t.reshapeStrides([3, 2], [1, 3], [3, 1, 2]);
    expect(unsq && addresses([3, 1, 2], unsq)).toEqual(addresses([3, 2], [1, 3]));
    // Columns 0..1 of a [4, 6] matrix: [4, 2] with strides [6, 1] splits its rows.
    const split = t.reshapeStrides([4, 2], [6, 1], [2, 2, 2]);
    expect(split && addresses([2, 2, 2], split)).toEqual(addresses([4, 2], [6, 1]));
    expect(t.reshapeStrides([4, 2], [6, 1], [8])).toBeNull();
  });

  it('never gives strides that read other elements (random views)', () => {
    const rng = new t.Rng(5);
    for (let trial = 0; trial < 300; trial++) {
      const shape = Array.from({ length: 1 + Math.floor(rng.uniform() * 3) }, () => 1 + Math.floor(rng.uniform() * 3));
      const perm = shape.map((_, i) => i).sort(() => rng.uniform() - 0.5);
      const dense = rowMajor(perm.map((p) => shape[p]));
      const strides = shape.map((_, i) => dense[perm.indexOf(i)]); // a permuted view of dense storage
      const size = shape.reduce((p, d) => p * d, 1);
      const target = size === 1 ? [1] : [size]; // flatten, when strides allow
      const got = t.reshapeStrides(shape, strides, target);
      if (got) expect(addresses(target, got)).toEqual(addresses(shape, strides));
      else expect(t.isRowMajor(shape, strides)).toBe(false);
    }
  });
});

describe('views over storage', () => {
  it('reports strides and contiguity as PyTorch does', () => {
    const x = t.zeros([2, 3, 4]);
    expect(x.stride()).toEqual([12, 4, 1]);
    expect(x.isContiguous()).toBe(true);
    const y = x.transpose(0, 2);
    expect(y.stride()).toEqual([1, 4, 12]);
    expect(y.isContiguous()).toBe(false);
    expect(x.expand([5, 2, 3, 4]).stride()).toEqual([0, 12, 4, 1]);
    expect(x.slice([null, [0, 3, 2]]).stride()).toEqual([12, 8, 1]);
    expect(x.flip(2).stride()).toEqual([12, 4, -1]);
    expect(x.contiguous()).toBe(x);
    const c = y.contiguous();
    expect(c.stride()).toEqual([6, 2, 1]);
    t.dispose([x, y, c]);
  });

  it('a view is copied to dense storage at most once, when a dense kernel first needs it', async () => {
    const base = t.arange(6, undefined, 1, { dtype: 'float32' });
    const x = base.reshape([2, 3]);
    const v = x.T;
    const handles = t.memory().backend.liveHandles;
    const s1 = v.exp(); // unary takes dense input: v is copied once
    expect(t.memory().backend.liveHandles).toBe(handles + 2);
    const s2 = v.neg(); // already dense: no second copy
    expect(t.memory().backend.liveHandles).toBe(handles + 3);
    expect(await v.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(v.isContiguous()).toBe(true);
    t.dispose([base, x, v, s1, s2]);
    expect(t.memory().backend.liveHandles).toBe(handles - 1);
  });

  it('reshape of a non-viewable layout copies, as PyTorch reshape does; gradients flow through views', async () => {
    const x = t.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const flat = x.T.reshape([6]);
    expect(await flat.toArray()).toEqual([1, 4, 2, 5, 3, 6]);
    const w = t.arange(6, undefined, 1, { dtype: 'float32' });
    flat.mul(w).sum().backward();
    expect(await x.grad!.toArray()).toEqual([
      [0, 2, 4],
      [1, 3, 5],
    ]);
    t.dispose([x, flat, w]);
  });

  it('detach, assign, clone and to() keep a view’s values', async () => {
    const x = t.arange(12, undefined, 1, { dtype: 'float32' }).reshape([3, 4]);
    const v = x.slice([
      [1, 3],
      [0, 4, 2],
    ]); // [[4, 6], [8, 10]]
    const want = [
      [4, 6],
      [8, 10],
    ];
    expect(await v.detach().toArray()).toEqual(want);
    expect(await v.clone().toArray()).toEqual(want);
    expect(await (await v.to(cpu())).toArray()).toEqual(want);
    const target = t.zeros([2, 2]);
    t.assign(
      target,
      x.T.slice([
        [0, 2],
        [1, 3],
      ]),
    ); // [[4, 8], [5, 9]]
    expect(await target.toArray()).toEqual([
      [4, 8],
      [5, 9],
    ]);
    const next = target.add(1);
    expect(await next.toArray()).toEqual([
      [5, 9],
      [6, 10],
    ]);
    t.dispose([x, v, target, next]);
  });
});
