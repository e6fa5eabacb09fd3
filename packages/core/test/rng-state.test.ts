import * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';

describe('Rng.setState', () => {
  it('round-trips getState', () => {
    const a = new t.Rng(7);
    a.uniform();
    const b = new t.Rng(0);
    b.setState(a.getState());
    expect(b.nextUint32()).toBe(a.nextUint32());
  });

  it('refuses an all-zero state (the generator would return 0 forever) and malformed ones, changing nothing', () => {
    const r = new t.Rng(3);
    const before = r.getState();
    for (const bad of [
      [0, 0, 0, 0],
      [1, 2, 3],
      [1, 2, 3, -1],
      [1, 2, 3, 2 ** 32],
      [1, 2, 3, 1.5],
      [1, 2, 3, NaN],
      null,
      'abcd',
      { length: 4 },
    ]) {
      expect(() => r.setState(bad as never), JSON.stringify(bad)).toThrow(t.ArgumentError);
    }
    expect(() => r.setState([0, 0, 0, 0])).toThrow(/all zeros/);
    expect(r.getState()).toEqual(before);
    expect(() => t.Rng.checkState([0, 0, 0, 0], 'ckpt: rng')).toThrow(/^ckpt: rng: the state is all zeros/);
  });
});
