import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { beforeAll } from 'vitest';

/** Every test file runs on the cpu backend. */
export function useCpu(): void {
  beforeAll(async () => {
    await t.setBackend(cpu());
  });
}

/** A tensor's values as a plain array. */
export async function values(x: t.Tensor): Promise<number[]> {
  return Array.from(await x.data<Float32Array>());
}
