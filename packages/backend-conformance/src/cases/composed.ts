/**
 * Cases for core's composed ops outside the op tables (math: fmod, hypot,
 * lerp, addcmul, addcdiv, nanToNum, gelu; shape: tril, triu, diag, diagonal,
 * repeat, tile, roll, unflatten, movedim, meshgrid, einsum). They never reach
 * a kernel of their own, so these check that the primitives they are made of
 * compose right on every backend: forward against float64 loops here, edge
 * semantics (NaN/inf, empty, int32), and gradcheck (and, through
 * gradgradcheck.ts, second order).
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

/** A reference of `shape` whose entry at each multi-index is f(index). */
function build(shape: number[], f: (idx: number[]) => number): Ref {
  const data = new Float64Array(sizeOf(shape));
  forEachIndex(shape, (idx, flat) => (data[flat] = f(idx)));
  return { shape, data };
}

/** The entry of r at a multi-index. */
const at = (r: Ref, idx: readonly number[]) => r.data[stridesOf(r.shape).reduce((s, st, a) => s + st * idx[a], 0)];

const erf = t.UNARY_OPS.erf.ref;

/** Forward cases in one float dtype; inputs rounded to it by `round`. */
export function composedForwardCases(dtype: t.DType, round: (r: Ref) => Ref): ForwardCase[] {
  const x = () => round(randomRef([3, 4], 81, -3, 3));
  const y = () => round(randomRef([4], 82, 0.5, 2));
  const cases: [string, (tol: Tolerance) => Promise<void>][] = [
    [
      'fmod (sign of the dividend)',
      async (tol) => {
        const [a, b] = [x(), y()];
        const neg = { shape: b.shape, data: b.data.map((v) => -v) };
        const fmodRef = (d: Ref) => build([3, 4], (i) => at(a, i) % at(d, [i[1]]));
        await check('fmod', t.fmod(up(a, dtype), up(b, dtype)), fmodRef(b), tol);
        await check('fmod negative divisor', t.fmod(up(a, dtype), up(neg, dtype)), fmodRef(neg), tol);
      },
    ],
    [
      'hypot',
      async (tol) => {
        const [a, b] = [x(), y()];
        await check(
          'hypot',
          t.hypot(up(a, dtype), up(b, dtype)),
          build([3, 4], (i) => Math.hypot(at(a, i), at(b, [i[1]]))),
          tol,
        );
      },
    ],
    [
      'lerp (tensor and number weight)',
      async (tol) => {
        const [a, b, w] = [x(), round(randomRef([3, 4], 83)), round(randomRef([4], 84, -0.5, 1.5))];
        const lerpRef = (s: number, e: number, v: number) => (Math.abs(v) < 0.5 ? s + v * (e - s) : e - (e - s) * (1 - v));
        await check(
          'lerp',
          t.lerp(up(a, dtype), up(b, dtype), up(w, dtype)),
          build([3, 4], (i) => lerpRef(at(a, i), at(b, i), at(w, [i[1]]))),
          tol,
        );
        await check(
          'lerp 0.75',
          t.lerp(up(a, dtype), up(b, dtype), 0.75),
          build([3, 4], (i) => lerpRef(at(a, i), at(b, i), 0.75)),
          tol,
        );
      },
    ],
    [
      'addcmul and addcdiv (value)',
      async (tol) => {
        const [a, b, c] = [x(), round(randomRef([3, 1], 85)), y()];
        const expect = (f: (p: number, q: number) => number) => build([3, 4], (i) => at(a, i) + 0.5 * f(at(b, [i[0], 0]), at(c, [i[1]])));
        await check(
          'addcmul',
          t.addcmul(up(a, dtype), up(b, dtype), up(c, dtype), { value: 0.5 }),
          expect((p, q) => p * q),
          tol,
        );
        await check(
          'addcdiv',
          t.addcdiv(up(a, dtype), up(b, dtype), up(c, dtype), { value: 0.5 }),
          expect((p, q) => p / q),
          tol,
        );
      },
    ],
    [
      'gelu (exact and tanh)',
      async (tol) => {
        const a = x();
        const tanhGelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
        await check(
          'gelu',
          t.gelu(up(a, dtype)),
          build([3, 4], (i) => 0.5 * at(a, i) * (1 + erf(at(a, i) / Math.SQRT2))),
          tol,
        );
        await check(
          'gelu tanh',
          t.gelu(up(a, dtype), { approximate: 'tanh' }),
          build([3, 4], (i) => tanhGelu(at(a, i))),
          tol,
        );
      },
    ],
    [
      'tril, triu, diag, diagonal',
      async () => {
        const a = round(randomRef([2, 3, 4], 86));
        await check(
          'tril',
          up(a, dtype).tril(1),
          build([2, 3, 4], (i) => (i[2] - i[1] <= 1 ? at(a, i) : 0)),
          exact,
        );
        await check(
          'triu',
          up(a, dtype).triu(-1),
          build([2, 3, 4], (i) => (i[2] - i[1] >= -1 ? at(a, i) : 0)),
          exact,
        );
        // Plane (axis 2, axis 1), below its main diagonal: entries a[b, k, k + 1].
        await check(
          'diagonal',
          up(a, dtype).diagonal(-1, 2, 1),
          build([2, 3], ([b, k]) => at(a, [b, k, k + 1])),
          exact,
        );
        const v = round(randomRef([3], 87));
        await check(
          'diag of a vector',
          up(v, dtype).diag(-2),
          build([5, 5], ([i, j]) => (i - j === 2 ? v.data[j] : 0)),
          exact,
        );
        await check(
          'diag of a matrix',
          up(a, dtype).narrow(0, 0, 1).squeeze(0).diag(1),
          build([3], ([k]) => at(a, [0, k, k + 1])),
          exact,
        );
      },
    ],
    [
      'repeat, tile, roll, unflatten, movedim, meshgrid',
      async () => {
        const a = round(randomRef([2, 3], 88));
        await check(
          'repeat',
          up(a, dtype).repeat([2, 1, 2]),
          build([2, 2, 6], ([, i, j]) => at(a, [i, j % 3])),
          exact,
        );
        await check(
          'tile',
          up(a, dtype).tile([2]),
          build([2, 6], ([i, j]) => at(a, [i, j % 3])),
          exact,
        );
        await check(
          'roll',
          up(a, dtype).roll([1, -4], [0, 1]),
          build([2, 3], ([i, j]) => at(a, [(i + 1) % 2, (j + 4) % 3])),
          exact,
        );
        await check(
          'roll flat',
          up(a, dtype).roll(2),
          build([2, 3], ([i, j]) => a.data[(i * 3 + j + 4) % 6]),
          exact,
        );
        await check(
          'unflatten',
          up(a, dtype).unflatten(-1, [3, 1]),
          build([2, 3, 1], ([i, j]) => at(a, [i, j])),
          exact,
        );
        await check(
          'movedim',
          up(a, dtype).unsqueeze(0).movedim(0, -1),
          build([2, 3, 1], ([i, j]) => at(a, [i, j])),
          exact,
        );
        const [gx, gy] = t.meshgrid([t.tensor([1, 2, 3], { dtype }), t.tensor([4, 5], { dtype })], { indexing: 'xy' });
        await check(
          'meshgrid xy',
          gx,
          build([2, 3], ([, j]) => j + 1),
          exact,
        );
        await check(
          'meshgrid xy (2)',
          gy,
          build([2, 3], ([i]) => i + 4),
          exact,
        );
      },
    ],
    [
      'einsum (matmul, batch, diagonal, trace, ellipsis, implicit output, three operands)',
      async (tol) => {
        const a = round(randomRef([2, 3, 4], 89));
        const b = round(randomRef([2, 4, 2], 90));
        const loose = { rtol: tol.rtol * 10, atol: tol.atol * 4 };
        const bmm = build([2, 3, 2], ([n, i, k]) => [0, 1, 2, 3].reduce((s, j) => s + at(a, [n, i, j]) * at(b, [n, j, k]), 0));
        await check('bij,bjk->bik', t.einsum('bij,bjk->bik', up(a, dtype), up(b, dtype)), bmm, loose);
        await check('...ij,...jk (implicit)', t.einsum('...ij,...jk', up(a, dtype), up(b, dtype)), bmm, loose);
        const sq = round(randomRef([3, 3], 91));
        await check(
          'ii->i',
          t.einsum('ii->i', up(sq, dtype)),
          build([3], ([i]) => at(sq, [i, i])),
          exact,
        );
        await check('ii (trace)', t.einsum('ii', up(sq, dtype)), ref([], [at(sq, [0, 0]) + at(sq, [1, 1]) + at(sq, [2, 2])]), loose);
        await check(
          'bij->jb',
          t.einsum('bij->jb', up(a, dtype)),
          build([4, 2], ([j, n]) => [0, 1, 2].reduce((s, i) => s + at(a, [n, i, j]), 0)),
          loose,
        );
        const chain = build([3, 3], ([i, l]) =>
          [0, 1, 2, 3].reduce((s, j) => s + [0, 1].reduce((u, k) => u + at(a, [0, i, j]) * at(b, [0, j, k]) * at(sq, [k, l]), 0), 0),
        );
        const a0 = up(a, dtype).narrow(0, 0, 1).squeeze(0);
        const b0 = up(b, dtype).narrow(0, 0, 1).squeeze(0);
        await check('ij,jk,kl->il', t.einsum('ij,jk,kl->il', a0, b0, up(sq, dtype).narrow(0, 0, 2)), chain, loose);
      },
    ],
  ];
  return cases.map(([name, run]) => ({ name: `composed ${name} ${dtype}`, run }));
}

/** NaN/inf, empty tensors and int32: PyTorch's answers, dtype-independent (run once). */
export function composedEdgeCases(): ForwardCase[] {
  const ints = (v: number[], shape = [v.length]) => t.tensor(Int32Array.from(v), { shape });
  const cases: [string, () => Promise<void>][] = [
    [
      'composed math at NaN, ±inf and 0 (fmod, hypot, nanToNum, trunc, frac, isFinite)',
      async () => {
        const s = t.tensor([Number.NaN, Infinity, -Infinity, -0.5, 2.5, 0]);
        await check('fmod by 0', t.fmod(s, 0), ref([6], [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN]), exact);
        await check('fmod of inf by 2, 2 by inf', t.fmod(s, Infinity), ref([6], [Number.NaN, Number.NaN, Number.NaN, -0.5, 2.5, 0]), exact);
        await check(
          'hypot(±inf, NaN) = inf',
          t.hypot(s, Number.NaN),
          ref([6], [Number.NaN, Infinity, Infinity, Number.NaN, Number.NaN, Number.NaN]),
          exact,
        );
        await check('hypot(0, 0)', t.hypot(t.zeros([2]), 0), ref([2], [0, 0]), exact);
        const big = 3.4028234663852886e38;
        await check('nanToNum defaults', t.nanToNum(s), ref([6], [0, big, -big, -0.5, 2.5, 0]), exact);
        await check('nanToNum options', t.nanToNum(s, { nan: 1, posinf: 2, neginf: -2 }), ref([6], [1, 2, -2, -0.5, 2.5, 0]), exact);
        await check('trunc', s.trunc(), ref([6], [Number.NaN, Infinity, -Infinity, 0, 2, 0]), exact);
        await check('frac', s.frac(), ref([6], [Number.NaN, Number.NaN, Number.NaN, -0.5, 0.5, 0]), exact);
        await check('isFinite', s.isFinite(), ref([6], [0, 0, 0, 1, 1, 1]), exact);
        await check('isPosInf/isNegInf', s.isPosInf().logicalOr(s.isNegInf()), ref([6], [0, 1, 1, 0, 0, 0]), exact);
        await check(
          'asin/atanh at ±1',
          t
            .tensor([1, -1])
            .asin()
            .add(t.tensor([0.5, -0.5]).atanh()),
          ref([2], [Math.PI / 2 + Math.atanh(0.5), -Math.PI / 2 - Math.atanh(0.5)]),
          { rtol: 1e-6, atol: 1e-6 },
        );
        await check(
          'atanh(±1) = ±inf, acosh(1) = 0',
          t
            .tensor([1, -1])
            .atanh()
            .add(t.tensor([1, 1]).acosh()),
          ref([2], [Infinity, -Infinity]),
          exact,
        );
        await check('asinh/sinh of large x', t.tensor([1e30, -1e30]).asinh(), ref([2], [Math.asinh(1e30), -Math.asinh(1e30)]), {
          rtol: 1e-6,
          atol: 0,
        });
      },
    ],
    [
      'composed ops on int32 (fmod, trunc, frac, isFinite, relu6, nanToNum, tril, repeat, roll, einsum)',
      async () => {
        const a = ints([-7, 7, -7, 7, 9]);
        const b = ints([2, 2, -2, -2, 0]);
        const f = t.fmod(a, b);
        if (f.dtype !== 'int32') throw new Error(`int32 fmod gave ${f.dtype}, PyTorch keeps the int dtype`);
        await check('int fmod (x fmod 0 = 0)', f, ref([5], [-1, 1, -1, 1, 0]), exact);
        for (const [name, y, want] of [
          ['trunc', a.trunc(), [-7, 7, -7, 7, 9]],
          ['frac', a.frac(), [0, 0, 0, 0, 0]],
          ['relu6', a.relu6(), [0, 6, 0, 6, 6]],
          ['nanToNum', a.nanToNum(), [-7, 7, -7, 7, 9]],
        ] as const) {
          if (y.dtype !== 'int32') throw new Error(`int32 ${name} gave ${y.dtype}`);
          await check(`int ${name}`, y, ref([5], want), exact);
        }
        await check('int isFinite', a.isFinite(), ref([5], [1, 1, 1, 1, 1]), exact);
        const m = ints([1, 2, 3, 4], [2, 2]);
        await check('int tril', m.tril(), ref([2, 2], [1, 0, 3, 4]), exact);
        await check('int repeat', m.repeat([1, 2]), ref([2, 4], [1, 2, 1, 2, 3, 4, 3, 4]), exact);
        await check('int roll', m.roll(1, 0), ref([2, 2], [3, 4, 1, 2]), exact);
        await check('int einsum', t.einsum('ij,jk->ik', m, m), ref([2, 2], [7, 10, 15, 22]), exact);
        await check('bool tril', t.tensor([true, true, true, true], { shape: [2, 2] }).tril(), ref([2, 2], [1, 0, 1, 1]), exact);
      },
    ],
    [
      'composed ops on empty tensors',
      async () => {
        const e = t.zeros([0, 3]);
        const shapes: [string, t.Tensor, number[]][] = [
          ['tril', e.tril(), [0, 3]],
          ['diagonal', e.diagonal(), [0]],
          ['diag offset past the edge', t.zeros([2, 3]).diag(5), [0]],
          ['repeat', e.repeat([2, 2]), [0, 6]],
          ['repeat by 0', t.ones([2]).repeat([0]), [0]],
          ['roll', e.roll(1, 0), [0, 3]],
          ['fmod', t.fmod(e, 2), [0, 3]],
          ['einsum', t.einsum('ij,jk->ik', e, t.ones([3, 2])), [0, 2]],
          ['einsum (empty sum)', t.einsum('ij,jk->ik', t.ones([2, 0]), t.ones([0, 2])), [2, 2]],
          ['meshgrid', t.meshgrid([t.zeros([0]), t.zeros([2])])[0], [0, 2]],
        ];
        for (const [name, y, shape] of shapes) {
          if (y.shape.join() !== shape.join()) throw new Error(`${name} of an empty tensor: shape [${y.shape}], PyTorch gives [${shape}]`);
        }
        await check(
          'einsum over an empty axis is 0',
          t.einsum('ij,jk->ik', t.ones([2, 0]), t.ones([0, 2])),
          ref([2, 2], [0, 0, 0, 0]),
          exact,
        );
      },
    ],
  ];
  return cases.map(([name, run]) => ({ name, run: () => run() }));
}

/** Gradcheck cases (gradgradcheck.ts checks each one's second order too). */
export const composedGradCases: GradCase[] = [
  {
    name: 'fmod (broadcast, both signs)',
    fn: (a, b) => t.fmod(a, b),
    // |a/b| away from whole numbers, where fmod jumps.
    inputs: [ref([2, 3], [-1.3, 1.45, -1.7, 1.2, 0.35, -0.6]), ref([3], [0.9, -0.8, 0.75])],
  },
  { name: 'hypot (broadcast)', fn: (a, b) => t.hypot(a, b), inputs: [randomRef([2, 3], 92), randomRef([3], 93, 0.5, 2)] },
  {
    name: 'lerp (tensor weight)',
    fn: (a, b, w) => t.lerp(a, b, w),
    inputs: [randomRef([2, 3], 94), randomRef([2, 3], 95), randomRef([3], 96, -0.5, 1.5)],
  },
  { name: 'lerp (number weight)', fn: (a, b) => t.lerp(a, b, 0.7), inputs: [randomRef([2, 3], 97), randomRef([3], 98)] },
  {
    name: 'addcmul',
    fn: (a, b, c) => t.addcmul(a, b, c, { value: -0.5 }),
    inputs: [randomRef([2, 3], 99), randomRef([2, 1], 100), randomRef([3], 101)],
  },
  {
    name: 'addcdiv',
    fn: (a, b, c) => t.addcdiv(a, b, c, { value: 2 }),
    inputs: [randomRef([2, 3], 102), randomRef([2, 3], 103), randomRef([3], 104, 0.5, 2)],
  },
  { name: 'nanToNum (finite input)', fn: (x) => x.nanToNum().mul(x), inputs: [randomRef([2, 3], 105)] },
  { name: 'gelu', fn: (x) => t.gelu(x), inputs: [randomRef([2, 3], 106, -3, 3)] },
  { name: 'gelu (tanh)', fn: (x) => t.gelu(x, { approximate: 'tanh' }), inputs: [randomRef([2, 3], 107, -3, 3)] },
  { name: 'tril (batch, offset 1)', fn: (x) => x.tril(1), inputs: [randomRef([2, 3, 3], 108)] },
  { name: 'triu (offset -1)', fn: (x) => x.triu(-1), inputs: [randomRef([3, 4], 109)] },
  { name: 'diag (vector, offset 1)', fn: (x) => x.diag(1), inputs: [randomRef([3], 110)] },
  { name: 'diag (matrix, offset -1)', fn: (x) => x.diag(-1), inputs: [randomRef([3, 4], 111)] },
  { name: 'diagonal (offset 1, dims 0 and 2)', fn: (x) => x.diagonal(1, 0, 2), inputs: [randomRef([3, 2, 4], 112)] },
  { name: 'repeat', fn: (x) => x.repeat([2, 1, 2]), inputs: [randomRef([2, 3], 113)] },
  { name: 'tile', fn: (x) => x.tile([2]), inputs: [randomRef([2, 3], 114)] },
  { name: 'roll (dims)', fn: (x) => x.roll([1, -1], [0, 1]), inputs: [randomRef([2, 3], 115)] },
  { name: 'roll (flattened)', fn: (x) => x.roll(4), inputs: [randomRef([2, 3], 116)] },
  { name: 'unflatten and movedim', fn: (x) => x.unflatten(1, [2, 3]).movedim([0, 1], [2, 0]), inputs: [randomRef([2, 6], 117)] },
  {
    name: 'meshgrid',
    fn: (a, b) => {
      const [ga, gb] = t.meshgrid([a, b]);
      return ga.mul(gb.square());
    },
    inputs: [randomRef([2], 118), randomRef([3], 119)],
  },
  {
    name: 'einsum (batched matmul)',
    fn: (a, b) => t.einsum('bij,bjk->bik', a, b),
    inputs: [randomRef([2, 2, 3], 120), randomRef([2, 3, 2], 121)],
  },
  {
    name: 'einsum (diagonal, ellipsis, implicit)',
    fn: (a, b) => t.einsum('...ii,i', a, b),
    inputs: [randomRef([2, 3, 3], 122), randomRef([3], 123)],
  },
  {
    name: 'einsum (three operands, broadcast)',
    fn: (a, b, c) => t.einsum('ij,jk,k->i', a, b, c),
    inputs: [randomRef([2, 3], 124), randomRef([3, 2], 125), randomRef([1], 126)],
  },
];
