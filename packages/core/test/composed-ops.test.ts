import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

// Values and gradients are checked on every backend by the conformance suite and against
// PyTorch by the 'math' and 'shape_ops' fixtures; this file checks the API around them.

beforeAll(async () => {
  await t.setBackend(cpu());
});

const values = async (x: t.Tensor) => Array.from(await x.data<t.DataArray>());

describe('composed ops: errors name the op and the argument, before any work', () => {
  it.each([
    [
      'einsum operand count',
      () => t.einsum('ij,jk->ik', t.ones([2, 2])),
      t.ArgumentError,
      /einsum: 'ij,jk->ik' names 2 operand\(s\), got 1/,
    ],
    ['einsum rank', () => t.einsum('ijk->i', t.ones([2, 2])), t.ShapeError, /operand 0 \[2,2\] has 2 axes, but 'ijk' labels 3/],
    ['einsum sizes', () => t.einsum('ij,jk', t.ones([2, 3]), t.ones([2, 2])), t.ShapeError, /'j' is 3 in one place and 2 in operand 1/],
    [
      'einsum diagonal sizes',
      () => t.einsum('ii->i', t.ones([1, 3])),
      t.ShapeError,
      /'i' labels axes of sizes 1 and 3 in operand 0 \[1,3\]/,
    ],
    ['einsum character', () => t.einsum('i1->i', t.ones([2, 2])), t.ArgumentError, /'1' in operand 0 of 'i1->i' is not a letter/],
    ['einsum output label', () => t.einsum('ij->k', t.ones([2, 2])), t.ArgumentError, /output label 'k' of 'ij->k' is in no operand/],
    ['diagonal axes', () => t.diagonal(t.ones([2, 2]), 0, 1, -1), t.ArgumentError, /diagonal: dim1 and dim2 are the same axis/],
    ['tril rank', () => t.tril(t.ones([3])), t.ShapeError, /tril: needs a matrix .* got \[3\]/],
    ['diag rank', () => t.diag(t.ones([2, 2, 2])), t.ShapeError, /diag: takes a vector or a matrix, got \[2,2,2\]/],
    ['repeat sizes', () => t.ones([2, 3]).repeat([2]), t.ArgumentError, /repeat: needs at least one size per axis of \[2,3\]/],
    ['roll shifts and dims', () => t.ones([2, 3]).roll([1, 2], [0]), t.ArgumentError, /roll: 2 shifts for 1 dims/],
    [
      'unflatten sizes',
      () => t.ones([2, 6]).unflatten(1, [4, -1]),
      t.ShapeError,
      /unflatten: sizes \[4, -1\] do not split axis 1 of size 6/,
    ],
    ['movedim repeats', () => t.ones([2, 3]).movedim([0, 0], [0, 1]), t.ArgumentError, /movedim: repeated axis in source/],
    ['meshgrid rank', () => t.meshgrid([t.ones([2, 2])]), t.ShapeError, /meshgrid: tensors\[0\] must be 0-D or 1-D/],
    [
      'lerp int',
      () => t.lerp(t.tensor(Int32Array.from([1])), t.ones([1]), 0.5),
      t.DTypeError,
      /lerp: 'start' must be a float tensor, got int32/,
    ],
    [
      'addcdiv ints',
      () => t.addcdiv(t.ones([1]), t.tensor(Int32Array.from([1])), t.tensor(Int32Array.from([2]))),
      t.DTypeError,
      /addcdiv: .*integer division/,
    ],
    [
      'gelu approximate',
      () => t.gelu(t.ones([1]), { approximate: 'fast' as 'tanh' }),
      t.ArgumentError,
      /gelu: approximate must be 'none' or 'tanh'/,
    ],
    ['elu option', () => t.elu(t.ones([1]), { beta: 2 } as never), t.ArgumentError, /elu: unknown option 'beta' \(takes alpha\)/],
    ['celu alpha 0', () => t.celu(t.ones([1]), { alpha: 0 }), t.ArgumentError, /celu: alpha cannot be 0/],
    ['nanToNum option', () => t.nanToNum(t.ones([1]), { inf: 2 } as never), t.ArgumentError, /nanToNum: unknown option 'inf'/],
    ['fmod bool', () => t.fmod(t.tensor([true]), 2), t.DTypeError, /fmod: takes numeric tensors, got bool/],
    [
      'oneHot range',
      () => t.oneHot(t.tensor(Int32Array.from([3])), 3),
      t.ArgumentError,
      /oneHot: indices\[0\] = 3 is out of range \[0, 3\)/,
    ],
  ])('%s', (_name, fn, type, message) => {
    const before = t.memory().tensors;
    expect(fn).toThrow(type);
    expect(fn).toThrow(message);
    // Only the test's own inputs were made (they are garbage here, not leaks of the op).
    expect(t.memory().tensors - before).toBeLessThanOrEqual(6);
  });
});

describe('composed ops: memory', () => {
  it('free every intermediate, forward and backward', () => {
    const before = t.memory().tensors;
    const x = t.tensor([0.3, -0.7, 1.2, 0.1, -0.4, 0.9], { shape: [2, 3], requiresGrad: true });
    const m = t.tensor([0.5, 0.25, -0.75, 1.5, -1, 2, 0.1, 0.2, 0.3], { shape: [3, 3], requiresGrad: true });
    const loss = t.tidy(() => {
      const parts = [
        x.asinh().add(x.atan()).add(x.mish()).add(x.logsigmoid()).add(x.hardswish()).add(x.exp2()),
        t
          .fmod(x, 0.7)
          .add(t.hypot(x, 1))
          .add(t.lerp(x, x.square(), 0.3))
          .add(t.addcdiv(x, x, x.abs().add(1))),
        t
          .gelu(x)
          .add(x.nanToNum())
          .add(t.einsum('ij,jk->ik', x, m).narrow(1, 0, 3)),
        m
          .tril()
          .add(m.diag().diag(1).narrow(0, 0, 3).narrow(1, 0, 3))
          .add(m.diagonal().reshape([1, 3]))
          .narrow(0, 0, 2),
        x
          .repeat([1, 2])
          .narrow(1, 0, 3)
          .add(x.roll(1, 1))
          .add(x.unflatten(1, [3, 1]).movedim(2, 0).squeeze(0)),
      ];
      return parts.reduce((a, b) => a.add(b)).sum();
    });
    loss.backward();
    expect(x.grad?.shape).toEqual([2, 3]);
    expect(m.grad?.shape).toEqual([3, 3]);
    t.dispose([loss, x, m]);
    expect(t.memory().tensors).toBe(before);
  });
});

describe('composed ops: API', () => {
  it('are Tensor methods where PyTorch has one, and functions', async () => {
    const x = t.tensor([-2.5, 1.5]);
    expect(await values(x.fmod(2))).toEqual(await values(t.fmod(x, 2)));
    expect(await values(x.trunc())).toEqual([-2, 1]);
    expect(await values(x.frac())).toEqual([-0.5, 0.5]);
    expect(await values(x.lerp(t.zeros([2]), 0.5))).toEqual([-1.25, 0.75]);
    expect(await values(x.addcmul(x, x, { value: 2 }))).toEqual([-2.5 + 2 * 6.25, 1.5 + 2 * 2.25]);
    expect(t.zeros([2, 3, 4]).moveaxis(0, -1).shape).toEqual([3, 4, 2]);
    expect(t.zeros([2, 3]).tile([2, 1, 1]).shape).toEqual([2, 2, 3]);
    expect(t.tensor(5).movedim(0, 0).shape).toEqual([]);
    expect(await values(t.tensor(5).roll(3))).toEqual([5]);
  });

  it('oneHot gives int32 as PyTorch gives int64, and infers numClasses', async () => {
    const y = t.oneHot(t.tensor(Int32Array.from([2, 0])));
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([2, 3]);
    expect(await values(y)).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('einsum takes the operands as a list too, and spaces in the equation', async () => {
    const a = t.tensor([1, 2, 3]);
    expect(await values(t.einsum(' i , i -> ', [a, a] as never))).toEqual([14]);
  });

  it('keeps the accuracy of float32 where naive forms cancel or overflow', async () => {
    const tiny = t.tensor([1e-6, -3e-7]);
    const close = (got: number[], want: number[]) =>
      got.forEach((g, i) => expect(Math.abs(g - want[i]) / Math.abs(want[i])).toBeLessThan(1e-6));
    close(await values(tiny.asinh()), [Math.asinh(1e-6), Math.asinh(-3e-7)]);
    close(await values(tiny.atanh()), [Math.atanh(1e-6), Math.atanh(-3e-7)]);
    close(await values(tiny.sinh()), [Math.sinh(1e-6), Math.sinh(-3e-7)]);
    close(await values(t.tensor([1 + 2 ** -20]).acosh()), [Math.acosh(1 + 2 ** -20)]);
    close(await values(t.tensor([-90]).logsigmoid()), [-90]);
    close(await values(t.hypot(t.tensor([3e30]), 4e30)), [5e30]);
  });
});
