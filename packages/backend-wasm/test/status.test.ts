import { BackendError, type BinaryOp, type ReduceOp, type KernelUnaryOp } from '@tensile/core';
import { wasm } from '@tensile/backend-wasm';
import { describe, expect, test } from 'vitest';
import { writeStruct } from '../src/kernel-args.js';
import type { KernelExports } from '../src/module.js';
import { binaryBroadcast } from './helpers.js';
import { rawPool } from './pool-helpers.js';

const OK = 0,
  UNSUPPORTED = 1,
  BAD_OP = 2,
  BAD_DTYPE = 3;

describe('kernel status codes', () => {
  test('every kernel refuses an op or dtype code it does not know instead of returning untouched output', async () => {
    const { heap, exports: k, pool } = await rawPool(1);
    const buf = heap.alloc(4096).ptr;
    const desc = heap.alloc(64).ptr;
    heap.i32.set([1, 4, 1, 1], desc / 4); // rank 1, shape [4], strides 1 and 1
    expect(k.unary(0, 0, buf, buf, 4)).toBe(OK);
    expect(k.unary(99, 0, buf, buf, 4)).toBe(BAD_OP);
    expect(k.unary(-1, 0, buf, buf, 4)).toBe(BAD_OP);
    expect(k.unary(0, 7, buf, buf, 4)).toBe(BAD_DTYPE);
    expect(k.unary(11, 2, buf, buf, 4)).toBe(UNSUPPORTED); // sin of int32
    expect(k.binary(0, 0, buf, buf, buf, desc, 0, 1)).toBe(OK);
    expect(k.binary(99, 0, buf, buf, buf, desc, 0, 0)).toBe(BAD_OP); // refused even with no rows
    expect(k.binary(0, 9, buf, buf, buf, desc, 0, 0)).toBe(BAD_DTYPE);
    expect(k.reduce(6, 0, buf, buf, 1, 4, 1)).toBe(BAD_OP);
    expect(k.reduce(0, 4, buf, buf, 1, 4, 1)).toBe(BAD_DTYPE);
    expect(k.cast(0, 4, buf, buf, 4)).toBe(BAD_DTYPE);
    expect(k.cast(-1, 0, buf, buf, 4)).toBe(BAD_DTYPE);
    expect(k.clamp(5, buf, buf, 4, 0, 1)).toBe(BAD_DTYPE);
    expect(k.where(buf, buf, buf, buf, 2, desc, 0, 1)).toBe(BAD_DTYPE);
    expect(k.strided(buf, buf, 3, desc, 0, 1)).toBe(BAD_DTYPE);
    expect(k.pad(buf, buf, 2, desc, buf)).toBe(BAD_DTYPE);
    expect(k.scatter_add(3, buf, buf, 1, 1, 1, buf, 1)).toBe(UNSUPPORTED);
    expect(k.scatter_add(8, buf, buf, 1, 1, 1, buf, 1)).toBe(BAD_DTYPE);
    expect(k.add_into(8, buf, buf, 4)).toBe(BAD_DTYPE);
    const args = heap.alloc(64).ptr;
    for (const task of [
      'task_matmul',
      'task_softmax',
      'task_im2col',
      'task_col2im',
      'task_conv2d',
      'task_conv2d_bwd_input',
      'task_conv2d_bwd_filter',
      'task_unary',
    ] as const) {
      heap.i32.fill(0, args / 4, args / 4 + 16);
      heap.i32[args / 4 + (task === 'task_unary' ? 1 : 0)] = 9; // the dtype word
      expect((k as KernelExports)[task](args, 0, 1), task).toBe(BAD_DTYPE);
    }
    // Through the pool: a worker's status is reported, by thread, as a BackendError.
    writeStruct(heap.i32, args, 'SoftmaxArgs', { dtype: 9, x: buf, out: buf, rows: 8, cols: 3, log: 0 }); // dtype code 9
    expect(() => pool.run('task_softmax', args, 2)).toThrow(BackendError);
    expect(() => pool.run('task_softmax', args, 2)).toThrow(/kernel task_softmax failed: unknown dtype code/);
    pool.dispose();
  });

  test('the backend turns an op its tables lack into a BackendError naming the kernel and the code', async () => {
    for (const threads of [1, 2]) {
      const b = await wasm({ threads });
      const x = b.upload(Float32Array.of(1, 2, 3, 4), 'float32');
      const before = b.memory();
      expect(() => b.unary('bogus' as KernelUnaryOp, x, 'float32', 4)).toThrow(
        /wasm backend: kernel unary failed: unknown op code \('bogus'; op code -1, dtype float32\)/,
      );
      expect(() => binaryBroadcast(b, 'bogus' as BinaryOp, x, [4], x, [4], [4], 'float32')).toThrow(
        /kernel binary failed: unknown op code/,
      );
      expect(() => b.reduce('bogus' as ReduceOp, x, 'float32', 1, 4, 1)).toThrow(/kernel reduce failed: unknown op code/);
      expect(() => b.unary('sin', b.upload(Int32Array.of(1), 'int32'), 'int32', 1)).toThrow(BackendError);
      // The refused outputs were freed (only the int32 input above stays).
      expect(b.memory().liveHandles).toBe(before.liveHandles + 1);
      await b.dispose!();
    }
  });
});
