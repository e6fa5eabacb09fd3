/**
 * Shapes and data are validated once, at the boundary, before anything is
 * allocated or queued: every creation path refuses non-finite, negative,
 * fractional and overflowing sizes, and non-numeric data, with a named error
 * that says the op and the parameter. A spy backend proves nothing reached it.
 */
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

/** The cpu backend, counting every kernel call. */
function spied(): { backend: t.Backend; calls: string[] } {
  const inner = cpu();
  const calls: string[] = [];
  const backend = { ...inner } as Record<string, unknown>;
  for (const [name, fn] of Object.entries(inner)) {
    if (typeof fn !== 'function' || name === 'memory') continue;
    backend[name] = (...args: unknown[]) => {
      calls.push(name);
      return (fn as (...a: unknown[]) => unknown)(...args);
    };
  }
  return { backend: backend as unknown as t.Backend, calls };
}

let spy: ReturnType<typeof spied>;
beforeAll(async () => {
  spy = spied();
  await t.setBackend(spy.backend);
});

/** Expects fn to throw `Err` matching `message`, with no kernel called and no tensor made. */
function refused(fn: () => unknown, Err: new (...a: never[]) => Error, message: RegExp): void {
  const before = t.memory();
  const calls = spy.calls.length;
  expect(fn).toThrow(Err);
  expect(fn).toThrow(message);
  expect(spy.calls.slice(calls)).toEqual([]);
  expect(t.memory()).toEqual(before);
}

const BAD_SIZES: [string, number][] = [
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['negative', -1],
  ['fractional', 2.5],
  ['unsafe', 2 ** 60],
];

describe('every creation path checks its shape first', () => {
  for (const [what, d] of BAD_SIZES) {
    it(`refuses a ${what} size (${d})`, () => {
      const shape = [2, d];
      const axis = new RegExp(`axis 1 is ${String(d).replace('+', '\\+')}`);
      refused(() => t.zeros(shape), t.ShapeError, /zeros: shape/);
      refused(() => t.zeros(shape), t.ShapeError, axis);
      refused(() => t.ones(shape), t.ShapeError, /ones: shape/);
      refused(() => t.full(shape, 3), t.ShapeError, /full: shape/);
      refused(() => t.rand(shape), t.ShapeError, /rand: shape/);
      refused(() => t.randn(shape), t.ShapeError, /randn: shape/);
      refused(() => t.randint(0, 5, shape), t.ShapeError, /randint: shape/);
      refused(() => t.eye(2, d), t.ShapeError, /eye: \[n, m\]/);
      refused(() => t.linspace(0, 1, d), t.ShapeError, /linspace: steps/);
      refused(() => t.tensor(new Float32Array(4), { shape }), t.ShapeError, /tensor: shape/);
    });
  }

  it('refuses element counts that overflow exact integers', () => {
    refused(() => t.zeros([2 ** 30, 2 ** 30, 2 ** 30]), t.ShapeError, /more than any tensor can hold/);
    refused(() => t.randn([1e6, 1e6, 1e6]), t.ShapeError, /randn: shape \[1000000,1000000,1000000\]/);
  });

  it('refuses shapes that are not arrays of numbers', () => {
    refused(() => t.zeros('3' as never), t.ShapeError, /zeros: shape must be an array of non-negative integers, got "3"/);
    refused(() => t.zeros([2, '3'] as never), t.ShapeError, /axis 1 is "3"/);
    refused(() => t.ones(new Array(65).fill(1)), t.ShapeError, /65 axes; at most 64/);
  });

  it('arange refuses non-finite bounds and steps (the old NaN length)', () => {
    refused(() => t.arange(0, NaN), t.ArgumentError, /arange: end must be a finite number, got NaN/);
    refused(() => t.arange(NaN), t.ArgumentError, /arange: end must be a finite number/);
    refused(() => t.arange(0, Infinity), t.ArgumentError, /arange: end/);
    refused(() => t.arange(-Infinity, 3), t.ArgumentError, /arange: start/);
    refused(() => t.arange(0, 5, NaN), t.ArgumentError, /arange: step/);
    refused(() => t.arange(0, 5, 0), t.ArgumentError, /arange: step must not be 0/);
    refused(() => t.arange(0, 1e20), t.ShapeError, /arange: length \[100000000000000000000\] .*beyond 2\^53 - 1/);
  });

  it('random and fill parameters are numbers', () => {
    refused(() => t.full([2], 'a' as never), t.ArgumentError, /full: value must be a number, got a string \("a"\)/);
    const like = t.zeros([2]);
    refused(() => like.fullLike('a' as never), t.ArgumentError, /fullLike: value must be a number/);
    like.dispose();
    refused(() => t.rand([2], { high: NaN }), t.ArgumentError, /rand: high must be a finite number/);
    refused(() => t.randn([2], { std: -1 }), t.ArgumentError, /randn: std -1 must be non-negative/);
    refused(() => t.randint(0, 1.5, [2]), t.ArgumentError, /randint: high must be an integer/);
    refused(() => t.randint(0, 2 ** 40, [2]), t.ArgumentError, /randint: high must be an integer in int32 range/);
  });
});

describe('tensor() data', () => {
  it('refuses strings, objects and other non-numbers instead of storing NaN', () => {
    refused(
      () => t.tensor([1, 'a'] as never),
      t.ArgumentError,
      /tensor: data\[1\] is a string \("a"\); tensor values must be numbers or booleans/,
    );
    refused(
      () =>
        t.tensor([
          [1, 2],
          [3, {}],
        ] as never),
      t.ArgumentError,
      /data\[1\]\[1\] is an object/,
    );
    refused(() => t.tensor([1, null] as never), t.ArgumentError, /data\[1\] is null/);
    refused(() => t.tensor([1, undefined] as never), t.ArgumentError, /data\[1\] is undefined/);
    refused(() => t.tensor('12' as never), t.ArgumentError, /tensor: data is a string/);
    refused(() => t.tensor(null as never), t.ArgumentError, /tensor: data is null/);
    refused(() => t.tensor([1n] as never), t.ArgumentError, /data\[0\] is a bigint/);
  });

  it('refuses ragged nesting, whichever way it is ragged', () => {
    refused(() => t.tensor([[1, 2], [3]]), t.ShapeError, /ragged: data\[1\] has 1 entries, expected 2/);
    refused(() => t.tensor([[1, 2], 3] as never), t.ShapeError, /ragged: data\[1\] has a number, expected 2 entries/);
    refused(() => t.tensor([1, [2]] as never), t.ShapeError, /data\[1\] is an array \(nested deeper than shape \[2\]\)/);
    refused(() => t.tensor([[], [1]]), t.ShapeError, /ragged: data\[1\] has 1 entries, expected 0/);
  });

  it('refuses nesting deeper than the rank limit without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    refused(() => t.tensor(deep as never), t.ShapeError, /nested more than 64 levels deep/);
  });

  it('refuses typed arrays with no matching dtype unless one is given', async () => {
    refused(() => t.tensor(new Int16Array(3) as never), t.DTypeError, /a Int16Array has no matching dtype; pass \{ dtype \}/);
    refused(() => t.tensor(new DataView(new ArrayBuffer(4)) as never), t.ArgumentError, /data is a DataView/);
    refused(() => t.tensor(new BigInt64Array(2) as never), t.ArgumentError, /BigInt64Array/);
    const x = t.tensor(Int16Array.of(1, -2, 3) as never, { dtype: 'int32' });
    expect(await x.toArray()).toEqual([1, -2, 3]);
  });

  it('still takes every valid form', async () => {
    expect(await t.tensor(5).toArray()).toBe(5);
    expect(await t.tensor([]).toArray()).toEqual([]);
    expect(t.tensor([[], []]).shape).toEqual([2, 0]);
    expect(
      await t
        .tensor([
          [1, 2],
          [3, 4],
        ])
        .toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const b = t.tensor([true, false]);
    expect(b.dtype).toBe('bool');
    // Mixed booleans and numbers are numbers (PyTorch promotes too), not a bool tensor that loses 2.5.
    const mixed = t.tensor([true, 2.5]);
    expect(mixed.dtype).toBe('float32');
    expect(await mixed.toArray()).toEqual([1, 2.5]);
    expect(await t.tensor([NaN, Infinity]).toArray()).toEqual([NaN, Infinity]);
    expect(await t.arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(t.arange(5, 0).shape).toEqual([0]);
    expect(t.zeros([0, 3]).shape).toEqual([0, 3]);
  });
});

describe('requiresGrad is for floating-point tensors only (as in PyTorch)', () => {
  it('refuses it on int32 and bool tensors in every place it can be set', () => {
    refused(
      () => t.tensor([1, 2], { dtype: 'int32', requiresGrad: true }),
      t.DTypeError,
      /tensor: only floating-point tensors can require gradients, not int32/,
    );
    refused(() => t.tensor([true], { requiresGrad: true }), t.DTypeError, /not bool/);
    refused(() => t.zeros([2], { dtype: 'int32', requiresGrad: true }), t.DTypeError, /zeros: only floating-point/);
    refused(() => t.full([2], 1, { dtype: 'bool', requiresGrad: true }), t.DTypeError, /full: only floating-point/);
    refused(() => t.rand([2], { dtype: 'int32', requiresGrad: true }), t.DTypeError, /rand: only floating-point/);
    refused(() => t.randint(0, 3, [2], { requiresGrad: true }), t.DTypeError, /randint: only floating-point/);
    const i = t.tensor([1, 2], { dtype: 'int32' });
    expect(() => {
      i.requiresGrad = true;
    }).toThrow(/requiresGrad: only floating-point tensors can require gradients, not int32 \[2\]/);
    expect(i.requiresGrad).toBe(false);
    i.requiresGrad = false; // turning it off is always fine
    expect(() => t.valueAndGrad((a) => a.sum())(i)).toThrow(t.DTypeError);
    expect(() => t.valueAndGrad((a) => a.sum())(i)).toThrow(/valueAndGrad: argument 0 is int32/);
  });

  it('float tensors still take it, and integer results of their ops are not recorded', () => {
    const x = t.tensor([1.5, -2], { requiresGrad: true, dtype: 'float64' });
    expect(x.requiresGrad).toBe(true);
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.gt(0).requiresGrad).toBe(false);
    expect(x.cast('int32').requiresGrad).toBe(false);
    expect(x.cast('float32').requiresGrad).toBe(true);
  });
});
