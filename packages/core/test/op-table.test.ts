import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

describe('the unary op table', () => {
  it('gives every op a named export, the same function as unaryFunctions', () => {
    const exports = t as unknown as Record<string, unknown>;
    for (const op of t.UNARY_OP_NAMES) {
      const name = t.unaryMethodName(op);
      expect(exports[name], name).toBe(t.unaryFunctions[name]);
    }
  });

  it('gives every op a Tensor method that matches its reference', async () => {
    const x = t.tensor([0.25, 1.5, 2]);
    for (const op of t.UNARY_OP_NAMES) {
      const decl: t.UnaryDecl = t.UNARY_OPS[op];
      if (decl.dtype === 'bool') continue;
      const method = (x as unknown as Record<string, () => t.Tensor>)[t.unaryMethodName(op)];
      expect(typeof method, op).toBe('function');
      const got = Array.from(await method!.call(x).data<t.DataArray>());
      const want = [0.25, 1.5, 2].map((v) => decl.ref(v));
      for (let i = 0; i < 3; i++) expect(got[i], `${op}(${x.shape})[${i}]`).toBeCloseTo(want[i]!, 5);
    }
  });

  it('types bool-valued ops as Tensor<bool>', () => {
    const b: t.Tensor<'bool'> = t.tensor([1, Number.NaN]).isNaN();
    expect(b.dtype).toBe('bool');
  });
});
