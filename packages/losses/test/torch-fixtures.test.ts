import * as t from '@tensile/core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as losses from '@tensile/losses';
import { expectClose, fromFixture, useCpu, type FixtureTensor } from './helpers.js';

interface Case {
  name: string;
  loss: keyof typeof losses;
  options: Record<string, unknown>;
  tensors: Record<string, FixtureTensor>;
  cotangent: FixtureTensor;
  output: FixtureTensor;
  grads: { input: FixtureTensor; target?: FixtureTensor };
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/losses.json', import.meta.url), 'utf8')) as Case[];

describe('losses match PyTorch 1.13 (float64, values and gradients)', () => {
  beforeAll(useCpu);

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = t.memory().tensors;
    const input = fromFixture(c.tensors.input, true);
    const target = fromFixture(c.tensors.target, c.grads.target !== undefined);
    const extra: Record<string, t.Tensor> = {};
    for (const key of ['weight', 'posWeight']) if (c.tensors[key]) extra[key] = fromFixture(c.tensors[key]);
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: each fixture names the loss it checks
    const fn = losses[c.loss] as (i: t.Tensor, tg: t.Tensor, o: object) => t.Tensor;
    const out = fn(input, target, { ...c.options, ...extra });
    await expectClose(`${c.name} output`, out, c.output);
    const cot = fromFixture(c.cotangent);
    const total = t.tidy(() => out.mul(cot).sum());
    total.backward();
    await expectClose(`${c.name} input grad`, input.grad, c.grads.input);
    if (c.grads.target) await expectClose(`${c.name} target grad`, target.grad, c.grads.target);
    t.dispose([input, target, out, cot, total, ...Object.values(extra)]);
    expect(t.memory().tensors).toBe(before);
  });
});
