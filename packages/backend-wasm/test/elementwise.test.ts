import { type BinaryOp, type DType, type KernelUnaryOp, UNARY_OPS } from '@tensile/core';
import { describe, expect, test } from 'vitest';
import { binaryBroadcast, down, expectClose, randoms, setups, up, useBackends, whereBroadcast } from './helpers.js';

useBackends();

const SPECIAL = [0, -0, 0.5, 1.5, 2.5, -2.5, -0.5, 3.7, -3.2, 1e-6, -1e-8, 20, -20, 90, -90, NaN, Infinity, -Infinity];
const FLOATS = [...SPECIAL, ...randoms(37, 3).map((v) => v * 6)];

/** Reference erf by composite Simpson integration of 2/sqrt(pi) e^{-t^2}: independent of the C series. */
function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) > 6) return Math.sign(x);
  const n = 4000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const UNARY_REF: Partial<Record<KernelUnaryOp, (x: number) => number>> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), // PyTorch: sign(NaN) = 0
  square: (x) => x * x,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  erf,
  relu: (x) => (Number.isNaN(x) ? x : Math.max(x, 0)),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
};

describe('unary', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const [op, ref] of Object.entries(UNARY_REF) as [KernelUnaryOp, (x: number) => number][]) {
      test(`${op} ${dtype}`, () => {
        for (const { backend: b } of setups) {
          const xs = dtype === 'float32' ? FLOATS.map(Math.fround) : FLOATS;
          const got = down(b, b.unary(op, up(b, xs, dtype), dtype, xs.length), dtype, xs.length);
          const want = xs.map(ref);
          // float64 takes Math/erf at full precision; float32 SIMD polynomials are within a few ulp.
          if (dtype === 'float64') expectClose(got, want, op === 'erf' ? 1e-12 : 1e-14, 1e-300);
          else expectClose(got, want.map(Math.fround), 3e-7, 1e-37);
        }
      });
    }
  }

  test('erf float32 (GELU) is within 1.5 ulp of erf on a dense grid, odd, and 1 from 3.92', () => {
    const exact = UNARY_OPS.erf.ref;
    const grid = Array.from({ length: 16801 }, (_, i) => Math.fround(-4.2 + i * 0.0005));
    const xs = [...grid, ...Array.from({ length: 60 }, (_, i) => Math.fround(10 ** (-i / 2)))];
    for (const { backend: b } of setups) {
      const got = down(b, b.unary('erf', up(b, xs, 'float32'), 'float32', xs.length), 'float32', xs.length);
      let worst = 0;
      xs.forEach((x, i) => {
        const want = exact(x);
        // One ulp of the float32 result: the gap to the next float32 away from zero.
        const f = Math.fround(Math.abs(want));
        const ulp = f === 0 ? 2 ** -149 : Math.fround(f * (1 + 2 ** -23)) - f || 2 ** -24;
        worst = Math.max(worst, Math.abs(got[i] - want) / ulp);
      });
      expect(worst).toBeLessThan(1.5);
      const special = down(b, b.unary('erf', up(b, [-0, 3.92, 4, 1e30, -Infinity], 'float32'), 'float32', 5), 'float32', 5);
      expect(Object.is(special[0], -0)).toBe(true);
      expect(special.slice(1)).toEqual([1, 1, 1, -1]);
    }
  });

  test('int32 ops and bool not', () => {
    for (const { backend: b } of setups) {
      const xs = [0, 1, -1, 7, -7, 2147483647];
      const run = (op: KernelUnaryOp) => down(b, b.unary(op, up(b, xs, 'int32'), 'int32', xs.length), 'int32', xs.length);
      expect(run('neg')).toEqual([0, -1, 1, -7, 7, -2147483647]);
      expect(run('abs')).toEqual([0, 1, 1, 7, 7, 2147483647]);
      expect(run('sign')).toEqual([0, 1, -1, 1, -1, 1]);
      expect(run('relu')).toEqual([0, 1, 0, 7, 0, 2147483647]);
      expect(run('square').slice(0, 5)).toEqual([0, 1, 1, 49, 49]);
      expect(() => b.unary('exp', up(b, xs, 'int32'), 'int32', xs.length)).toThrow(/unary 'exp'.*int32/);
      expect(down(b, b.unary('not', up(b, [0, 1, 1, 0], 'bool'), 'bool', 4), 'bool', 4)).toEqual([1, 0, 0, 1]);
    }
  });

  test('isnan / isinf give bool', () => {
    for (const { backend: b } of setups) {
      const xs = [0, NaN, Infinity, -Infinity, 1];
      expect(down(b, b.unary('isnan', up(b, xs, 'float32'), 'float32', 5), 'bool', 5)).toEqual([0, 1, 0, 0, 0]);
      expect(down(b, b.unary('isinf', up(b, xs, 'float64'), 'float64', 5), 'bool', 5)).toEqual([0, 0, 1, 1, 0]);
    }
  });

  test('large inputs split over threads equal one thread', () => {
    const xs = randoms(600_001, 9).map((v) => v * 10);
    const outs = setups.map(({ backend: b }) => down(b, b.unary('tanh', up(b, xs, 'float32'), 'float32', xs.length), 'float32', xs.length));
    expect(outs[1]).toEqual(outs[0]);
  });
});

/** Reference binary op with broadcasting over right-aligned shapes. */
function refBinary(
  f: (x: number, y: number) => number,
  a: number[],
  aShape: number[],
  b: number[],
  bShape: number[],
  outShape: number[],
): number[] {
  const size = outShape.reduce((s, d) => s * d, 1);
  const index = (shape: number[], coords: number[]) => {
    let idx = 0;
    for (let d = 0; d < shape.length; d++) {
      const c = coords[coords.length - shape.length + d]!;
      idx = idx * shape[d]! + (shape[d] === 1 ? 0 : c);
    }
    return idx;
  };
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    const coords: number[] = [];
    let r = i;
    for (let d = outShape.length - 1; d >= 0; d--) {
      coords.unshift(r % outShape[d]!);
      r = Math.floor(r / outShape[d]!);
    }
    out.push(f(a[index(aShape, coords)]!, b[index(bShape, coords)]!));
  }
  return out;
}

const nanMax = (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y));
const nanMin = (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y));
const pyMod = (x: number, y: number) => {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
};
const cPow = (x: number, y: number) => (x === 1 ? 1 : x ** y);

const FLOAT_BINARY: Partial<Record<BinaryOp, (x: number, y: number) => number>> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: cPow,
  maximum: nanMax,
  minimum: nanMin,
  mod: pyMod,
  eq: (x, y) => +(x === y),
  ne: (x, y) => +(x !== y),
  lt: (x, y) => +(x < y),
  le: (x, y) => +(x <= y),
  gt: (x, y) => +(x > y),
  ge: (x, y) => +(x >= y),
};

const SHAPES: [number[], number[], number[]][] = [
  [
    [2, 3, 4],
    [2, 3, 4],
    [2, 3, 4],
  ],
  [[2, 3, 4], [4], [2, 3, 4]],
  [
    [2, 1, 4],
    [3, 1],
    [2, 3, 4],
  ],
  [[1], [5, 2], [5, 2]],
  [[], [3], [3]],
  [
    [3, 1, 5, 1],
    [1, 2, 1, 3],
    [3, 2, 5, 3],
  ],
];

describe('binary', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const [op, f] of Object.entries(FLOAT_BINARY) as [BinaryOp, (x: number, y: number) => number][]) {
      test(`${op} ${dtype} with broadcasting`, () => {
        for (const { backend: b } of setups) {
          for (const [aShape, bShape, outShape] of SHAPES) {
            const na = aShape.reduce((s, d) => s * d, 1);
            const nb = bShape.reduce((s, d) => s * d, 1);
            const round = dtype === 'float32' ? Math.fround : (v: number) => v;
            const a = FLOATS.concat(FLOATS).slice(0, na).map(round);
            const bv = randoms(nb, 5)
              .map((v) => round(v * 4))
              .map((v, i) => (i === 1 ? NaN : i === 2 ? -2.5 : v));
            const size = outShape.reduce((s, d) => s * d, 1);
            const outDtype = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op) ? 'bool' : dtype;
            const got = down(b, binaryBroadcast(b, op, up(b, a, dtype), aShape, up(b, bv, dtype), bShape, outShape, dtype), outDtype, size);
            const want = refBinary(f, a, aShape, bv, bShape, outShape);
            const rtol = dtype === 'float64' ? 1e-15 : 2e-7;
            expectClose(got, outDtype === dtype ? want.map(round) : want, rtol, 1e-38);
          }
        }
      });
    }
  }

  test('int32: truncating div, sign-of-divisor mod, integer pow', () => {
    for (const { backend: b } of setups) {
      const x = [7, -7, 7, -7, 5, 0];
      const y = [2, 2, -2, -2, 0, 3];
      const run = (op: BinaryOp) =>
        down(b, binaryBroadcast(b, op, up(b, x, 'int32'), [6], up(b, y, 'int32'), [6], [6], 'int32'), 'int32', 6);
      expect(run('div')).toEqual([3, -3, -3, 3, 0, 0]);
      expect(run('mod')).toEqual([1, 1, -1, -1, 0, 0]);
      expect(run('add')).toEqual([9, -5, 5, -9, 5, 3]);
      expect(run('maximum')).toEqual([7, 2, 7, -2, 5, 3]);
      const pw = down(
        b,
        binaryBroadcast(b, 'pow', up(b, [2, -3, 2, 1], 'int32'), [4], up(b, [10, 3, -1, -5], 'int32'), [4], [4], 'int32'),
        'int32',
        4,
      );
      expect(pw).toEqual([1024, -27, 0, 1]);
      expect(down(b, binaryBroadcast(b, 'lt', up(b, x, 'int32'), [6], up(b, y, 'int32'), [6], [6], 'int32'), 'bool', 6)).toEqual([
        0, 1, 0, 1, 0, 1,
      ]);
    }
  });

  test('bool and / or / eq', () => {
    for (const { backend: b } of setups) {
      const x = up(b, [0, 0, 1, 1], 'bool');
      const y = up(b, [0, 1, 0, 1], 'bool');
      expect(down(b, binaryBroadcast(b, 'and', x, [4], y, [4], [4], 'bool'), 'bool', 4)).toEqual([0, 0, 0, 1]);
      expect(down(b, binaryBroadcast(b, 'or', x, [4], y, [4], [4], 'bool'), 'bool', 4)).toEqual([0, 1, 1, 1]);
      expect(down(b, binaryBroadcast(b, 'eq', x, [4], y, [4], [4], 'bool'), 'bool', 4)).toEqual([1, 0, 0, 1]);
      expect(() => binaryBroadcast(b, 'and', up(b, [1], 'float32'), [1], up(b, [1], 'float32'), [1], [1], 'float32')).toThrow(
        /'and'.*float32/,
      );
    }
  });

  test('large broadcast add over threads equals one thread', () => {
    const a = randoms(1024 * 700, 2);
    const bias = randoms(1024, 4);
    const outs = setups.map(({ backend: b }) =>
      down(
        b,
        binaryBroadcast(b, 'add', up(b, a, 'float32'), [700, 1024], up(b, bias, 'float32'), [1024], [700, 1024], 'float32'),
        'float32',
        a.length,
      ),
    );
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[0]![1024 * 699 + 5]).toBe(Math.fround(Math.fround(a[1024 * 699 + 5]!) + Math.fround(bias[5]!)));
  });
});

describe('strided inputs (views laid out by core)', () => {
  test('binary reads transposed, offset and reversed inputs, on one thread and on many', () => {
    // x is [n, m] dense; a = x.T [m, n] (strides [1, m]); b = x's row 1 reversed (offset 2m-1, stride -1) broadcast over columns.
    const [n, m] = [520, 1024]; // 532480 outputs: past the threading threshold
    const x = randoms(n * m, 7).map(Math.fround);
    const want = Array.from({ length: m * n }, (_, k) => {
      const [i, j] = [Math.floor(k / n), k % n];
      return Math.fround(x[j * m + i]! - x[2 * m - 1 - i]!);
    });
    for (const { backend: b } of setups) {
      const h = up(b, x, 'float32');
      const got = down(
        b,
        b.binary('sub', { handle: h, strides: [1, m], offset: 0 }, { handle: h, strides: [-1, 0], offset: 2 * m - 1 }, [m, n], 'float32'),
        'float32',
        m * n,
      );
      expect(got).toEqual(want);
      b.free(h);
    }
  });

  test('where reads a column slice with an offset', () => {
    for (const { backend: b } of setups) {
      const hx = up(b, [1, 2, 3, 4, 5, 6], 'int32'); // [2, 3]
      const cond = up(b, [1, 0], 'bool');
      const zero = up(b, [0], 'int32');
      // a = x[:, 1:] ([2, 2], strides [3, 1], offset 1); cond [2, 1] broadcast; b a scalar.
      const got = b.where(
        { handle: cond, strides: [1, 0], offset: 0 },
        { handle: hx, strides: [3, 1], offset: 1 },
        { handle: zero, strides: [0, 0], offset: 0 },
        [2, 2],
        'int32',
      );
      expect(down(b, got, 'int32', 4)).toEqual([2, 3, 0, 0]);
      for (const h of [hx, cond, zero]) b.free(h);
    }
  });
});

describe('where, clamp, cast', () => {
  test('where broadcasts cond, a and b', () => {
    for (const { backend: b } of setups) {
      for (const dtype of ['float32', 'float64', 'int32', 'bool'] as DType[]) {
        const cond = up(b, [1, 0, 1], 'bool');
        const x = up(b, [1, 0], dtype);
        const y = up(b, [0], dtype);
        const got = down(b, whereBroadcast(b, cond, [3], x, [2, 1], y, [], [2, 3], dtype), dtype, 6);
        expect(got).toEqual([1, 0, 1, 0, 0, 0]);
      }
    }
  });

  test('clamp keeps NaN', () => {
    for (const { backend: b } of setups) {
      const got = down(b, b.clamp!(up(b, [-5, 0.5, 5, NaN], 'float32'), 'float32', 4, -1, 1), 'float32', 4);
      expect(got).toEqual([-1, 0.5, 1, NaN]);
      expect(down(b, b.clamp!(up(b, [-5, 0, 5], 'int32'), 'int32', 3, -1, 2), 'int32', 3)).toEqual([-1, 0, 2]);
    }
  });

  test('cast truncates toward zero, NaN -> 0, nonzero -> true', () => {
    for (const { backend: b } of setups) {
      const xs = [1.7, -1.7, NaN, 0, -0.2, 3e9];
      expect(down(b, b.cast(up(b, xs, 'float32'), 'float32', 'int32', 6), 'int32', 6)).toEqual([1, -1, 0, 0, 0, 2147483647]);
      expect(down(b, b.cast(up(b, xs, 'float64'), 'float64', 'bool', 6), 'bool', 6)).toEqual([1, 1, 1, 0, 1, 1]);
      expect(down(b, b.cast(up(b, [0, 1], 'bool'), 'bool', 'float32', 2), 'float32', 2)).toEqual([0, 1]);
      expect(down(b, b.cast(up(b, [1.1], 'float64'), 'float64', 'float32', 1), 'float32', 1)).toEqual([Math.fround(1.1)]);
    }
  });
});
