import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { expect } from 'vitest';

export async function useCpu(): Promise<void> {
  await t.setBackend(cpu());
}

export interface FixtureTensor {
  shape: number[];
  dtype: 'float64' | 'int32';
  /** Non-finite floats are the strings 'nan', 'inf', '-inf' (JSON has no NaN). */
  data: (number | string)[];
}

const decode = (v: number | string): number => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v);

export function fromFixture(f: FixtureTensor, requiresGrad = false): t.Tensor {
  const values = f.data.map(decode);
  const data = f.dtype === 'int32' ? Int32Array.from(values) : Float64Array.from(values);
  return t.tensor(data, { shape: f.shape, dtype: f.dtype, requiresGrad });
}

/** Expects a tensor to equal a fixture within tolerance, naming the case and entry that differ. */
export async function expectClose(label: string, actual: t.Tensor | null, expected: FixtureTensor, tol = 1e-10): Promise<void> {
  expect(actual, `${label}: no tensor`).not.toBeNull();
  expect([...actual!.shape], `${label}: shape`).toEqual(expected.shape);
  const values = await actual!.data<Float64Array>();
  for (let i = 0; i < expected.data.length; i++) {
    const want = decode(expected.data[i]);
    const got = values[i];
    const ok = Number.isFinite(want) ? Math.abs(got - want) <= tol * (1 + Math.abs(want)) : Object.is(got, want);
    if (!ok) {
      expect.fail(`${label}[${i}]: got ${got}, PyTorch ${want}`);
    }
  }
}
