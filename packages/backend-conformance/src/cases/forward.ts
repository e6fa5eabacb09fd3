import * as t from '@tensile/core';
import { assertClose } from '../compare.js';
import { indexingForwardCases } from './indexing.js';
import type { Tolerance } from '../options.js';
import {
  type Ref,
  binaryRef,
  forEachIndex,
  matmulRef,
  permuteRef,
  randomRef,
  reduceRef,
  sizeOf,
  stridesOf,
  transposeRef,
  unaryRef,
} from '../reference.js';
import { batchNormForwardCases } from './batch-norm.js';
import { composedEdgeCases, composedForwardCases } from './composed.js';
import { reductionEdgeCases, reductionForwardCases } from './reductions.js';
import { movementForwardCases } from './movement.js';

export interface ForwardCase {
  name: string;
  run(tol: Tolerance): Promise<void>;
}

const up = (r: Ref, dtype: t.DType = 'float32') => t.tensor(Float64Array.from(r.data), { shape: r.shape, dtype });

async function check(label: string, x: t.Tensor, expected: Ref, tol: Tolerance): Promise<void> {
  const data = await x.data<t.DataArray>();
  assertClose(label, data as ArrayLike<number>, x.shape, expected, tol);
  x.dispose();
}

type UnaryCase = [string, (x: t.Tensor) => t.Tensor, (v: number) => number, readonly [number, number]];
/** Every numeric op of core's unary table (bool-valued ones are in the edge cases), then clamp. */
const UNARY: UnaryCase[] = [
  ...t.UNARY_OP_NAMES.filter((op) => t.UNARY_OPS[op].dtype === 'float' || t.UNARY_OPS[op].dtype === 'numeric').map(
    (op): UnaryCase => [
      op,
      t.unaryFunctions[t.unaryMethodName(op)] as (x: t.Tensor) => t.Tensor,
      t.UNARY_OPS[op].ref,
      t.UNARY_OPS[op].domain,
    ],
  ),
  ['clamp', (x) => x.clamp(-0.5, 0.7), (v) => Math.min(Math.max(v, -0.5), 0.7), [-3, 3]],
];

type BinaryCase = [t.BinaryOp, (a: t.Tensor, b: t.Tensor) => t.Tensor, (x: number, y: number) => number];
/** Every arithmetic and comparison op of core's binary table (logical ones are in the bool cases). */
const BINARY: BinaryCase[] = t.BINARY_OP_NAMES.filter((op) => t.BINARY_OPS[op].kind !== 'logical').map(
  (op): BinaryCase => [op, t.binaryFunctions[t.binaryMethodName(op)] as (a: t.Tensor, b: t.Tensor) => t.Tensor, t.BINARY_OPS[op].ref],
);

const SHAPE_PAIRS: [number[], number[]][] = [
  [
    [2, 3, 4],
    [2, 3, 4],
  ],
  [
    [2, 3, 4],
    [3, 1],
  ],
  [[4], [2, 3, 4]],
  [
    [2, 1, 4],
    [1, 3, 1],
  ],
  [[], [2, 3]],
  [[5, 1], [1]],
];

/** Rounds reference inputs to float32 so the reference sees what the backend sees. */
const f32 = (r: Ref): Ref => ({ shape: r.shape, data: r.data.map((v) => Math.fround(v)) });

export function forwardCases(dtypes: readonly t.DType[]): ForwardCase[] {
  const cases: ForwardCase[] = [];
  const floats = dtypes.filter((d) => d === 'float32' || d === 'float64');
  for (const dtype of floats) {
    const round = dtype === 'float32' ? f32 : (r: Ref) => r;
    for (const [name, op, ref, [lo, hi]] of UNARY) {
      cases.push({
        name: `unary ${name} ${dtype}`,
        run: async (tol) => {
          const x = round(randomRef([3, 5], 11, lo, hi));
          if (name === 'round') x.data.set([0.5, 1.5, 2.5, -0.5, -1.5]); // halves go to even
          await check(`${name} ${dtype}`, op(up(x, dtype)), unaryRef(x, ref), tol);
        },
      });
    }
    for (const [name, op, ref] of BINARY) {
      for (const [sa, sb] of SHAPE_PAIRS) {
        cases.push({
          name: `binary ${name} ${dtype} [${sa}] [${sb}]`,
          run: async (tol) => {
            const [[alo, ahi], [blo, bhi]] = t.BINARY_OPS[name].domain;
            const a = round(randomRef(sa, 3, alo, ahi));
            const b = round(randomRef(sb, 7, blo, bhi));
            if (name === 'eq' || name === 'ne' || name === 'le' || name === 'ge') b.data[0] = a.data[0];
            await check(`${name} ${dtype} [${sa}] [${sb}]`, op(up(a, dtype), up(b, dtype)), binaryRef(a, b, ref), tol);
          },
        });
      }
    }
    cases.push(...reductionCases(dtype, round), ...matmulCases(dtype, round), ...movementCases(dtype, round));
    cases.push(...windowCases(dtype, round), ...compositeCases(dtype, round));
    cases.push(...composedForwardCases(dtype, round));
    cases.push(...batchNormForwardCases(dtype, round));
    cases.push(...reductionForwardCases(dtype, round));
  }
  cases.push(...intCases(), ...boolCases());
  cases.push(...composedEdgeCases());
  cases.push(...reductionEdgeCases());
  cases.push(...indexingForwardCases(dtypes));
  cases.push(...movementForwardCases(dtypes));
  return cases;
}

function reductionCases(dtype: t.DType, round: (r: Ref) => Ref): ForwardCase[] {
  const cases: ForwardCase[] = [];
  const ops: [string, (x: t.Tensor, a: number, k: boolean) => t.Tensor, number, (acc: number, v: number) => number][] = [
    ['sum', (x, a, k) => x.sum(a, k), 0, (s, v) => s + v],
    ['prod', (x, a, k) => x.prod(a, k), 1, (s, v) => s * v],
    ['max', (x, a, k) => x.amax(a, k), -Infinity, (s, v) => (Number.isNaN(s) || v > s || Number.isNaN(v) ? v : s)],
    ['min', (x, a, k) => x.amin(a, k), Infinity, (s, v) => (Number.isNaN(s) || v < s || Number.isNaN(v) ? v : s)],
  ];
  for (const [name, op, init, f] of ops) {
    for (const axis of [0, 1, 2, -1]) {
      for (const keepdims of [false, true]) {
        cases.push({
          name: `reduce ${name} ${dtype} axis ${axis} keepdims ${keepdims}`,
          run: async (tol) => {
            const x = round(randomRef([2, 3, 4], 5, -2, 2));
            await check(`${name} axis ${axis}`, op(up(x, dtype), axis, keepdims), reduceRef(x, (axis + 3) % 3, init, f, keepdims), tol);
          },
        });
      }
    }
  }
  cases.push({
    name: `reduce sum ${dtype} all axes and [0,2]`,
    run: async (tol) => {
      const x = round(randomRef([2, 3, 4], 9));
      const all = x.data.reduce((s, v) => s + v, 0);
      await check('sum all', up(x, dtype).sum(), { shape: [], data: Float64Array.of(all) }, tol);
      const r = reduceRef(
        reduceRef(x, 2, 0, (s, v) => s + v),
        0,
        0,
        (s, v) => s + v,
      );
      await check('sum [0,2]', up(x, dtype).sum([0, 2]), r, tol);
    },
  });
  for (const name of ['argmax', 'argmin'] as const) {
    cases.push({
      name: `reduce ${name} ${dtype} with ties and NaN`,
      run: async () => {
        const x = up({ shape: [2, 4], data: Float64Array.of(1, 3, 3, 0, 2, NaN, 5, NaN) }, dtype);
        const got = await x[name](1).data<Int32Array>();
        const expected = name === 'argmax' ? [1, 1] : [3, 1];
        if (got[0] !== expected[0] || got[1] !== expected[1])
          throw new Error(`${name}: got [${got}], expected [${expected}] (first index on ties, NaN wins)`);
        const flat = await x[name]().data<Int32Array>();
        if (flat[0] !== 5) throw new Error(`${name} of flattened: got ${flat[0]}, expected 5 (the first NaN)`);
      },
    });
  }
  cases.push({
    name: `reduce mean/var/std/logsumexp ${dtype}`,
    run: async (tol) => {
      const x = round(randomRef([3, 4], 13, -2, 2));
      const mean = reduceRef(x, 1, 0, (s, v) => s + v).data.map((s) => s / 4);
      await check('mean', up(x, dtype).mean(1), { shape: [3], data: mean }, tol);
      const v = new Float64Array(3);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) v[i] += (x.data[i * 4 + j] - mean[i]) ** 2 / 3;
      await check('var', up(x, dtype).var(1), { shape: [3], data: v }, tol);
      await check('std', up(x, dtype).std(1), { shape: [3], data: v.map(Math.sqrt) }, tol);
      const lse = new Float64Array(3);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) lse[i] += Math.exp(x.data[i * 4 + j]);
      await check('logsumexp', up(x, dtype).logsumexp(1), { shape: [3], data: lse.map(Math.log) }, tol);
    },
  });
  return cases;
}

function matmulCases(dtype: t.DType, round: (r: Ref) => Ref): ForwardCase[] {
  const cases: ForwardCase[] = [];
  for (const [m, k, n] of [
    [3, 4, 5],
    [1, 7, 1],
    [17, 33, 9],
    [64, 64, 64],
    [4, 0, 3],
  ]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        cases.push({
          name: `matmul ${dtype} ${m}x${k}x${n} transA ${transA} transB ${transB}`,
          run: async (tol) => {
            const a = round(randomRef([m, k], m * 31 + k));
            const b = round(randomRef([k, n], k * 17 + n));
            const at = transA ? transposeRef(a) : a;
            const bt = transB ? transposeRef(b) : b;
            const loose = { rtol: tol.rtol * 10, atol: tol.atol * k };
            await check(`matmul ${m}x${k}x${n}`, up(at, dtype).matmul(up(bt, dtype), { transA, transB }), matmulRef(a, b), loose);
          },
        });
      }
    }
  }
  cases.push({
    name: `matmul ${dtype} batched and broadcast batch`,
    run: async (tol) => {
      const a = round(randomRef([2, 1, 3, 4], 1));
      const b = round(randomRef([3, 4, 5], 2));
      const out = up(a, dtype).matmul(up(b, dtype));
      const expected: number[] = [];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 3; j++) {
          const am = { shape: [3, 4], data: a.data.slice(i * 12, i * 12 + 12) };
          const bm = { shape: [4, 5], data: b.data.slice(j * 20, j * 20 + 20) };
          expected.push(...matmulRef(am, bm).data);
        }
      }
      await check(
        'batched matmul',
        out,
        { shape: [2, 3, 3, 5], data: Float64Array.from(expected) },
        { rtol: tol.rtol * 10, atol: tol.atol * 4 },
      );
      const m = round(randomRef([3, 4], 4));
      const v = round(randomRef([4], 3));
      const mv = matmulRef(m, { shape: [4, 1], data: v.data });
      await check(
        'matrix·vector',
        up(m, dtype).matmul(up(v, dtype)),
        { shape: [3], data: mv.data },
        { rtol: tol.rtol * 10, atol: tol.atol * 4 },
      );
    },
  });
  return cases;
}

function movementCases(dtype: t.DType, round: (r: Ref) => Ref): ForwardCase[] {
  const x = () => round(randomRef([2, 3, 4], 21));
  return [
    { name: `permute ${dtype}`, run: (tol) => check('permute', up(x(), dtype).permute([2, 0, 1]), permuteRef(x(), [2, 0, 1]), tol) },
    { name: `transpose ${dtype}`, run: (tol) => check('transpose', up(x(), dtype).transpose(0, 2), permuteRef(x(), [2, 1, 0]), tol) },
    {
      name: `expand ${dtype}`,
      run: (tol) => {
        const s = round(randomRef([3, 1], 2));
        return check(
          'expand',
          up(s, dtype).expand([2, 3, 4]),
          binaryRef(s, { shape: [2, 3, 4], data: new Float64Array(24) }, (a) => a),
          tol,
        );
      },
    },
    {
      name: `slice with steps ${dtype}`,
      run: (tol) => {
        const r = x();
        const out = up(r, dtype).slice([null, [2, null, -2], [1, 4, 2]]);
        const data: number[] = [];
        for (let i = 0; i < 2; i++) for (const j of [2, 0]) for (const k of [1, 3]) data.push(r.data[i * 12 + j * 4 + k]);
        return check('slice', out, { shape: [2, 2, 2], data: Float64Array.from(data) }, tol);
      },
    },
    {
      name: `flip ${dtype}`,
      run: (tol) => {
        const r = x();
        const data = new Float64Array(24);
        forEachIndex([2, 3, 4], (idx, flat) => (data[flat] = r.data[idx[0] * 12 + (2 - idx[1]) * 4 + (3 - idx[2])]));
        return check('flip', up(r, dtype).flip([1, 2]), { shape: [2, 3, 4], data }, tol);
      },
    },
    {
      name: `pad ${dtype}`,
      run: (tol) => {
        const r = round(randomRef([2, 3], 4));
        const data = new Float64Array(4 * 6).fill(7);
        for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) data[(i + 1) * 6 + j + 2] = r.data[i * 3 + j];
        return check(
          'pad',
          up(r, dtype).pad(
            [
              [1, 1],
              [2, 1],
            ],
            7,
          ),
          { shape: [4, 6], data },
          tol,
        );
      },
    },
    {
      name: `concat/stack/split ${dtype}`,
      run: async (tol) => {
        const a = round(randomRef([2, 3], 1));
        const b = round(randomRef([2, 2], 2));
        const data: number[] = [];
        for (let i = 0; i < 2; i++) data.push(...a.data.slice(i * 3, i * 3 + 3), ...b.data.slice(i * 2, i * 2 + 2));
        await check('concat', t.concat([up(a, dtype), up(b, dtype)], 1), { shape: [2, 5], data: Float64Array.from(data) }, tol);
        await check(
          'stack',
          t.stack([up(a, dtype), up(a, dtype)], 0),
          { shape: [2, 2, 3], data: Float64Array.from([...a.data, ...a.data]) },
          tol,
        );
        const parts = up(a, dtype).split([1, 2], 1);
        await check('split', parts[1], { shape: [2, 2], data: Float64Array.of(a.data[1], a.data[2], a.data[4], a.data[5]) }, tol);
      },
    },
    {
      name: `indexSelect/gather/indexAdd ${dtype}`,
      run: async (tol) => {
        const r = round(randomRef([3, 4], 6));
        const idx = t.tensor(new Int32Array([2, 0, 2]));
        const sel: number[] = [];
        for (const i of [2, 0, 2]) sel.push(...r.data.slice(i * 4, i * 4 + 4));
        await check('indexSelect', up(r, dtype).indexSelect(0, idx), { shape: [3, 4], data: Float64Array.from(sel) }, tol);
        const added = new Float64Array(12);
        [2, 0, 2].forEach((i, j) => {
          for (let k = 0; k < 4; k++) added[i * 4 + k] += r.data[j * 4 + k];
        });
        await check('indexAdd', t.indexAdd(t.zeros([3, 4], { dtype }), 0, idx, up(r, dtype)), { shape: [3, 4], data: added }, tol);
        const gi = t.tensor(new Int32Array([3, 0, 1, 1, 2, 2]), { shape: [3, 2] });
        const g = [3, 0, 1, 1, 2, 2].map((c, k) => r.data[Math.floor(k / 2) * 4 + c]);
        await check('gather', up(r, dtype).gather(1, gi), { shape: [3, 2], data: Float64Array.from(g) }, tol);
      },
    },
    {
      name: `where/cast ${dtype}`,
      run: async (tol) => {
        const a = round(randomRef([2, 3], 1, -3, 3));
        const c = up(a, dtype).gt(0);
        await check(
          'where',
          t.where(c, up(a, dtype), -1),
          unaryRef(a, (v) => (v > 0 ? v : -1)),
          tol,
        );
        await check('cast int32', up(a, dtype).cast('int32'), unaryRef(a, Math.trunc), { rtol: 0, atol: 0 });
        await check(
          'cast bool',
          up(a, dtype).cast('bool'),
          unaryRef(a, (v) => Number(v !== 0)),
          { rtol: 0, atol: 0 },
        );
      },
    },
  ];
}

/** Direct (loop) conv2d reference, NCHW, symmetric padding. */
function convRef(x: Ref, w: Ref, stride: number, pad: number, dil: number, groups: number): Ref {
  const [n, c, h, wd] = x.shape;
  const [o, cg, kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * pad - dil * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((wd + 2 * pad - dil * (kw - 1) - 1) / stride) + 1;
  const out = new Float64Array(n * o * oh * ow);
  const og = o / groups;
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = 0;
          const g = Math.floor(oc / og);
          for (let ci = 0; ci < cg; ci++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const y = i * stride - pad + p * dil;
                const xx = j * stride - pad + q * dil;
                if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
                s += x.data[((b * c + g * cg + ci) * h + y) * wd + xx] * w.data[((oc * cg + ci) * kh + p) * kw + q];
              }
          out[((b * o + oc) * oh + i) * ow + j] = s;
        }
  void c;
  return { shape: [n, o, oh, ow], data: out };
}

function poolRef(x: Ref, k: number, stride: number, pad: number, kind: 'max' | 'avg'): Ref {
  const [n, c, h, w] = x.shape;
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(n * c * oh * ow);
  for (let b = 0; b < n * c; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let acc = kind === 'max' ? -Infinity : 0;
        for (let p = 0; p < k; p++)
          for (let q = 0; q < k; q++) {
            const y = i * stride - pad + p;
            const xx = j * stride - pad + q;
            if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
            const v = x.data[(b * h + y) * w + xx];
            acc = kind === 'max' ? Math.max(acc, v) : acc + v;
          }
        out[(b * oh + i) * ow + j] = kind === 'max' ? acc : acc / (k * k);
      }
  return { shape: [n, c, oh, ow], data: out };
}

function windowCases(dtype: t.DType, round: (r: Ref) => Ref): ForwardCase[] {
  const cases: ForwardCase[] = [];
  for (const [stride, pad, dil, groups] of [
    [1, 0, 1, 1],
    [2, 1, 1, 1],
    [1, 2, 2, 1],
    [1, 1, 1, 2],
  ]) {
    cases.push({
      name: `conv2d ${dtype} stride ${stride} pad ${pad} dilation ${dil} groups ${groups}`,
      run: async (tol) => {
        const x = round(randomRef([2, 4, 7, 6], 8));
        const w = round(randomRef([6, 4 / groups, 3, 3], 9));
        const out = t.conv2d(up(x, dtype), up(w, dtype), null, { stride, padding: pad, dilation: dil, groups });
        await check('conv2d', out, convRef(x, w, stride, pad, dil, groups), { rtol: tol.rtol * 10, atol: tol.atol * 40 });
      },
    });
  }
  for (const [k, stride, pad] of [
    [2, 2, 0],
    [3, 2, 1],
    [3, 1, 1],
  ]) {
    for (const kind of ['max', 'avg'] as const) {
      cases.push({
        name: `${kind}Pool2d ${dtype} k ${k} stride ${stride} pad ${pad}`,
        run: async (tol) => {
          const x = round(randomRef([2, 3, 6, 5], 10));
          const opts = { kernelSize: k, stride, padding: pad };
          const out = kind === 'max' ? t.maxPool2d(up(x, dtype), opts) : t.avgPool2d(up(x, dtype), opts);
          await check(`${kind}Pool2d`, out, poolRef(x, k, stride, pad, kind), tol);
        },
      });
    }
  }
  return cases;
}

function compositeCases(dtype: t.DType, round: (r: Ref) => Ref): ForwardCase[] {
  return [
    {
      name: `softmax/logSoftmax ${dtype} every axis`,
      run: async (tol) => {
        const x = round(randomRef([2, 3, 4], 31, -3, 3));
        for (const axis of [0, 1, 2]) {
          const e = unaryRef(x, Math.exp);
          const s = reduceRef(e, axis, 0, (a, v) => a + v, true);
          const sm = binaryRef(e, s, (a, b) => a / b);
          await check(`softmax axis ${axis}`, up(x, dtype).softmax(axis), sm, tol);
          await check(`logSoftmax axis ${axis}`, up(x, dtype).logSoftmax(axis), unaryRef(sm, Math.log), {
            rtol: tol.rtol,
            atol: tol.atol * 4,
          });
        }
      },
    },
    {
      name: `linear ${dtype}`,
      run: async (tol) => {
        const x = round(randomRef([5, 4], 1));
        const w = round(randomRef([3, 4], 2));
        const b = round(randomRef([3], 3));
        const ref = binaryRef(matmulRef(x, transposeRef(w)), b, (p, q) => p + q);
        await check('linear', t.linear(up(x, dtype), up(w, dtype), up(b, dtype)), ref, { rtol: tol.rtol * 10, atol: tol.atol * 4 });
      },
    },
  ];
}

function intCases(): ForwardCase[] {
  const exact = { rtol: 0, atol: 0 };
  return [
    {
      name: 'int32 arithmetic (true div to float32, floorDivide toward -inf, mod with the divisor sign)',
      run: async () => {
        const a = t.tensor(new Int32Array([7, -7, 7, -7, 9]));
        const b = t.tensor(new Int32Array([2, 2, -2, -2, 3]));
        await check('int add', a.add(b), { shape: [5], data: Float64Array.of(9, -5, 5, -9, 12) }, exact);
        await check('int mul', a.mul(b), { shape: [5], data: Float64Array.of(14, -14, -14, 14, 27) }, exact);
        const d = t.div(a, b);
        if (d.dtype !== 'float32') throw new Error(`int32 / int32 gave ${d.dtype}, PyTorch gives float32`);
        await check('int div', d, { shape: [5], data: Float64Array.of(3.5, -3.5, -3.5, 3.5, 3) }, exact);
        const q = t.floorDivide(a, b);
        if (q.dtype !== 'int32') throw new Error(`int32 floorDivide gave ${q.dtype}`);
        await check('int floorDivide', q, { shape: [5], data: Float64Array.of(3, -4, -4, 3, 3) }, exact);
        await check('int mod', a.mod(b), { shape: [5], data: Float64Array.of(1, 1, -1, -1, 0) }, exact);
        // a = (a // b)·b + a mod b, as in Python and PyTorch.
        await check(
          'int floorDivide·b + mod',
          t.floorDivide(a, b).mul(b).add(a.mod(b)),
          { shape: [5], data: Float64Array.of(7, -7, 7, -7, 9) },
          exact,
        );
        await check('int neg/abs', a.neg().abs(), { shape: [5], data: Float64Array.of(7, 7, 7, 7, 9) }, exact);
        await check('int sum', a.sum(), { shape: [], data: Float64Array.of(9) }, exact);
        await check('int max', a.max(), { shape: [], data: Float64Array.of(9) }, exact);
        await check('int argmax', a.argmax(), { shape: [], data: Float64Array.of(4) }, exact);
        await check('int to float', a.cast('float32').div(2), { shape: [5], data: Float64Array.of(3.5, -3.5, 3.5, -3.5, 4.5) }, exact);
      },
    },
  ];
}

function boolCases(): ForwardCase[] {
  const exact = { rtol: 0, atol: 0 };
  return [
    {
      name: 'bool logic and counting',
      run: async () => {
        const a = t.tensor([true, true, false, false]);
        const b = t.tensor([true, false, true, false]);
        await check('and', a.logicalAnd(b), { shape: [4], data: Float64Array.of(1, 0, 0, 0) }, exact);
        await check('or', a.logicalOr(b), { shape: [4], data: Float64Array.of(1, 1, 1, 0) }, exact);
        await check('xor', a.logicalXor(b), { shape: [4], data: Float64Array.of(0, 1, 1, 0) }, exact);
        await check('not', a.logicalNot(), { shape: [4], data: Float64Array.of(0, 0, 1, 1) }, exact);
        await check('sum of bool', a.sum(), { shape: [], data: Float64Array.of(2) }, exact);
        await check('bool to float', a.cast('float32'), { shape: [4], data: Float64Array.of(1, 1, 0, 0) }, exact);
      },
    },
  ];
}

export { sizeOf, stridesOf };
