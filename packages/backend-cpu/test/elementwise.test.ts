import type { BinaryOp, DType, KernelUnaryOp } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import {
  backend,
  binaryBroadcast,
  down,
  expectClose,
  makeRng,
  randomArray,
  sizeOf,
  stridesOf,
  unravel,
  up,
  whereBroadcast,
} from './helpers.js';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 3, -3, 1e-8, 20, -20];

function floatInput(dtype: DType): Float32Array | Float64Array {
  const rng = makeRng(3);
  const values = [...SPECIAL, ...Array.from({ length: 40 }, () => rng() * 8 - 4)];
  return dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

/** Plain float64 references (erf checked separately against known values). */
const unaryRef: Partial<Record<KernelUnaryOp, (x: number) => number>> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), // PyTorch: sign(NaN) = 0, sign(-0) = 0
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
  relu: (x) => (Number.isNaN(x) ? NaN : Math.max(0, x)),
  floor: Math.floor,
  ceil: Math.ceil,
  round: (x) => {
    const f = Math.floor(x);
    const d = x - f;
    if (d !== 0.5) return Math.round(x);
    return f % 2 === 0 ? f : f + 1;
  },
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
  isinf: (x) => (Math.abs(x) === Infinity ? 1 : 0),
};

describe('unary', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const [op, f] of Object.entries(unaryRef) as [KernelUnaryOp, (x: number) => number][]) {
      it(`${op} (${dtype}) matches Math, NaN/Inf included`, () => {
        const x = floatInput(dtype);
        const outDType = op === 'isnan' || op === 'isinf' ? 'bool' : dtype;
        const out = down(backend.unary(op, up(x, dtype), dtype, x.length), outDType, x.length);
        expect(out.constructor.name).toBe(outDType === 'bool' ? 'Uint8Array' : x.constructor.name);
        const expected = Array.from(x, f);
        const rounded = dtype === 'float32' && outDType !== 'bool' ? Float32Array.from(expected) : expected;
        expectClose(out, rounded, dtype === 'float32' ? 1e-6 : 1e-15, 0);
      });
    }
  }

  it('round is half to even', () => {
    const x = Float32Array.from([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, 7]);
    expect(Array.from(down(backend.unary('round', up(x, 'float32'), 'float32', 9), 'float32', 9))).toEqual([0, 2, 2, -0, -2, -2, 2, 3, 7]);
  });

  it('erf matches known values to double precision', () => {
    const x = Float64Array.from([0, 0.5, 1, -1.5, 2, 3, 10, NaN]);
    const expected = [0, 0.5204998778130465, 0.8427007929497149, -0.9661051464753108, 0.9953222650189527, 0.9999779095030014, 1, NaN];
    expectClose(down(backend.unary('erf', up(x, 'float64'), 'float64', 8), 'float64', 8), expected, 1e-15, 0);
  });

  it('int32: neg, abs, sign, square, relu; float-only ops throw', () => {
    const x = Int32Array.from([-3, 0, 4, -2147483648]);
    const run = (op: KernelUnaryOp) => Array.from(down(backend.unary(op, up(x, 'int32'), 'int32', 4), 'int32', 4));
    expect(run('neg')).toEqual([3, 0, -4, -2147483648]);
    expect(run('abs')).toEqual([3, 0, 4, -2147483648]);
    expect(run('sign')).toEqual([-1, 0, 1, -1]);
    expect(run('square')).toEqual([9, 0, 16, 0]);
    expect(run('relu')).toEqual([0, 0, 4, 0]);
    expect(() => backend.unary('exp', up(x, 'int32'), 'int32', 4)).toThrow(/unary 'exp'.*int32/);
  });

  it('not flips bools', () => {
    const x = Uint8Array.from([0, 1, 1, 0]);
    expect(Array.from(down(backend.unary('not', up(x, 'bool'), 'bool', 4), 'bool', 4))).toEqual([1, 0, 0, 1]);
  });

  it('clamp keeps NaN and works on int32', () => {
    const x = Float32Array.from([-5, 0.5, 5, NaN]);
    expect(Array.from(down(backend.clamp!(up(x, 'float32'), 'float32', 4, -1, 1), 'float32', 4))).toEqual([-1, 0.5, 1, NaN]);
    const xi = Int32Array.from([-5, 0, 5]);
    expect(Array.from(down(backend.clamp!(up(xi, 'int32'), 'int32', 3, -2, 2), 'int32', 3))).toEqual([-2, 0, 2]);
  });
});

/** Broadcast reference: out[idx] = f(a[bcast idx], b[bcast idx]). */
function broadcastRef(
  f: (x: number, y: number) => number,
  a: ArrayLike<number>,
  aShape: number[],
  b: ArrayLike<number>,
  bShape: number[],
  outShape: number[],
): number[] {
  const pick = (data: ArrayLike<number>, shape: number[], idx: number[]) => {
    const st = stridesOf(shape);
    let o = 0;
    shape.forEach((d, i) => (o += (d === 1 ? 0 : idx[idx.length - shape.length + i]) * st[i]));
    return data[o];
  };
  return Array.from({ length: sizeOf(outShape) }, (_, i) => {
    const idx = unravel(i, outShape);
    return f(pick(a, aShape, idx), pick(b, bShape, idx));
  });
}

const floorMod = (x: number, y: number) => {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
};

const binaryRef: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: Math.pow,
  maximum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
  minimum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)),
  mod: floorMod,
  atan2: Math.atan2,
  eq: (x, y) => +(x === y),
  ne: (x, y) => +(x !== y),
  lt: (x, y) => +(x < y),
  le: (x, y) => +(x <= y),
  gt: (x, y) => +(x > y),
  ge: (x, y) => +(x >= y),
  and: (x, y) => +(x !== 0 && y !== 0),
  or: (x, y) => +(x !== 0 || y !== 0),
};

const SHAPE_PAIRS: [number[], number[], number[]][] = [
  [
    [3, 4],
    [3, 4],
    [3, 4],
  ],
  [[3, 4], [], [3, 4]],
  [[], [2, 5], [2, 5]],
  [[3, 4], [4], [3, 4]],
  [
    [3, 1],
    [1, 4],
    [3, 4],
  ],
  [
    [2, 3, 1, 5],
    [3, 4, 1],
    [2, 3, 4, 5],
  ],
  [[0, 4], [4], [0, 4]],
  [
    [2, 1, 3],
    [2, 5, 3],
    [2, 5, 3],
  ],
  [[1], [1], [1]],
];

describe('binary', () => {
  const rng = makeRng(11);
  for (const op of Object.keys(binaryRef) as BinaryOp[]) {
    const isBool = op === 'and' || op === 'or';
    const dtypes: DType[] = isBool ? ['bool'] : ['float32', 'float64', 'int32'];
    for (const dtype of dtypes) {
      it(`${op} (${dtype}) broadcasts like NumPy`, () => {
        for (const [aShape, bShape, outShape] of SHAPE_PAIRS) {
          const a = randomArray(rng, dtype, sizeOf(aShape));
          const b = randomArray(rng, dtype, sizeOf(bShape));
          if (dtype !== 'bool' && b.length > 0) b[0] = 0; // division and mod by zero
          const outDType = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or'].includes(op) ? 'bool' : dtype;
          const out = down(binaryBroadcast(op, up(a, dtype), aShape, up(b, dtype), bShape, outShape, dtype), outDType, sizeOf(outShape));
          let expected = broadcastRef(binaryRef[op], a, aShape, b, bShape, outShape);
          if (dtype === 'int32' && outDType === 'int32')
            expected = expected.map((v) => (op === 'div' || op === 'pow' ? Math.trunc(v) | 0 : v | 0));
          if (dtype === 'float32' && outDType === 'float32') expected = Array.from(Float32Array.from(expected));
          expectClose(out, expected, dtype === 'float32' ? 1e-6 : 1e-15, 0);
        }
      });
    }
  }

  it('maximum/minimum propagate NaN from either side', () => {
    const a = Float32Array.from([NaN, 1, NaN]);
    const b = Float32Array.from([1, NaN, NaN]);
    for (const op of ['maximum', 'minimum'] as const) {
      expect(Array.from(down(binaryBroadcast(op, up(a, 'float32'), [3], up(b, 'float32'), [3], [3], 'float32'), 'float32', 3))).toEqual([
        NaN,
        NaN,
        NaN,
      ]);
    }
  });

  it('mod takes the sign of the divisor; int32 div truncates', () => {
    const a = Int32Array.from([7, -7, 7, -7]);
    const b = Int32Array.from([3, 3, -3, -3]);
    const run = (op: BinaryOp) => Array.from(down(binaryBroadcast(op, up(a, 'int32'), [4], up(b, 'int32'), [4], [4], 'int32'), 'int32', 4));
    expect(run('mod')).toEqual([1, 2, -2, -1]);
    expect(run('div')).toEqual([2, -2, -2, 2]);
    const af = Float64Array.from([5.5, -5.5]);
    const bf = Float64Array.from([2, 2]);
    expect(Array.from(down(binaryBroadcast('mod', up(af, 'float64'), [2], up(bf, 'float64'), [2], [2], 'float64'), 'float64', 2))).toEqual([
      1.5, 0.5,
    ]);
  });

  it('int32 add and mul wrap', () => {
    const a = Int32Array.from([2147483647, 65536]);
    const b = Int32Array.from([1, 65536]);
    expect(Array.from(down(binaryBroadcast('add', up(a, 'int32'), [2], up(b, 'int32'), [2], [2], 'int32'), 'int32', 2))).toEqual([
      -2147483648, 131072,
    ]);
    expect(Array.from(down(binaryBroadcast('mul', up(a, 'int32'), [2], up(b, 'int32'), [2], [2], 'int32'), 'int32', 2))).toEqual([
      2147483647, 0,
    ]);
  });
});

describe('strided inputs (views laid out by core)', () => {
  it('binary reads transposed, offset and reversed inputs through their strides', () => {
    // x is [3, 4] dense; a = x.T [4, 3] (strides [1, 4]); b = row 1 of x reversed [4] (offset 7, stride -1) broadcast over columns.
    const x = Float32Array.from({ length: 12 }, (_, i) => i);
    const h = up(x, 'float32');
    const out = down(
      backend.binary('sub', { handle: h, strides: [1, 4], offset: 0 }, { handle: h, strides: [-1, 0], offset: 7 }, [4, 3], 'float32'),
      'float32',
      12,
    );
    const expected = Array.from({ length: 12 }, (_, k) => {
      const [i, j] = [Math.floor(k / 3), k % 3];
      return x[j * 4 + i] - x[7 - i];
    });
    expect(Array.from(out)).toEqual(expected);
    backend.free(h);
  });

  it('where reads a column slice with an offset', () => {
    const x = Int32Array.from([1, 2, 3, 4, 5, 6]); // [2, 3]
    const hx = up(x, 'int32');
    const cond = up(Uint8Array.from([1, 0]), 'bool');
    // a = x[:, 1:] ([2, 2], strides [3, 1], offset 1); b = 0 (scalar); cond [2, 1] broadcast.
    const out = down(
      backend.where(
        { handle: cond, strides: [1, 0], offset: 0 },
        { handle: hx, strides: [3, 1], offset: 1 },
        { handle: up(Int32Array.from([0]), 'int32'), strides: [0, 0], offset: 0 },
        [2, 2],
        'int32',
      ),
      'int32',
      4,
    );
    expect(Array.from(out)).toEqual([2, 3, 0, 0]);
  });
});

describe('where and cast', () => {
  it('where broadcasts cond, a and b', () => {
    const rng = makeRng(5);
    const [cShape, aShape, bShape, outShape] = [[3, 1], [1, 4], [], [3, 4]];
    const cond = randomArray(rng, 'bool', 3);
    const a = randomArray(rng, 'float32', 4);
    const b = Float32Array.from([-9]);
    const out = down(
      whereBroadcast(up(cond, 'bool'), cShape, up(a, 'float32'), aShape, up(b, 'float32'), bShape, outShape, 'float32'),
      'float32',
      12,
    );
    const expected = Array.from({ length: 12 }, (_, i) => (cond[Math.floor(i / 4)] ? a[i % 4] : -9));
    expect(Array.from(out)).toEqual(expected);
    const same = down(
      whereBroadcast(
        up(cond, 'bool'),
        [3],
        up(Int32Array.from([1, 2, 3]), 'int32'),
        [3],
        up(Int32Array.from([4, 5, 6]), 'int32'),
        [3],
        [3],
        'int32',
      ),
      'int32',
      3,
    );
    expect(Array.from(same)).toEqual([0, 1, 2].map((i) => (cond[i] ? i + 1 : i + 4)));
  });

  it('cast truncates to int32, rounds to float32, maps nonzero and NaN to true', () => {
    const x = Float64Array.from([2.7, -2.7, 0.1, NaN, 0, 1e40]);
    expect(Array.from(down(backend.cast(up(x, 'float64'), 'float64', 'int32', 6), 'int32', 6)).slice(0, 5)).toEqual([2, -2, 0, 0, 0]);
    expect(Array.from(down(backend.cast(up(x, 'float64'), 'float64', 'bool', 6), 'bool', 6))).toEqual([1, 1, 1, 1, 0, 1]);
    const f = down(backend.cast(up(x, 'float64'), 'float64', 'float32', 6), 'float32', 6);
    expect(f[2]).toBe(Math.fround(0.1));
    expect(f[5]).toBe(Infinity);
    const b = Uint8Array.from([1, 0]);
    expect(Array.from(down(backend.cast(up(b, 'bool'), 'bool', 'float32', 2), 'float32', 2))).toEqual([1, 0]);
  });
});
