import type * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { moons, sine, spirals } from '@tensile/data';
import { useCpu, values } from './setup.js';

useCpu();

describe('toy generators', () => {
  it('sine: x in [0,2), y = 20 sin(2πx), reproducible by seed', async () => {
    const ds = sine({ n: 200, seed: 1 });
    const { x, y } = ds.tensors as { x: t.Tensor; y: t.Tensor };
    expect(x.shape).toEqual([200, 1]);
    expect(y.shape).toEqual([200, 1]);
    const xv = await values(x);
    const yv = await values(y);
    expect(Math.min(...xv)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xv)).toBeLessThan(2);
    xv.forEach((v, i) => expect(yv[i]).toBeCloseTo(20 * Math.sin(2 * Math.PI * v), 4));
    expect(await values((sine({ n: 200, seed: 1 }).tensors as { x: t.Tensor }).x)).toEqual(xv);
    expect(await values((sine({ n: 200, seed: 2 }).tensors as { x: t.Tensor }).x)).not.toEqual(xv);
    const sample = ds.get(3);
    expect(sample.x.shape).toEqual([1]);
    expect(() => sine({ n: 0 })).toThrow(/sine: n must be an integer ≥ 1, got 0/);
  });

  it('moons: the two half circles of make_moons', async () => {
    const ds = moons({ n: 101, seed: 0 });
    const { x, y } = ds.tensors as { x: t.Tensor; y: t.Tensor };
    expect(x.shape).toEqual([101, 2]);
    expect(y.dtype).toBe('int32');
    const xv = await values(x);
    const yv = Array.from(await y.data());
    expect(yv.filter((l) => l === 0).length).toBe(50);
    expect(yv.filter((l) => l === 1).length).toBe(51);
    yv.forEach((label, i) => {
      const [px, py] = [xv[2 * i], xv[2 * i + 1]];
      // Upper moon: unit circle around (0,0), y ≥ 0. Lower: around (1, 0.5), y ≤ 0.5.
      const [cx, cy] = label === 0 ? [0, 0] : [1, 0.5];
      expect(Math.hypot(px - cx, py - cy)).toBeCloseTo(1, 5);
      if (label === 0) expect(py).toBeGreaterThanOrEqual(-1e-6);
      else expect(py).toBeLessThanOrEqual(0.5 + 1e-6);
    });
    expect(yv.slice(0, 50)).not.toEqual(Array(50).fill(0)); // shuffled
    const noisy = await values((moons({ n: 101, seed: 0, noise: 0.1 }).tensors as { x: t.Tensor }).x);
    expect(noisy).not.toEqual(xv);
    expect(() => moons({ noise: -1 })).toThrow(/moons: noise must be ≥ 0/);
  });

  it('spirals: one arm per class with radius growing 0..1', async () => {
    const ds = spirals({ n: 31, classes: 3, noise: 0, seed: 0 });
    const { x, y } = ds.tensors as { x: t.Tensor; y: t.Tensor };
    expect(x.shape).toEqual([31, 2]);
    const xv = await values(x);
    const yv = Array.from(await y.data());
    expect([0, 1, 2].map((k) => yv.filter((l) => l === k).length)).toEqual([11, 10, 10]);
    // Without noise, the point of radius r on arm k sits at angle 4k + 4r.
    for (let i = 0; i < 31; i++) {
      const r = Math.hypot(xv[2 * i], xv[2 * i + 1]);
      expect(r).toBeLessThanOrEqual(1 + 1e-6);
      if (r > 0.05) {
        const theta = 4 * yv[i] + 4 * r;
        expect(xv[2 * i]).toBeCloseTo(r * Math.sin(theta), 4);
        expect(xv[2 * i + 1]).toBeCloseTo(r * Math.cos(theta), 4);
      }
    }
    expect(await values((spirals({ n: 31, seed: 5 }).tensors as { x: t.Tensor }).x)).toEqual(
      await values((spirals({ n: 31, seed: 5 }).tensors as { x: t.Tensor }).x),
    );
    expect(() => spirals({ n: 2, classes: 3 })).toThrow(/spirals: n must be an integer ≥ 3/);
  });
});
