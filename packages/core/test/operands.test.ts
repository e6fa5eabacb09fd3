/** Anything that is not a tensor or a number is refused by name, never computed as NaN. */
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

const bad: [string, unknown, RegExp][] = [
  ['an empty object', {}, /an empty object \{\}/],
  ['an object', { data: [1] }, /an object with keys \{data\}/],
  ['a string', '1', /a string \("1"\)/],
  ['undefined', undefined, /undefined/],
  ['null', null, /null/],
  ['a boolean', true, /a boolean \(true\)/],
  ['an array', [1, 2, 3], /an array of length 3 \(wrap it with t\.tensor\(\)\)/],
  ['a typed array', new Float32Array(3), /a Float32Array/],
];

describe('binary ops refuse operands that are not tensors or numbers', () => {
  for (const [what, value, described] of bad) {
    it(`refuses ${what}`, () => {
      const x = t.tensor([1, 1, 1]);
      expect(() => x.add(value as number)).toThrow(t.ArgumentError);
      expect(() => x.add(value as number)).toThrow(/^add: 'other' must be a tensor or a number, got /);
      expect(() => x.add(value as number)).toThrow(described);
      expect(() => t.mul(value as number, x)).toThrow(/^mul: 'input' must be a tensor or a number/);
      expect(() => x.lt(value as number)).toThrow(/^lt: 'other'/);
      expect(() => t.where(x.gt(0), x, value as number)).toThrow(/^where: 'other'/);
    });
  }

  it('refuses two numbers (there is no tensor to put them next to)', () => {
    expect(() => t.add(1, 2)).toThrow(/^add: needs at least one tensor operand, got two numbers \(1, 2\)/);
  });

  it('refuses a non-tensor where a tensor is required', () => {
    expect(() => t.exp({} as t.Tensor)).toThrow(/^exp: 'input' must be a tensor, got an empty object/);
    expect(() => t.where({} as t.Tensor, 1, 0)).toThrow(/^where: 'cond' must be a tensor/);
  });

  it('refuses a non-number where a number is expected', () => {
    const x = t.tensor([1, 2, 3]);
    expect(() => x.clamp('0' as unknown as number)).toThrow(/^clamp: 'min' must be a number, got a string \("0"\)$/);
    expect(() => x.clamp(0, true as unknown as number)).toThrow(/^clamp: 'max' must be a number, got a boolean \(true\)$/);
    expect(() => x.pad([[1, 1]], 'a' as unknown as number)).toThrow(/^pad: 'value' must be a number, got a string \("a"\)$/);
  });

  it('still takes numbers and tensors', async () => {
    const x = t.tensor([1, 2, 3]);
    expect(Array.from(await x.add(1).data())).toEqual([2, 3, 4]);
    expect(Array.from(await t.sub(10, x).data())).toEqual([9, 8, 7]);
    expect(Array.from(await x.mul(t.tensor(2)).data())).toEqual([2, 4, 6]);
  });
});
