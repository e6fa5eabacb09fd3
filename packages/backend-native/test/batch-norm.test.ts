import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { native } from '../src/index.js';

// The conformance suite checks t.batchNorm's values on native; this checks that they come from oneDNN's kernels.
describe('native batch norm on oneDNN', () => {
  const b = native({ threads: 1 });
  const hasOneDnn = b.convolution === 'onednn';
  beforeAll(async () => {
    await t.setBackend(b);
  });

  it.runIf(hasOneDnn)('runs float32 training and evaluation forward and the training backward in the fused kernels', () => {
    const x = t.randn([4, 3, 5]);
    const p = { n: 4, c: 3, inner: 5, eps: 1e-5 };
    const train = b.batchNormForward!(x.handle('test'), null, null, null, 'float32', p);
    expect(train?.stats).toBeDefined();
    const stats = train!.stats!;
    expect(b.batchNormForward!(x.handle('test'), null, null, stats, 'float32', p)?.stats).toBeUndefined();
    const back = b.batchNormBackward!(x.handle('test'), x.handle('test'), stats, null, 'float32', p);
    expect(back).not.toBeNull();
    for (const h of [train!.y, stats.mean, stats.variance, back!.dx, back!.dweight, back!.dbias]) b.free(h);
    x.dispose();
  });

  it('declines float64, so core composes it', () => {
    const x = t.randn([4, 3], { dtype: 'float64' });
    expect(b.batchNormForward!(x.handle('test'), null, null, null, 'float64', { n: 4, c: 3, inner: 1, eps: 1e-5 })).toBeNull();
    x.dispose();
  });
});
