import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { TORCH_FIXTURE_FAMILIES, TorchMismatchError, checkTorchCase, torchFixtureCases } from '../src/torch/index.js';
import type { TorchCase } from '../src/torch/index.js';

// The cpu backend stores float64 and float32: run every PyTorch case in both.
describe('PyTorch fixtures on the cpu backend', () => {
  let liveBefore = 0;
  beforeAll(async () => {
    await t.setBackend(cpu());
    liveBefore = t.memory().tensors;
  });

  it('covers every family with uniquely named cases', () => {
    const names = torchFixtureCases().map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const family of TORCH_FIXTURE_FAMILIES) expect(torchFixtureCases(family).length).toBeGreaterThan(3);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    for (const family of TORCH_FIXTURE_FAMILIES) {
      describe(`${family} in ${dtype}`, () => {
        for (const c of torchFixtureCases(family)) {
          it(c.name, async () => {
            await checkTorchCase(t, c, { dtype });
          });
        }
      });
    }
  }

  it('frees every tensor it made', () => {
    expect(t.memory().tensors).toBe(liveBefore);
  });
});

// The same cases with cpu's optional fused kernels removed, so core's
// compositions (softmax, conv2d via im2col + matmul, ...) are checked too:
// a backend that implements only the required set must match PyTorch as well.
describe('PyTorch fixtures on the cpu backend, required kernels only', () => {
  beforeAll(async () => {
    const { matmulBias, softmax, logSoftmax, conv2d, conv2dBackwardInput, conv2dBackwardFilter, ...required } = cpu();
    const removed = [matmulBias, softmax, logSoftmax, conv2d, conv2dBackwardInput, conv2dBackwardFilter].filter(Boolean);
    expect(removed.length).toBeGreaterThan(0); // otherwise this block would repeat the one above
    await t.setBackend(required);
  });

  for (const family of TORCH_FIXTURE_FAMILIES) {
    it(`${family} in float64`, async () => {
      for (const c of torchFixtureCases(family)) await checkTorchCase(t, c, { dtype: 'float64' });
    });
  }
});

describe('checkTorchCase', () => {
  beforeAll(async () => {
    await t.setBackend(cpu());
  });

  const base = torchFixtureCases('matmul').find((c) => c.name === 'matmul/2d')!;
  const tamper = (edit: (c: TorchCase) => void): TorchCase => {
    const c = structuredClone(base);
    edit(c);
    return c;
  };

  it('names the case, the tensor, the index and both values on a wrong output', async () => {
    const c = tamper((c) => {
      c.output.data[4] = (c.output.data[4] as number) + 0.01;
    });
    const err = await checkTorchCase(t, c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TorchMismatchError);
    expect((err as Error).message).toMatch(/matmul\/2d .*output \[3,5\] differs at 1 of 15 entries.*first \[4\] = /);
  });

  it('catches a wrong gradient', async () => {
    const c = tamper((c) => {
      c.grads[1]!.data[0] = -(c.grads[1]!.data[0] as number);
    });
    await expect(checkTorchCase(t, c)).rejects.toThrow(/grad of input 1 \[4,5\] differs at 1 of 20/);
  });

  it('catches a wrong shape and an unknown op', async () => {
    await expect(
      checkTorchCase(
        t,
        tamper((c) => (c.output.shape = [5, 3])),
      ),
    ).rejects.toThrow(/output has shape \[3,5\], PyTorch gives \[5,3\]/);
    await expect(
      checkTorchCase(
        t,
        tamper((c) => (c.op = 'nope')),
      ),
    ).rejects.toThrow(/no Tensile call known for op 'nope'/);
  });

  it('reports an op that throws, naming the case', async () => {
    const c = tamper((c) => (c.inputs[1].shape = [5, 4]));
    await expect(checkTorchCase(t, c)).rejects.toThrow(/torch fixture matmul\/2d .*threw ShapeError: matmul: inner dimensions differ/);
  });
});
