/**
 * Cases for reductions, scans, sorting and selection. The reduce-table and
 * scan-table ops get theirs from core's REDUCE_OPS and SCAN_OPS (forward
 * against each op's float64 `ref` over every slice or row, gradcheck of every
 * differentiable op, and so, through gradgradcheck.ts, second order); the
 * sort-derived ops and norm are checked against float64 loops here. Together
 * they drive the scan and sort kernels of the contract on every backend.
 */
import * as t from '@tensile/core';
import { assertClose } from '../compare.js';
import type { Tolerance } from '../options.js';
import { forEachIndex, randomRef, type Ref, sizeOf, stridesOf } from '../reference.js';
import type { ForwardCase } from './forward.js';
import type { GradCase } from './gradcheck.js';

const exact: Tolerance = { rtol: 0, atol: 0 };
const up = (r: Ref, dtype: t.DType = 'float32') => t.tensor(Float64Array.from(r.data), { shape: r.shape, dtype });
const ref = (shape: number[], data: ArrayLike<number>): Ref => ({ shape, data: Float64Array.from(data) });

async function check(label: string, x: t.Tensor, expected: Ref, tol: Tolerance): Promise<void> {
  const data = await x.data<t.DataArray>();
  assertClose(label, data as ArrayLike<number>, x.shape, expected, tol);
  x.dispose();
}

/** The slices of x over `axes` (each in row-major order), one per output entry, and the output shape. */
function slicesOver(x: Ref, axes: readonly number[], keepdims: boolean): { shape: number[]; slices: number[][] } {
  const outShape = x.shape.map((d, a) => (axes.includes(a) ? 1 : d));
  const slices: number[][] = Array.from({ length: sizeOf(outShape) }, () => []);
  const outStrides = stridesOf(outShape);
  forEachIndex(x.shape, (idx, flat) => {
    slices[idx.reduce((s, v, a) => s + (axes.includes(a) ? 0 : v * outStrides[a]), 0)].push(x.data[flat]);
  });
  return { shape: keepdims ? outShape : x.shape.filter((_, a) => !axes.includes(a)), slices };
}

/** f over every slice of x along `axes`. */
export function reduceAxesRef(x: Ref, axes: readonly number[], keepdims: boolean, f: (slice: readonly number[]) => number): Ref {
  const { shape, slices } = slicesOver(x, axes, keepdims);
  return ref(shape, slices.map(f));
}

/** Every row of x along dim mapped to a row of the same length by f. */
function alongRef(x: Ref, dim: number, f: (row: number[]) => number[]): Ref {
  const outer = sizeOf(x.shape.slice(0, dim));
  const n = x.shape[dim];
  const inner = sizeOf(x.shape.slice(dim + 1));
  const data = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (i: number) => (o * n + i) * inner + j;
      const row = f(Array.from({ length: n }, (_, i) => x.data[at(i)]));
      row.forEach((v, i) => (data[at(i)] = v));
    }
  }
  return ref([...x.shape], data);
}

/** A row's positions in a stable sort, NaN as the largest (PyTorch's stable sort). */
export function stableOrder(row: readonly number[], descending = false): number[] {
  const key = (v: number) => (Number.isNaN(v) ? Infinity : v);
  const rank = (a: number, b: number) => {
    const [x, y] = [row[a], row[b]];
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
    return key(x) - key(y);
  };
  return [...row.keys()].sort((a, b) => (descending ? rank(b, a) : rank(a, b)));
}

/** Rows with ties, NaN, ±Inf and ±0 for the sort cases (the first axis has 4 rows of 6). */
const SORT_INPUT = ref(
  [4, 6],
  [3, 1, 3, Number.NaN, -0, 0, 2, -Infinity, Infinity, 2, 1, 2, 5, 5, 5, 5, 5, 5, -1, Number.NaN, 4, Number.NaN, 0, -2],
);

/** The reduce-table, scan, sort and norm forward cases in one float dtype (inputs rounded to it by `round`). */
export function reductionForwardCases(dtype: t.DType, round: (r: Ref) => Ref): ForwardCase[] {
  const cases: [string, (tol: Tolerance) => Promise<void>][] = [];
  const input = () => round(randomRef([2, 3, 4], 91, -2, 2));
  for (const op of t.REDUCE_OP_NAMES) {
    const decl: t.ReduceDecl = t.REDUCE_OPS[op];
    const fn = t.reduceFunctions[op] as (x: t.Tensor, axis?: t.Axes, keepdims?: boolean) => t.Tensor;
    const axisSets: [t.Axes, number[], boolean][] = decl.oneAxis
      ? [
          [1, [1], false],
          [-1, [2], true],
        ]
      : [
          [undefined, [0, 1, 2], false],
          [1, [1], false],
          [-1, [2], true],
          [[0, 2], [0, 2], false],
        ];
    for (const [axis, axes, keepdims] of axisSets) {
      cases.push([
        `${op} axis ${JSON.stringify(axis ?? null)} keepdims ${keepdims}`,
        async (tol) => {
          const [lo, hi] = decl.domain;
          const x = round(randomRef([2, 3, 4], 92, lo, hi));
          // Some exact zeros and ties for any/all/countNonzero and the extrema.
          x.data[0] = 0;
          x.data[5] = 0;
          x.data[7] = x.data[6];
          const want = reduceAxesRef(x, axes, keepdims, decl.ref);
          await check(`${op} ${dtype}`, fn(up(x, dtype), axis, keepdims), want, decl.dtype === 'index' ? exact : tol);
        },
      ]);
    }
  }
  for (const op of t.SCAN_OP_NAMES) {
    const decl: t.ScanDecl = t.SCAN_OPS[op];
    for (const dim of [0, 1, -1]) {
      cases.push([
        `${op} dim ${dim}`,
        async (tol) => {
          const x = round(randomRef([2, 3, 4], 93, ...decl.domain));
          await check(`${op} dim ${dim}`, t.scanFunctions[op](up(x, dtype), dim), alongRef(x, (dim + 3) % 3, decl.ref), tol);
        },
      ]);
    }
  }
  for (const descending of [false, true]) {
    for (const dim of [0, 1]) {
      cases.push([
        `sort dim ${dim} descending ${descending} (ties, NaN, ±Inf, ±0)`,
        async () => {
          const x = round(SORT_INPUT);
          const { values, indices } = t.sort(up(x, dtype), dim, descending);
          const order = (row: number[]) => stableOrder(row, descending);
          await check('sort indices', indices, alongRef(x, dim, order), exact);
          await check(
            'sort values',
            values,
            alongRef(x, dim, (row) => order(row).map((i) => row[i])),
            exact,
          );
        },
      ]);
    }
  }
  cases.push([
    'topk, kthvalue, median, nanmedian, max(dim), min(dim), argsort',
    async () => {
      const x = round(SORT_INPUT);
      const pick = (f: (row: number[]) => number[], shape: number[]) => {
        const out: number[] = [];
        for (let r = 0; r < 4; r++) out.push(...f(Array.from(x.data.slice(r * 6, r * 6 + 6))));
        return ref(shape, out);
      };
      const xs = up(x, dtype);
      const top = t.topk(xs, 3, 1);
      await check(
        'topk indices',
        top.indices,
        pick((row) => stableOrder(row, true).slice(0, 3), [4, 3]),
        exact,
      );
      await check(
        'topk values',
        top.values,
        pick(
          (row) =>
            stableOrder(row, true)
              .slice(0, 3)
              .map((i) => row[i]),
          [4, 3],
        ),
        exact,
      );
      const low = t.topk(xs, 2, -1, false);
      await check(
        'topk smallest',
        low.indices,
        pick((row) => stableOrder(row).slice(0, 2), [4, 2]),
        exact,
      );
      low.values.dispose();
      const kth = t.kthvalue(xs, 2, 1, true);
      await check(
        'kthvalue',
        kth.values,
        pick((row) => [row[stableOrder(row)[1]]], [4, 1]),
        exact,
      );
      await check(
        'kthvalue indices',
        kth.indices,
        pick((row) => [stableOrder(row)[1]], [4, 1]),
        exact,
      );
      const lowerMiddle = (row: number[]) => {
        const nan = row.findIndex(Number.isNaN);
        return nan >= 0 ? nan : stableOrder(row)[(row.length - 1) >> 1];
      };
      const med = t.median(xs, 1);
      await check(
        'median',
        med.values,
        pick((row) => [row[lowerMiddle(row)]], [4]),
        exact,
      );
      await check(
        'median indices',
        med.indices,
        pick((row) => [lowerMiddle(row)], [4]),
        exact,
      );
      const nanMiddle = (row: number[]) => {
        const order = stableOrder(row);
        const count = row.filter((v) => !Number.isNaN(v)).length;
        return order[count === 0 ? 0 : (count - 1) >> 1];
      };
      const nm = t.nanmedian(xs, -1);
      await check(
        'nanmedian',
        nm.values,
        pick((row) => [row[nanMiddle(row)]], [4]),
        exact,
      );
      nm.indices.dispose();
      const mx = t.max(xs, 1);
      const firstBy = (better: (a: number, b: number) => boolean) => (row: number[]) => {
        let best = 0;
        for (let i = 1; i < row.length && !Number.isNaN(row[best]); i++) if (Number.isNaN(row[i]) || better(row[i], row[best])) best = i;
        return [best];
      };
      await check(
        'max(dim) indices',
        mx.indices,
        pick(
          firstBy((a, b) => a > b),
          [4],
        ),
        exact,
      );
      await check(
        'max(dim) values',
        mx.values,
        pick((row) => [row[firstBy((a, b) => a > b)(row)[0]]], [4]),
        exact,
      );
      const mn = t.min(xs, -1, true);
      await check(
        'min(dim) indices',
        mn.indices,
        pick(
          firstBy((a, b) => a < b),
          [4, 1],
        ),
        exact,
      );
      mn.values.dispose();
      await check(
        'argsort descending',
        t.argsort(xs, 1, true),
        pick((row) => stableOrder(row, true), [4, 6]),
        exact,
      );
      xs.dispose();
    },
  ]);
  const norms: [t.NormOrder, t.Axes, boolean][] = [
    ['fro', undefined, false],
    [2, 1, false],
    [1, [0, 2], true],
    [3, -1, false],
    [0.5, 1, false],
    [Infinity, undefined, false],
    [-Infinity, 2, true],
    [0, 1, false],
  ];
  for (const [p, dim, keepdim] of norms) {
    cases.push([
      `norm p ${p} dim ${JSON.stringify(dim ?? null)} keepdim ${keepdim}`,
      async (tol) => {
        const x = input();
        x.data[3] = 0;
        const axes = dim === undefined ? [0, 1, 2] : (Array.isArray(dim) ? dim : [dim]).map((a) => (a + 3) % 3);
        const order = p === 'fro' ? 2 : p;
        const f = (s: readonly number[]) => {
          const a = s.map(Math.abs);
          if (order === Infinity) return Math.max(...a);
          if (order === -Infinity) return Math.min(...a);
          if (order === 0) return a.filter((v) => v !== 0).length;
          return a.reduce((acc, v) => acc + v ** order, 0) ** (1 / order);
        };
        await check(`norm ${p}`, t.norm(up(x, dtype), p, dim, keepdim), reduceAxesRef(x, axes, keepdim, f), tol);
      },
    ]);
  }
  return cases.map(([name, run]) => ({ name: `reduction ${name} ${dtype}`, run }));
}

/** dtype rules, empty axes and bad arguments of the reductions, scans and sorts. */
export function reductionEdgeCases(): ForwardCase[] {
  const cases: [string, () => Promise<void>][] = [
    [
      'int32 and bool: cumsum/cumprod stay int32, sort keeps the dtype, any/all/countNonzero of numbers',
      async () => {
        const i = t.tensor(
          [
            [3, -1, 2],
            [0, 5, 5],
          ],
          { dtype: 'int32' },
        );
        const cs = i.cumsum(1);
        const cp = i.cumprod(0);
        if (cs.dtype !== 'int32' || cp.dtype !== 'int32') throw new Error(`cumsum/cumprod of int32 gave ${cs.dtype}/${cp.dtype}`);
        await check('int32 cumsum', cs, ref([2, 3], [3, 2, 4, 0, 5, 10]), exact);
        await check('int32 cumprod', cp, ref([2, 3], [3, -1, 2, 0, -5, 10]), exact);
        // int32 wraps (two's complement), as C and the contract say.
        await check(
          'int32 cumsum wraps',
          t.tensor([2147483647, 1], { dtype: 'int32' }).cumsum(0),
          ref([2], [2147483647, -2147483648]),
          exact,
        );
        const s = i.sort(1, true);
        if (s.values.dtype !== 'int32') throw new Error(`sort of int32 gave ${s.values.dtype}`);
        await check('int32 sort', s.values, ref([2, 3], [3, 2, -1, 5, 5, 0]), exact);
        await check('int32 sort indices (stable)', s.indices, ref([2, 3], [0, 2, 1, 1, 2, 0]), exact);
        await check('int32 any', i.any(1), ref([2], [1, 1]), exact);
        await check('int32 all', i.all(1), ref([2], [1, 0]), exact);
        await check('int32 countNonzero', i.countNonzero(), ref([], [5]), exact);
        const b = t.tensor([1, 0, 1], { dtype: 'bool' });
        await check('bool cumsum', b.cumsum(0), ref([3], [1, 1, 2]), exact);
        const bs = b.sort();
        if (bs.values.dtype !== 'bool') throw new Error(`sort of bool gave ${bs.values.dtype}`);
        await check('bool sort', bs.values, ref([3], [0, 1, 1]), exact);
        await check('bool sort indices', bs.indices, ref([3], [1, 0, 2]), exact);
        t.dispose([i, b]);
      },
    ],
    [
      'empty: scans and sorts of empty tensors, any/all/countNonzero/sum over no entries, topk k = 0',
      async () => {
        const e = t.zeros([2, 0]);
        await check('cumsum empty', e.cumsum(1), ref([2, 0], []), exact);
        await check('cumprod empty', e.cumprod(0), ref([2, 0], []), exact);
        const s = e.sort(1);
        await check('sort empty', s.values, ref([2, 0], []), exact);
        await check('sort empty indices', s.indices, ref([2, 0], []), exact);
        await check('any over none', e.any(1), ref([2], [0, 0]), exact);
        await check('all over none', e.all(1), ref([2], [1, 1]), exact);
        await check('countNonzero over none', e.countNonzero(1), ref([2], [0, 0]), exact);
        await check('logsumexp over none', e.logsumexp(1), ref([2], [-Infinity, -Infinity]), exact);
        const k0 = t.tensor([[1, 2, 3]]).topk(0);
        await check('topk k = 0', k0.values, ref([1, 0], []), exact);
        await check('topk k = 0 indices', k0.indices, ref([1, 0], []), exact);
        e.dispose();
      },
    ],
    [
      'scalars and negative dims: cumsum of a 0-d tensor, sort along dim -2',
      async () => {
        await check('cumsum 0-d', t.tensor(4).cumsum(0), ref([], [4]), exact);
        await check('sort 0-d', t.tensor(4).sort().values, ref([], [4]), exact);
        const x = t.tensor([
          [2, 1],
          [1, 3],
        ]);
        await check('sort dim -2', x.sort(-2).indices, ref([2, 2], [1, 0, 0, 1]), exact);
        await check('cumsum dim -2', x.cumsum(-2), ref([2, 2], [2, 1, 3, 4]), exact);
        x.dispose();
      },
    ],
    [
      'errors name the op and the argument at fault, before any kernel',
      async () => {
        const x = t.zeros([2, 3]);
        const expectThrow = (label: string, f: () => unknown, pattern: RegExp) => {
          try {
            f();
          } catch (e) {
            if (!(e instanceof t.ArgumentError) || !pattern.test(e.message))
              throw new Error(`${label}: wrong error ${(e as Error).message}`);
            return;
          }
          throw new Error(`${label}: did not throw`);
        };
        expectThrow('topk k > size', () => x.topk(4), /topk: 'k' \(4\) must be in \[0, 3\]/);
        expectThrow('topk k < 0', () => x.topk(-1), /topk: 'k' \(-1\)/);
        expectThrow('kthvalue k = 0', () => x.kthvalue(0, 0), /kthvalue: 'k' \(0\) must be in \[1, 2\]/);
        expectThrow('cumsum bad dim', () => x.cumsum(2), /cumsum/);
        expectThrow('sort bad dim', () => x.sort(-3), /sort/);
        expectThrow('amax empty', () => t.zeros([0, 2]).amax(0), /amax: cannot reduce the empty axis 0/);
        expectThrow('median empty', () => t.zeros([2, 0]).median(1), /median: cannot take the median over the empty axis 1/);
        expectThrow('norm p', () => x.norm('nuc' as never), /norm: 'p' must be a number/);
        expectThrow('argmax list', () => t.argmax(x, [0, 1] as never), /argmax: takes one axis/);
        x.dispose();
      },
    ],
    [
      'memory: forward and backward of every scan, sort and selection leave no tensor or handle behind',
      async () => {
        const before = t.memory();
        const x = t.tensor(
          [
            [0.5, -1.5, 2, 0],
            [3, 1, -2, 0.25],
          ],
          { requiresGrad: true },
        );
        const losses: (() => t.Tensor)[] = [
          () => x.cumsum(1).sum(),
          () => x.cumprod(1).sum(),
          () => x.logcumsumexp(0).sum(),
          () => x.sort(1, true).values.square().sum(),
          () => x.topk(2).values.sum(),
          () => x.kthvalue(2, 0).values.sum(),
          () => x.median(1).values.sum(),
          () => x.nanmedian(),
          () => x.max(1).values.sum(),
          () => x.amin(0).sum(),
          () => x.norm(3, 1).sum(),
          () => x.norm(Infinity),
          () => x.logsumexp(1).sum(),
          () => x.argsort().sum().add(x.countNonzero(1).sum()).mul(x.sum()),
        ];
        // Each loss's intermediates (the unused indices too) go with its tidy; backward keeps only x.grad.
        for (const loss of losses) t.tidy(() => loss().backward());
        await x.grad!.data();
        x.dispose();
        const after = t.memory();
        if (after.tensors !== before.tensors) throw new Error(`live tensors: ${after.tensors}, before ${before.tensors}`);
        if (after.backend.liveHandles !== before.backend.liveHandles) {
          throw new Error(`live handles: ${after.backend.liveHandles}, before ${before.backend.liveHandles}`);
        }
      },
    ],
  ];
  return cases.map(([name, run]) => ({ name: `reduction edge: ${name}`, run }));
}

const distinct = (shape: number[], seed: number): Ref => {
  // A shuffled ramp: no ties, so selections have one clear winner and finite differences do not cross a tie.
  const r = randomRef(shape, seed);
  const order = Array.from(r.data.keys()).sort((a, b) => r.data[a] - r.data[b]);
  const data = new Float64Array(r.data.length);
  order.forEach((k, rank) => (data[k] = rank * 0.37 - 1.3));
  return { shape, data };
};

/** Gradient cases: every differentiable reduce-table op, then scans, selections and norms. */
export const reductionGradCases: GradCase[] = [
  ...t.REDUCE_OP_NAMES.flatMap((op): GradCase[] => {
    const decl: t.ReduceDecl = t.REDUCE_OPS[op];
    if (decl.grad === null) return [];
    const fn = t.reduceFunctions[op] as (x: t.Tensor, axis?: t.Axes, keepdims?: boolean) => t.Tensor;
    const [lo, hi] = decl.domain;
    const input = (seed: number) => (decl.ties ? distinct([2, 3, 2], seed) : randomRef([2, 3, 2], seed, lo, hi));
    return [
      { name: `${op} (table, axes [0, 2], keepdims)`, fn: (x) => fn(x, [0, 2], true), inputs: [input(101)] },
      { name: `${op} (table, all)`, fn: (x) => fn(x), inputs: [input(102)] },
    ];
  }),
  {
    name: 'amax (ties share the gradient)',
    fn: (x) => x.amax(1).mul(t.tensor([1, 2], { dtype: x.dtype })),
    inputs: [ref([2, 3], [1, 3, 3, -1, -1, 0])],
  },
  // Every scan of core's table, along the last dim and along the first (times x, so the gradient depends on x too).
  ...t.SCAN_OP_NAMES.flatMap((op): GradCase[] => {
    const [lo, hi] = t.SCAN_OPS[op].domain;
    const fn = t.scanFunctions[op];
    return [
      { name: `${op} (table)`, fn: (x) => fn(x, 1), inputs: [randomRef([2, 4], 103, lo, hi)] },
      { name: `${op} (table, dim 0, times x)`, fn: (x) => fn(x, 0).mul(x), inputs: [randomRef([3, 2], 104, lo, hi)] },
    ];
  }),
  // Exact zeros: cumprod is a polynomial, so finite differences see PyTorch's zero-aware gradient.
  { name: 'cumprod at zeros', fn: (x) => x.cumprod(1), inputs: [ref([2, 4], [0.5, 0, 1.5, 0, 1.2, -0.7, 0, 2])] },
  {
    name: 'logcumsumexp (g of both signs)',
    fn: (x) => x.logcumsumexp(0).mul(t.tensor([[1], [-2], [0.5]], { dtype: x.dtype })),
    inputs: [randomRef([3, 2], 108)],
  },
  { name: 'sort values', fn: (x) => x.sort(1).values.mul(t.tensor([1, 2, 3, 4], { dtype: x.dtype })), inputs: [distinct([2, 4], 109)] },
  { name: 'sort values (descending, dim 0)', fn: (x) => x.sort(0, true).values.square(), inputs: [distinct([3, 2], 110)] },
  { name: 'topk values', fn: (x) => x.topk(2, 1).values.mul(x.topk(2, 1).values), inputs: [distinct([2, 4], 111)] },
  { name: 'kthvalue', fn: (x) => x.kthvalue(2, 0).values, inputs: [distinct([3, 2], 112)] },
  { name: 'median (dim)', fn: (x) => x.median(1, true).values.exp(), inputs: [distinct([2, 4], 113)] },
  { name: 'median (all)', fn: (x) => x.median(), inputs: [distinct([3, 3], 114)] },
  { name: 'nanmedian (dim)', fn: (x) => x.nanmedian(0).values, inputs: [distinct([3, 2], 115)] },
  { name: 'max(dim) values', fn: (x) => x.max(1).values.mul(x.min(0).values.sum()), inputs: [distinct([3, 4], 116)] },
  { name: 'norm (fro)', fn: (x) => x.norm(), inputs: [randomRef([2, 3], 117)] },
  { name: 'norm p 2 dim 1', fn: (x) => x.norm(2, 1), inputs: [randomRef([2, 3], 118)] },
  { name: 'norm p 1 dims [0, 1] keepdim', fn: (x) => x.norm(1, [0, 1], true), inputs: [distinct([2, 3], 119)] },
  { name: 'norm p 3', fn: (x) => x.norm(3, -1), inputs: [randomRef([2, 3], 120)] },
  { name: 'norm p 0.5', fn: (x) => x.norm(0.5, 1), inputs: [distinct([2, 3], 121)] },
  // |x| well apart (0.3 or more), so float32 finite differences never swap which entry is the extremum.
  { name: 'norm p Infinity', fn: (x) => x.norm(Infinity, 1), inputs: [ref([2, 3], [0.9, -0.3, 1.4, -1.1, 0.6, 2])] },
  { name: 'norm p -Infinity', fn: (x) => x.norm(-Infinity), inputs: [ref([2, 3], [0.9, -0.3, 1.4, -1.1, 0.6, 2])] },
];
