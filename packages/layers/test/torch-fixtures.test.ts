import * as t from '@tensile/core';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { moduleFromSpec, type Module, type ModuleSpec } from '@tensile/layers';
import { flattenOutputs, useCpu } from './helpers.js';

/** Fixtures written by scripts/gen_torch_fixtures.py (PyTorch 1.13, float64). */
interface FixtureTensor {
  shape: number[];
  dtype: 'float64' | 'int32' | 'bool';
  data: (number | boolean | string)[];
  grad?: boolean;
}
interface Fixture {
  name: string;
  spec: ModuleSpec;
  training: boolean;
  state_dict: Record<string, FixtureTensor>;
  args: unknown[];
  outputs: FixtureTensor[];
  cotangents: FixtureTensor[];
  input_grads: FixtureTensor[];
  param_grads: Record<string, FixtureTensor>;
  state_after: Record<string, FixtureTensor>;
}

// fixtures/attention/ is written by gen_attention_fixtures.py (attention, Transformer, LSTM projSize, embeddings).
const dirs = ['../fixtures/', '../fixtures/attention/'].map((d) => fileURLToPath(new URL(d, import.meta.url)));
const fixtures: Fixture[] = dirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(dir + f, 'utf8')) as Fixture),
);

function toTensor(f: FixtureTensor): t.Tensor {
  const values = f.data.map((v) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : Number(v)));
  const data = f.dtype === 'float64' ? Float64Array.from(values) : f.dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
  return t.tensor(data, { shape: f.shape, dtype: f.dtype, requiresGrad: f.grad ?? false });
}

/** Decodes forward arguments, collecting the tensors that need gradients in order. */
function decodeArg(a: unknown, gradInputs: t.Tensor[], seen: t.Tensor[] = []): unknown {
  if (Array.isArray(a)) return a.map((v) => decodeArg(v, gradInputs, seen));
  if (a !== null && typeof a === 'object') {
    if ('$ref' in a) return seen[(a as { $ref: number }).$ref];
    if ('$tensor' in a) {
      const x = toTensor((a as { $tensor: FixtureTensor }).$tensor);
      seen.push(x);
      if (x.requiresGrad) gradInputs.push(x);
      return x;
    }
    return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, decodeArg(v, gradInputs, seen)]));
  }
  return a;
}

async function expectClose(actual: t.Tensor | null, expected: FixtureTensor, what: string): Promise<void> {
  expect(actual, `${what} is missing`).not.toBeNull();
  expect(actual!.shape, `${what} shape`).toEqual(expected.shape);
  const got = Array.from(await actual!.data<Float64Array>(), Number);
  const want = expected.data.map((v) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : Number(v)));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / (1e-9 + Math.abs(want[i]));
    const bad = Number.isFinite(want[i]) ? Math.abs(got[i] - want[i]) > 1e-9 + 1e-7 * Math.abs(want[i]) : got[i] !== want[i];
    if (bad && (at < 0 || err > worst)) [worst, at] = [err, i];
  }
  expect(at, `${what}: entry ${at} is ${got[at]}, PyTorch ${want[at]}`).toBe(-1);
}

beforeAll(useCpu);

describe('layers match PyTorch 1.13 (state_dict loaded by PyTorch names, float64)', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(28);
  });

  for (const f of fixtures) {
    it(f.name, async () => {
      const model: Module = moduleFromSpec(f.spec).to('float64');
      model.train(f.training);
      const state = Object.fromEntries(Object.entries(f.state_dict).map(([k, v]) => [k, toTensor(v)]));
      // Every PyTorch key must be one of ours and vice versa (strict).
      model.loadStateDict(state);
      const gradInputs: t.Tensor[] = [];
      const args = decodeArg(f.args, gradInputs) as unknown[];
      const outputs = flattenOutputs((model.call as (...a: unknown[]) => unknown)(...args));
      expect(outputs.length, 'number of outputs').toBe(f.outputs.length);
      for (const [i, o] of outputs.entries()) await expectClose(o, f.outputs[i], `output ${i}`);
      const loss = outputs.map((o, i) => o.mul(toTensor(f.cotangents[i])).sum()).reduce((a, b) => a.add(b));
      loss.backward();
      expect(gradInputs.length).toBe(f.input_grads.length);
      for (const [i, x] of gradInputs.entries()) await expectClose(x.grad, f.input_grads[i], `gradient of input ${i}`);
      const params = Object.fromEntries(model.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(f.param_grads).sort());
      for (const [name, g] of Object.entries(f.param_grads)) await expectClose(params[name].grad, g, `gradient of ${name}`);
      const buffers = Object.fromEntries(model.namedBuffers());
      for (const [name, b] of Object.entries(f.state_after)) await expectClose(buffers[name], b, `buffer ${name} after forward`);
      model.dispose();
    });
  }
});
