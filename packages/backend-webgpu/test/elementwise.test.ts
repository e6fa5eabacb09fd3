import type { BinaryOp, KernelUnaryOp } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { binaryBroadcast, close, createTestBackend, down, f32, randoms, up, whereBroadcast } from './gpu.js';

const setup = await createTestBackend();
const b = setup.backend!;

/**
 * Float32 tolerances, from the Vulkan precision rules SwiftShader and real
 * GPUs follow (WGSL defers to them): + - * are correctly rounded (exact
 * match), division is 2.5 ULP, exp is (3 + 2|x|) ULP, sin/cos only 2^-11
 * absolute on [-π, π] (so we compute those ourselves). Our log, log1p,
 * expm1, tanh and erf avoid the loose builtins near 0 and 1 (series), so
 * they hold a few ULP of relative error. Results below the smallest normal
 * float (exp(-100)) are built from their bits, since GPUs flush subnormal
 * arithmetic to zero.
 */
const ULP = 2 ** -23;

function erfRef(x: number): number {
  // Maclaurin series in float64: converges on |x| <= 3 with ample digits to spare.
  let sum = 0;
  let term = x;
  for (let n = 0; n < 80; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const special = [0, -0, 1, -1, 0.5, -2.5, 3.5, Infinity, -Infinity, NaN];

const unaryCases: [KernelUnaryOp, (x: number) => number, number[], number, number][] = [
  // op, reference, inputs, rtol, atol
  ['neg', (x) => -x, special, 0, 0],
  ['abs', Math.abs, special, 0, 0],
  ['sign', (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), special, 0, 0], // PyTorch: sign(NaN) = 0
  ['square', (x) => x * x, special, 0, 0],
  ['relu', (x) => (x < 0 ? 0 : x), special, 0, 0],
  ['floor', Math.floor, [...special, 1.7, -1.2], 0, 0],
  ['ceil', Math.ceil, [...special, 1.2, -1.7], 0, 0],
  ['round', roundHalfEven, [...special, 0.5, 1.5, 2.5, -0.5, -1.5, 2.4999], 0, 0],
  ['reciprocal', (x) => 1 / x, [...special, ...randoms(64, 1, -10, 10)], 3 * ULP, 0],
  ['exp', Math.exp, [0, -Infinity, Infinity, NaN, 89, -100, -90, ...randoms(64, 2, -10, 10)], (3 + 2 * 10 * Math.LOG2E) * ULP, 2 ** -146], // subnormals: a few units of 2^-149
  ['log', Math.log, [0, -1, Infinity, NaN, 1, ...randoms(64, 3, 0, 4), 1.0001, 0.9999, 1e-20, 1e20], 8 * ULP, 0],
  ['log1p', Math.log1p, [-1, -2, Infinity, NaN, 1e-7, -1e-7, ...randoms(64, 4, -0.99, 5)], 8 * ULP, 0],
  ['expm1', Math.expm1, [0, -Infinity, Infinity, NaN, 1e-7, -1e-6, ...randoms(64, 5, -5, 5)], 16 * ULP, 0],
  ['sqrt', Math.sqrt, [0, -1, Infinity, NaN, ...randoms(64, 6, 0, 100)], 3 * ULP, 0],
  ['rsqrt', (x) => 1 / Math.sqrt(x), [0, -1, Infinity, NaN, ...randoms(64, 7, 0.01, 100)], 6 * ULP, 0],
  // sin/cos: our own reduction + polynomial (a few ULP, absolute near the zeros)
  ['sin', Math.sin, [NaN, Infinity, 0, 100, -1000.5, ...randoms(64, 8, -20, 20)], 4 * ULP, 2 ** -24],
  ['cos', Math.cos, [NaN, -Infinity, 0, 100, -1000.5, ...randoms(64, 9, -20, 20)], 4 * ULP, 2 ** -24],
  ['tanh', Math.tanh, [0, Infinity, -Infinity, NaN, 1e-6, 20, -20, ...randoms(64, 10, -5, 5)], 16 * ULP, 0],
  ['sigmoid', (x) => 1 / (1 + Math.exp(-x)), [0, Infinity, -Infinity, NaN, -100, -95, ...randoms(64, 11, -8, 8)], 32 * ULP, 0],
  ['erf', erfRef, [0, NaN, 1e-6, ...randoms(64, 12, -3, 3)], 8 * ULP, 2e-7],
];

describe.skipIf(!setup.backend)('webgpu elementwise', () => {
  it('fill writes the value in every dtype', async () => {
    expect(await down(b, b.fill(5, 2.5, 'float32'), 'float32', 5)).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
    expect(await down(b, b.fill(3, -7, 'int32'), 'int32', 3)).toEqual([-7, -7, -7]);
    expect(await down(b, b.fill(2, 1, 'bool'), 'bool', 2)).toEqual([1, 1]);
    expect(await down(b, b.fill(2, NaN, 'float32'), 'float32', 2)).toEqual([NaN, NaN]);
    expect(await down(b, b.fill(0, 1, 'float32'), 'float32', 0)).toEqual([]);
  });

  for (const [op, ref, inputs, rtol, atol] of unaryCases) {
    it(`unary ${op} (float32) matches the float64 reference`, async () => {
      const xs = inputs.map(f32);
      const got = await down(b, b.unary(op, up(b, xs), 'float32', xs.length), 'float32', xs.length);
      close(
        got,
        xs.map((x) => f32(ref(x))),
        rtol,
        atol,
        `unary ${op}`,
      );
    });
  }

  it('unary ops on int32 and bool', async () => {
    const xs = [-3, 0, 5, -2147483647];
    const run = async (op: KernelUnaryOp) => down(b, b.unary(op, up(b, xs, 'int32'), 'int32', 4), 'int32', 4);
    expect(await run('neg')).toEqual([3, 0, -5, 2147483647]);
    expect(await run('abs')).toEqual([3, 0, 5, 2147483647]);
    expect(await run('sign')).toEqual([-1, 0, 1, -1]);
    expect(await run('relu')).toEqual([0, 0, 5, 0]);
    expect(await run('square')).toEqual([9, 0, 25, 1]); // wraps as Math.imul
    expect(await down(b, b.unary('not', up(b, [1, 0], 'bool'), 'bool', 2), 'bool', 2)).toEqual([0, 1]);
    expect(() => b.unary('exp', up(b, xs, 'int32'), 'int32', 4)).toThrow(/unary: op 'exp' is not defined for dtype int32/);
  });

  it('isnan / isinf return bool', async () => {
    const xs = [0, NaN, Infinity, -Infinity, 1e38];
    expect(await down(b, b.unary('isnan', up(b, xs), 'float32', 5), 'bool', 5)).toEqual([0, 1, 0, 0, 0]);
    expect(await down(b, b.unary('isinf', up(b, xs), 'float32', 5), 'bool', 5)).toEqual([0, 0, 1, 1, 0]);
  });

  const av = [1, -2, 3.5, NaN, 0, -7, 6, 2.25].map(f32);
  const bv = [2, 3, -1.5, 1, NaN, 2, -4, 0.5].map(f32);
  const pyMod = (x: number, y: number) => {
    const r = x % y;
    return r !== 0 && r < 0 !== y < 0 ? r + y : r;
  };
  const binCases: [BinaryOp, (x: number, y: number) => number, number][] = [
    ['add', (x, y) => x + y, 0],
    ['sub', (x, y) => x - y, 0],
    ['mul', (x, y) => x * y, 0],
    ['div', (x, y) => x / y, 3 * ULP],
    ['maximum', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)), 0],
    ['minimum', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)), 0],
    ['mod', pyMod, 0],
    ['pow', (x, y) => x ** y, 1e-5], // exp2(b·log2|a|): log2 and exp2 errors scale with |b·log2 a|
    ['eq', (x, y) => +(x === y), 0],
    ['ne', (x, y) => +(x !== y), 0],
    ['lt', (x, y) => +(x < y), 0],
    ['le', (x, y) => +(x <= y), 0],
    ['gt', (x, y) => +(x > y), 0],
    ['ge', (x, y) => +(x >= y), 0],
  ];
  for (const [op, ref, rtol] of binCases) {
    it(`binary ${op} (float32, NaN semantics)`, async () => {
      const n = av.length;
      const out = binaryBroadcast(b, op, up(b, av), [n], up(b, bv), [n], [n], 'float32');
      const outType = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op) ? 'bool' : 'float32';
      close(
        await down(b, out, outType, n),
        av.map((x, i) => f32(ref(x, bv[i]))),
        rtol,
        0,
        `binary ${op}`,
      );
    });
  }

  it('pow: negative bases, integer exponents and zero', async () => {
    const xs = [-2, -2, -8, 0, 0, 4, 9, NaN];
    const ys = [3, 2, 1 / 3, 2, -1, 0.5, 0, 0];
    const got = await down(b, binaryBroadcast(b, 'pow', up(b, xs), [8], up(b, ys), [8], [8], 'float32'), 'float32', 8);
    close(
      got,
      xs.map((x, i) => f32(x ** f32(ys[i]))),
      1e-6,
      0,
      'pow',
    );
  });

  it('binary int32 arithmetic: truncating div, Python mod, wrap-around', async () => {
    const xs = [7, -7, 7, -7, 5, 2147483647, 3, 2];
    const ys = [2, 2, -2, -2, 0, 1, 4, -1];
    const run = async (op: BinaryOp) =>
      down(b, binaryBroadcast(b, op, up(b, xs, 'int32'), [8], up(b, ys, 'int32'), [8], [8], 'int32'), 'int32', 8);
    expect(await run('div')).toEqual(xs.map((x, i) => Math.trunc(x / ys[i]) | 0));
    expect(await run('mod')).toEqual([1, 1, -1, -1, 0, 0, 3, 0]);
    expect(await run('add')).toEqual(xs.map((x, i) => (x + ys[i]) | 0));
    expect(await run('mul')).toEqual(xs.map((x, i) => Math.imul(x, ys[i])));
    expect(await run('pow')).toEqual([49, 49, 0, 0, 1, 2147483647, 81, 0]);
    expect(await run('maximum')).toEqual(xs.map((x, i) => Math.max(x, ys[i])));
  });

  it('binary bool: and, or, eq', async () => {
    const x = [0, 0, 1, 1];
    const y = [0, 1, 0, 1];
    const run = async (op: BinaryOp) =>
      down(b, binaryBroadcast(b, op, up(b, x, 'bool'), [4], up(b, y, 'bool'), [4], [4], 'bool'), 'bool', 4);
    expect(await run('and')).toEqual([0, 0, 0, 1]);
    expect(await run('or')).toEqual([0, 1, 1, 1]);
    expect(await run('eq')).toEqual([1, 0, 0, 1]);
  });

  it('broadcasts NumPy-style across ranks', async () => {
    // a [2, 1, 3] + b [4, 1] -> [2, 4, 3]
    const a = [1, 2, 3, 4, 5, 6];
    const c = [10, 20, 30, 40];
    const got = await down(b, binaryBroadcast(b, 'sub', up(b, a), [2, 1, 3], up(b, c), [4, 1], [2, 4, 3], 'float32'), 'float32', 24);
    const want: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) want.push(a[i * 3 + k] - c[j]);
    expect(got).toEqual(want);
    // scalar broadcast and a rank-5 case that does not collapse
    const s = await down(b, binaryBroadcast(b, 'mul', up(b, [1, 2, 3]), [3], up(b, [2]), [], [3], 'float32'), 'float32', 3);
    expect(s).toEqual([2, 4, 6]);
    const x5 = randoms(2 * 1 * 3 * 1 * 2, 20);
    const y5 = randoms(1 * 2 * 1 * 2 * 1, 21);
    const out5 = [2, 2, 3, 2, 2];
    const got5 = await down(
      b,
      binaryBroadcast(b, 'add', up(b, x5), [2, 1, 3, 1, 2], up(b, y5), [1, 2, 1, 2, 1], out5, 'float32'),
      'float32',
      48,
    );
    const want5: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        for (let k = 0; k < 3; k++)
          for (let l = 0; l < 2; l++) for (let m = 0; m < 2; m++) want5.push(f32(x5[(i * 3 + k) * 2 + m] + y5[j * 2 + l]));
    expect(got5).toEqual(want5);
  });

  it('binary and where read views: transposed, offset, reversed and broadcast inputs', async () => {
    // x is [3, 4]; a = x.T [4, 3] (strides [1, 4]); c = x's row 1 reversed (offset 7, stride -1) broadcast over columns.
    const x = Array.from({ length: 12 }, (_, i) => i);
    const hx = up(b, x);
    const got = await down(
      b,
      b.binary('sub', { handle: hx, strides: [1, 4], offset: 0 }, { handle: hx, strides: [-1, 0], offset: 7 }, [4, 3], 'float32'),
      'float32',
      12,
    );
    expect(got).toEqual(Array.from({ length: 12 }, (_, k) => x[(k % 3) * 4 + Math.floor(k / 3)] - x[7 - Math.floor(k / 3)]));
    // where over a column slice x[:, 1:3] (offset 1), cond [3, 1] broadcast, other a scalar.
    const cond = up(b, [1, 0, 1], 'bool');
    const w = b.where(
      { handle: cond, strides: [1, 0], offset: 0 },
      { handle: hx, strides: [4, 1], offset: 1 },
      { handle: up(b, [-1]), strides: [0, 0], offset: 0 },
      [3, 2],
      'float32',
    );
    expect(await down(b, w, 'float32', 6)).toEqual([1, 2, -1, -1, 9, 10]);
  });

  it('where broadcasts cond, a and b', async () => {
    const cond = up(b, [1, 0, 1], 'bool');
    const got = await down(b, whereBroadcast(b, cond, [1, 3], up(b, [1, 2]), [2, 1], up(b, [-5]), [], [2, 3], 'float32'), 'float32', 6);
    expect(got).toEqual([1, -5, 1, 2, -5, 2]);
    const gi = await down(
      b,
      whereBroadcast(b, up(b, [0, 1], 'bool'), [2], up(b, [1, 2], 'int32'), [2], up(b, [8, 9], 'int32'), [2], [2], 'int32'),
      'int32',
      2,
    );
    expect(gi).toEqual([8, 2]);
  });

  it('clamp keeps NaN and follows min(max(x, lo), hi)', async () => {
    const xs = [-5, 0.5, 5, NaN, -Infinity];
    expect(await down(b, b.clamp!(up(b, xs), 'float32', 5, -1, 1), 'float32', 5)).toEqual([-1, 0.5, 1, NaN, -1]);
    expect(await down(b, b.clamp!(up(b, [-5, 2, 9], 'int32'), 'int32', 3, 0, Infinity), 'int32', 3)).toEqual([0, 2, 9]);
  });

  it('cast between every dtype pair', async () => {
    const xs = [1.7, -1.7, 0, NaN, 3];
    expect(await down(b, b.cast(up(b, xs), 'float32', 'int32', 5), 'int32', 5)).toEqual([1, -1, 0, 0, 3]);
    expect(await down(b, b.cast(up(b, xs), 'float32', 'bool', 5), 'bool', 5)).toEqual([1, 1, 0, 1, 1]);
    expect(await down(b, b.cast(up(b, [-3, 0, 2], 'int32'), 'int32', 'float32', 3), 'float32', 3)).toEqual([-3, 0, 2]);
    expect(await down(b, b.cast(up(b, [-3, 0, 2], 'int32'), 'int32', 'bool', 3), 'bool', 3)).toEqual([1, 0, 1]);
    expect(await down(b, b.cast(up(b, [1, 0], 'bool'), 'bool', 'float32', 2), 'float32', 2)).toEqual([1, 0]);
    expect(await down(b, b.cast(up(b, [1, 0], 'bool'), 'bool', 'int32', 2), 'int32', 2)).toEqual([1, 0]);
    expect(await down(b, b.cast(up(b, [2.5]), 'float32', 'float32', 1), 'float32', 1)).toEqual([2.5]);
  });

  it('refuses float64 with a clear error', () => {
    expect(b.dtypes).not.toContain('float64');
    expect(() => b.fill(2, 1, 'float64')).toThrow(/fill: dtype float64 is not supported/);
  });
});
