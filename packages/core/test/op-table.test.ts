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
      for (let i = 0; i < 3; i++) {
        // Outside an op's domain (asin(1.5), acosh(0.25)) both are NaN.
        if (Number.isNaN(want[i])) expect(got[i], `${op}(${x.shape})[${i}]`).toBeNaN();
        else expect(got[i], `${op}(${x.shape})[${i}]`).toBeCloseTo(want[i]!, 5);
      }
    }
  });

  it('types bool-valued ops as Tensor<bool>', () => {
    const b: t.Tensor<'bool'> = t.tensor([1, Number.NaN]).isNaN();
    expect(b.dtype).toBe('bool');
  });
});

describe('the binary op table', () => {
  it('gives every op a named export, the same function as binaryFunctions', () => {
    const exports = t as unknown as Record<string, unknown>;
    for (const op of t.BINARY_OP_NAMES) {
      const name = t.binaryMethodName(op);
      expect(exports[name], name).toBe(t.binaryFunctions[name]);
    }
  });

  it('gives every op a Tensor method that matches its reference, with a number operand', async () => {
    const x = t.tensor([0.25, 1.5, 2]);
    for (const op of t.BINARY_OP_NAMES) {
      const decl: t.BinaryDecl = t.BINARY_OPS[op];
      const method = (x as unknown as Record<string, (b: t.TensorLike) => t.Tensor>)[t.binaryMethodName(op)];
      expect(typeof method, op).toBe('function');
      const other = decl.kind === 'logical' ? t.tensor([0, 1, 1]) : 1.5;
      const got = Array.from(await method!.call(x, other).data<t.DataArray>());
      const y = [0, 1, 1];
      const want = [0.25, 1.5, 2].map((v, i) => decl.ref(v, typeof other === 'number' ? other : y[i]!));
      for (let i = 0; i < 3; i++) expect(got[i], `${op}[${i}]`).toBeCloseTo(want[i]!, 5);
    }
  });

  it('applies the bool rules of the table: add of bools is or, sub refuses a bool operand', async () => {
    const a = t.tensor([1, 0, 1]).cast('bool');
    const b = t.tensor([0, 0, 1]).cast('bool');
    expect(Array.from(await a.add(b).data<Uint8Array>())).toEqual([1, 0, 1]);
    expect(Array.from(await a.mul(b).data<Uint8Array>())).toEqual([0, 0, 1]);
    expect(() => a.sub(1)).toThrow(t.DTypeError);
  });
});

describe('softplus, a composite declared in the table only', () => {
  it("takes PyTorch's beta and threshold: log(1 + exp(βx))/β, and x where βx > threshold", async () => {
    const x = t.tensor([-3, -0.5, 0, 1, 2, 40]);
    const y = t.softplus(x, { beta: 2, threshold: 3 });
    const want = [-3, -0.5, 0, 1, 2, 40].map((v) => (2 * v > 3 ? v : Math.log1p(Math.exp(2 * v)) / 2));
    const got = Array.from(await y.data());
    for (let i = 0; i < want.length; i++) expect(got[i], `softplus[${i}]`).toBeCloseTo(want[i]!, 5);
    expect(Array.from(await x.softplus().data())[5]).toBe(40); // default threshold 20: no overflow
  });

  it('gives the PyTorch gradient, sigmoid(βx) below the threshold and 1 above', async () => {
    const x = t.tensor([-1, 0.5, 2], { requiresGrad: true });
    x.softplus({ beta: 2, threshold: 3 }).sum().backward();
    const want = [-1, 0.5, 2].map((v) => (2 * v > 3 ? 1 : 1 / (1 + Math.exp(-2 * v))));
    const got = Array.from(await x.grad!.data());
    for (let i = 0; i < 3; i++) expect(got[i], `grad[${i}]`).toBeCloseTo(want[i]!, 5);
  });

  it('computes no inf in the branch it drops, so anomaly mode stays quiet on large inputs', async () => {
    const y = await t.detectAnomaly(() => t.softplus(t.tensor([100, 1000])));
    expect(Array.from(await y.data())).toEqual([100, 1000]);
  });

  it('names an unknown option', () => {
    expect(() => t.softplus(t.tensor([1]), { alpha: 1 } as never)).toThrow(/softplus: unknown option 'alpha'/);
  });
});
