/**
 * Every error the cpu backend throws is a TensileError: a BackendError for a
 * fault of the backend or its handles, DTypeError/ArgumentError for input
 * the kernel cannot take.
 */
import { ArgumentError, BackendError, DTypeError, TensileError } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '@tensile/backend-cpu';

const P = { batch: 1, m: 1, k: 1, n: 1, transA: false, transB: false, aBatched: false, bBatched: false };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('cpu backend errors', () => {
  const b = cpu();
  it('names the class of each fault', () => {
    const x = b.upload(new Uint8Array([1]), 'bool');
    const m = thrown(() => b.matmul(x, x, 'bool', P));
    expect(m).toBeInstanceOf(DTypeError);
    expect(m).toBeInstanceOf(TensileError);
    expect(thrown(() => b.unary('exp', x, 'bool', 1))).toBeInstanceOf(DTypeError);

    const i = b.upload(new Int32Array(0), 'int32');
    expect(thrown(() => b.reduce('max', i, 'int32', 1, 0, 1))).toBeInstanceOf(ArgumentError);

    b.free(x);
    const freed = thrown(() => b.readSync!(x, 'bool', 1));
    expect(freed).toBeInstanceOf(BackendError);
    expect((freed as Error).message).toMatch(/already freed/);
    expect(thrown(() => b.free({} as never))).toBeInstanceOf(BackendError);
    b.free(i);
  });
});
