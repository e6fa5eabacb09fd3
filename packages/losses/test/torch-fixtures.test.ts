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
  /** The tensors our function takes, in order (absent: input, target). */
  args?: string[];
  /** One entry per argument that requires a gradient. */
  grads: Record<string, FixtureTensor>;
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/losses.json', import.meta.url), 'utf8')) as Case[];

describe('losses match PyTorch 1.13 (float64, values and gradients)', () => {
  beforeAll(useCpu);

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = t.memory().tensors;
    const names = c.args ?? ['input', 'target'];
    const args = names.map((k) => fromFixture(c.tensors[k], c.grads[k] !== undefined));
    const extra: Record<string, t.Tensor> = {};
    for (const key of ['weight', 'posWeight']) if (c.tensors[key]) extra[key] = fromFixture(c.tensors[key]);
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: each fixture names the loss it checks
    const fn = losses[c.loss] as (...a: [...t.Tensor[], object]) => t.Tensor;
    // CTC cases hold free logits (PyTorch's CTC gradient assumes log-softmax inputs): apply it here as the generator does.
    const callArgs = c.loss === 'ctcLoss' ? [args[0].logSoftmax(-1), ...args.slice(1)] : args;
    const out = fn(...callArgs, { ...c.options, ...extra });
    await expectClose(`${c.name} output`, out, c.output);
    const cot = fromFixture(c.cotangent);
    const total = t.tidy(() => out.mul(cot).sum());
    if (Object.keys(c.grads).length > 0) total.backward();
    for (const [i, k] of names.entries()) if (c.grads[k]) await expectClose(`${c.name} ${k} grad`, args[i].grad, c.grads[k]);
    t.dispose([...new Set([...args, ...callArgs]), out, cot, total, ...Object.values(extra)]);
    expect(t.memory().tensors).toBe(before);
  });
});
