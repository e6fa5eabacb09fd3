import * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { compose, normalize, oneHot, randomCrop, randomHorizontalFlip, scale, toFloat } from '@tensile/data';
import { useCpu, values } from './setup.js';

useCpu();

/** A [n,c,h,w] float32 image batch whose pixel at (i,ch,y,x) is i*1000 + ch*100 + y*10 + x. */
function labelled(n: number, c: number, h: number, w: number): t.Tensor {
  const data = new Float32Array(n * c * h * w);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[k++] = i * 1000 + ch * 100 + y * 10 + x;
  return t.tensor(data, { shape: [n, c, h, w] });
}

describe('transforms', () => {
  it('toFloat, scale and compose', async () => {
    const raw = t.tensor(Int32Array.from([0, 51, 255]), { shape: [3] });
    const before = t.memory().tensors;
    const prep = compose(toFloat(), scale(1 / 255), normalize(0.5, 0.5));
    const y = prep(raw);
    expect(t.memory().tensors - before).toBe(1); // intermediates freed
    expect(y.dtype).toBe('float32');
    const v = await values(y);
    [-1, -0.6, 1].forEach((e, i) => expect(v[i]).toBeCloseTo(e, 6));
    expect(raw.isDisposed).toBe(false);
    expect(() => scale(NaN)).toThrow(/scale: factor must be a finite number/);
  });

  it('normalize per channel on one image and on a batch alike', async () => {
    const batch = t.ones([2, 3, 2, 2]);
    const f = normalize([0, 1, 2], [1, 2, 4]);
    const out = await values(f(batch));
    expect(out.slice(0, 12)).toEqual([...Array(4).fill(1), ...Array(4).fill(0), ...Array(4).fill(-0.25)]);
    const one = await values(f(t.ones([3, 2, 2])));
    expect(one).toEqual(out.slice(0, 12));
    expect(() => f(t.ones([2, 4, 2, 2]))).toThrow(
      /normalize: 3 channel means need images \[C,H,W\] or \[N,C,H,W\] with C = 3, got \[2,4,2,2\]/,
    );
    expect(() => normalize([0, 0], [1, 1, 1])).toThrow(/mean has 2 values and std 3/);
    expect(() => normalize(0, 0)).toThrow(/std\[0\] must be positive/);
  });

  it('oneHot', async () => {
    const y = oneHot(3)(t.tensor(Int32Array.from([2, 0]), { shape: [2] }));
    expect(y.shape).toEqual([2, 3]);
    expect(await values(y)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot(3)(t.tensor(Int32Array.from([3]), { shape: [1] }))).toThrow(/out of range/);
  });

  it('randomHorizontalFlip mirrors each image by its own coin, seeded', async () => {
    const x = labelled(16, 2, 2, 3);
    const flipped = await values(randomHorizontalFlip(0.5, { seed: 3 })(x));
    const again = await values(randomHorizontalFlip(0.5, { seed: 3 })(x));
    expect(again).toEqual(flipped);
    let mirrored = 0;
    for (let i = 0; i < 16; i++) {
      const img = flipped.slice(i * 12, (i + 1) * 12);
      const isMirror = img[0] === i * 1000 + 2;
      if (isMirror) mirrored++;
      // Rows reversed left-right (or untouched), channels and rows in place.
      const expectRow = (ch: number, y: number) => [0, 1, 2].map((x) => i * 1000 + ch * 100 + y * 10 + (isMirror ? 2 - x : x));
      expect(img).toEqual([...expectRow(0, 0), ...expectRow(0, 1), ...expectRow(1, 0), ...expectRow(1, 1)]);
    }
    expect(mirrored).toBeGreaterThan(0);
    expect(mirrored).toBeLessThan(16);
    expect(await values(randomHorizontalFlip(1)(labelled(1, 1, 1, 3).reshape([1, 1, 3])))).toEqual([2, 1, 0]);
    expect(() => randomHorizontalFlip(0.5)(t.ones([3, 3]))).toThrow(/expected an image \[C,H,W\] or a batch \[N,C,H,W\], got \[3,3\]/);
  });

  it('randomCrop cuts a padded window per image', async () => {
    const x = labelled(32, 1, 4, 4);
    const crop = randomCrop(4, 1, { seed: 9 });
    const y = crop(x);
    expect(y.shape).toEqual([32, 1, 4, 4]);
    const v = await values(y);
    const offsets = new Set<string>();
    for (let i = 0; i < 32; i++) {
      const img = v.slice(i * 16, (i + 1) * 16);
      // Find the shift (dy, dx) in [-1, 1]² that explains the window; padding is 0.
      const shift = [-1, 0, 1]
        .flatMap((dy) => [-1, 0, 1].map((dx) => [dy, dx]))
        .find(([dy, dx]) =>
          img.every((p, k) => {
            const sy = Math.floor(k / 4) + dy;
            const sx = (k % 4) + dx;
            return p === (sy < 0 || sy > 3 || sx < 0 || sx > 3 ? 0 : i * 1000 + sy * 10 + sx);
          }),
        );
      expect(shift).toBeDefined();
      offsets.add(String(shift));
    }
    expect(offsets.size).toBeGreaterThan(3);
    // Smaller windows without padding, on a single image.
    const one = await values(randomCrop([2, 3], 0, { seed: 1 })(labelled(1, 1, 4, 4).reshape([1, 4, 4])));
    expect(one.length).toBe(6);
    expect(one[1] - one[0]).toBe(1);
    expect(one[3] - one[0]).toBe(10);
    expect(() => randomCrop(6)(t.ones([1, 4, 4]))).toThrow(/randomCrop: a 6x6 window does not fit images \[1,4,4\] padded by 0/);
    expect(() => randomCrop(0)).toThrow(/size must be positive integers/);
    expect(() => randomCrop(null as never)).toThrow(/randomCrop: size must be positive integers, got null/);
  });

  it("randomCrop's paddingMode: 'edge' repeats the border pixel, 'reflect' mirrors, as torchvision's", async () => {
    const x = labelled(64, 1, 4, 4);
    const clamp = (v: number) => Math.min(Math.max(v, 0), 3);
    const mirror = (v: number) => (v < 0 ? -v : v > 3 ? 6 - v : v);
    for (const [mode, at] of [
      ['edge', clamp],
      ['reflect', mirror],
    ] as const) {
      const before = t.memory().tensors;
      const y = randomCrop(4, 2, { seed: 3, paddingMode: mode })(x);
      expect(t.memory().tensors - before).toBe(1);
      const v = await values(y);
      y.dispose();
      const shifts = new Set<string>();
      for (let i = 0; i < 64; i++) {
        const img = v.slice(i * 16, (i + 1) * 16);
        // The window's top-left corner in padded coordinates, read back from its first pixel's neighbours.
        const shift = [-2, -1, 0, 1, 2]
          .flatMap((dy) => [-2, -1, 0, 1, 2].map((dx) => [dy, dx]))
          .filter(([dy, dx]) => img.every((p, k) => p === i * 1000 + at(Math.floor(k / 4) + dy) * 10 + at((k % 4) + dx)));
        expect(shift.length).toBeGreaterThan(0);
        shifts.add(String(shift[0]));
      }
      expect(shifts.size).toBeGreaterThan(10); // all 25 shifts are equally likely
    }
    expect(() => randomCrop(4, 2, { paddingMode: 'symmetric' as never })).toThrow(
      /randomCrop: paddingMode must be 'constant', 'edge' or 'reflect', got "symmetric"/,
    );
    expect(() => randomCrop(4, 2, { paddingMode: 'edge', fill: 1 })).toThrow(/fill \(1\) applies only to paddingMode 'constant'/);
  });

  it('uses the default rng when not seeded, so manualSeed reproduces it', async () => {
    const x = labelled(8, 1, 3, 3);
    t.manualSeed(11);
    const a = await values(randomCrop(3, 1)(x));
    t.manualSeed(11);
    expect(await values(randomCrop(3, 1)(x))).toEqual(a);
  });
});
