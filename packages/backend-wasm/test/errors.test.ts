/**
 * Every error the wasm backend throws is a TensileError: ArgumentError for a
 * bad option, DTypeError for a dtype a kernel cannot take, BackendError for a
 * kernel that refuses (here an op code C does not know).
 */
import { ArgumentError, BackendError, DTypeError, TensileError } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { wasm } from '@tensile/backend-wasm';
import { up } from './helpers.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('wasm backend errors', () => {
  it('rejects bad options with ArgumentError', async () => {
    await expect(wasm({ threads: 0 })).rejects.toBeInstanceOf(ArgumentError);
    await expect(wasm({ stallTimeoutMs: -1 })).rejects.toBeInstanceOf(ArgumentError);
    await expect(wasm({ relaxedSimd: 'yes' as never })).rejects.toBeInstanceOf(ArgumentError);
  });

  it('names the class of each kernel fault', async () => {
    const b = await wasm({ threads: 1 });
    const i = up(b, [1, 2], 'int32');
    const s = thrown(() => b.softmax!(i, 'int32', 1, 2));
    expect(s).toBeInstanceOf(DTypeError);
    expect(s).toBeInstanceOf(TensileError);
    const p = { batch: 1, m: 1, k: 1, n: 1, transA: false, transB: false, aBatched: false, bBatched: false };
    expect(thrown(() => b.matmul(i, i, 'bool', p))).toBeInstanceOf(DTypeError);
    const u = thrown(() => b.unary('nosuchop' as never, i, 'int32', 2));
    expect(u).toBeInstanceOf(BackendError);
    expect((u as Error).message).toMatch(/wasm backend: kernel unary failed/);
    expect(b.memory().liveHandles).toBe(1);
    b.free(i);
    await b.dispose?.();
  });
});
