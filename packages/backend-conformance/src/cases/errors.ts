import * as t from '@tensile/core';
import { expectError } from '../compare.js';
import { indexingErrorCases } from './indexing.js';

export interface ErrorCase {
  name: string;
  run(): Promise<void>;
}

export const errorCases: ErrorCase[] = [
  {
    name: 'shape errors name the op and both shapes, before any work is queued',
    run: async () => {
      const handles = t.memory().backend.liveHandles;
      t.tidy(() => {
        const a = t.zeros([32, 784]);
        const b = t.zeros([128, 10]);
        expectError(() => a.matmul(b), t.ShapeError, /^matmul: inner dimensions differ: \[32,784\] x \[128,10\]$/);
        expectError(() => t.zeros([2, 3]).add(t.zeros([4])), t.ShapeError, /add: shapes \[2,3\] and \[4\] do not broadcast/);
        expectError(() => a.reshape([5, -1]), t.ShapeError, /reshape: cannot reshape \[32,784\]/);
        expectError(
          () => t.conv2d(t.zeros([8, 8]), t.zeros([4, 3, 3, 3])),
          t.ShapeError,
          /conv2d: input must be \[C, H, W\] or \[N, C, H, W\], got \[8,8\]/,
        );
        expectError(() => t.concat([t.zeros([2, 3]), t.zeros([3, 3])], 1), t.ShapeError, /concat: tensor 1 \[3,3\]/);
      });
      // A refused op queues nothing: only the operands existed, and tidy freed them.
      if (t.memory().backend.liveHandles !== handles) throw new Error('failed ops left handles behind');
    },
  },
  {
    name: 'argument and dtype errors name the parameter',
    run: async () => {
      const x = t.zeros([2, 3]);
      expectError(() => x.sum(5), t.ArgumentError, /sum: axis 5 is out of range for a tensor of rank 2/);
      expectError(() => x.permute([0, 0]), t.ArgumentError, /permute: perm \[0,0\] repeats an axis/);
      expectError(() => t.tensor([1, 2], { dtype: 'float16' as t.DType }), t.DTypeError, /tensor: unknown dtype 'float16'/);
      expectError(() => t.tensor([1, 2, 3], { shape: [2, 2] }), t.ShapeError, /3 values do not fill shape \[2,2\]/);
      expectError(() => x.backward(), t.ArgumentError, /backward: .* does not require grad/);
      expectError(() => t.oneHot(t.tensor([1.5]), 3), t.DTypeError, /oneHot: indices must be int32/);
      x.dispose();
    },
  },
  // scatter, gather, masked and index ops (cases/indexing.ts).
  ...indexingErrorCases,
];
