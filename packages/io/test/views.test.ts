import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSafetensors, saveSafetensors } from '@tensile/io';
import { useCpu } from './backend.js';

beforeAll(useCpu);

describe('saving views', () => {
  it('writes a view (transpose, stepped slice, flip, expand) as its own dense row-major data', async () => {
    const x = t.arange(12, undefined, 1, { dtype: 'float32' }).reshape([3, 4]);
    const views = {
      transposed: x.T,
      stepped: x.slice([null, [1, 4, 2]]),
      flipped: x.flip(0),
      expanded: t.tensor([1, 2]).reshape([2, 1]).expand([2, 3]),
    };
    const loaded = loadSafetensors(await saveSafetensors(views));
    for (const [name, v] of Object.entries(views)) {
      expect(loaded[name].shape, name).toEqual(v.shape);
      expect(await loaded[name].toArray(), name).toEqual(await v.toArray());
    }
    expect(await loaded.transposed.toArray()).toEqual([
      [0, 4, 8],
      [1, 5, 9],
      [2, 6, 10],
      [3, 7, 11],
    ]);
    expect(await loaded.expanded.toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });
});
