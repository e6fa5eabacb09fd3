import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { expect } from 'vitest';
import { functionalCall, type Module } from '@tensile/layers';

export async function useCpu(): Promise<void> {
  await t.setBackend(cpu());
}

/** Every tensor in a (nested) forward result, in order. */
export function flattenOutputs(value: unknown): t.Tensor[] {
  if (value instanceof t.Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap(flattenOutputs);
  return [];
}

/**
 * Gradchecks a module's forward (float64) with respect to the float inputs
 * and every parameter, feeding the parameters through functionalCall.
 */
export async function gradcheckModule(
  module: Module,
  inputs: readonly t.Tensor[],
  options: { extra?: readonly unknown[]; before?: () => void; checkInputs?: readonly boolean[] } = {},
): Promise<void> {
  module.to('float64');
  const named = [...module.namedParameters()];
  const n = inputs.length;
  const fn = (...xs: t.Tensor[]) => {
    options.before?.();
    const params = Object.fromEntries(named.map(([name], i) => [name, xs[n + i]]));
    const out = (functionalCall as (m: Module, p: Record<string, t.Tensor>, ...a: unknown[]) => unknown)(
      module,
      params,
      ...xs.slice(0, n),
      ...(options.extra ?? []),
    );
    const parts = flattenOutputs(out).map((o) => o.reshape([o.size]));
    return parts.length === 1 ? parts[0] : t.concat(parts, 0);
  };
  const checkInputs = [...(options.checkInputs ?? inputs.map(() => true)), ...named.map(() => true)];
  const r = await t.gradcheck(fn, [...inputs, ...named.map(([, p]) => p)], { checkInputs });
  expect(r.ok, `${module.typeName}: ${r.worst} (max error ${r.maxError})`).toBe(true);
}

export function randn(shape: number[], seed: number): t.Tensor {
  return t.randn(shape, { rng: new t.Rng(seed), dtype: 'float64' });
}
