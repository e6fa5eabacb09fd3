import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { expect } from 'vitest';

export async function useCpu(): Promise<void> {
  await t.setBackend(cpu());
}

export interface FixtureTensor {
  shape: number[];
  dtype: 'float64' | 'int32';
  data: number[];
}

export function fromFixture(f: FixtureTensor, requiresGrad = false): t.Tensor {
  const data = f.dtype === 'int32' ? Int32Array.from(f.data) : Float64Array.from(f.data);
  return t.tensor(data, { shape: f.shape, dtype: f.dtype, requiresGrad });
}

/** Expects a tensor to equal a fixture within tolerance, naming the case and entry that differ. */
export async function expectClose(label: string, actual: t.Tensor | null, expected: FixtureTensor, tol = 1e-10): Promise<void> {
  expect(actual, `${label}: no tensor`).not.toBeNull();
  expect([...actual!.shape], `${label}: shape`).toEqual(expected.shape);
  const values = await actual!.data<Float64Array>();
  for (let i = 0; i < expected.data.length; i++) {
    const want = expected.data[i];
    const got = values[i];
    if (!(Math.abs(got - want) <= tol * (1 + Math.abs(want)))) {
      expect.fail(`${label}[${i}]: got ${got}, PyTorch ${want}`);
    }
  }
}
