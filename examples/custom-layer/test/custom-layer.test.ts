import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

// Runs as a user would: the built `tensile` command trains a config naming this
// package as a plugin, then a separate node process loads the saved model.
// Build first: `pnpm --filter tensile-example-custom-layer... build`.
const here = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.TENSILE_CLI ?? join(here, 'node_modules/@tensile/cli/dist/cli.js');
let out: string;

function node(args: string[]) {
  const r = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  for (const f of [CLI, join(here, 'dist/index.js')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`pnpm --filter tensile-example-custom-layer... build\` first`);
  }
  out = mkdtempSync(join(tmpdir(), 'tensile-glu-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('trains a config with the plugin layer, saves it, and a new process loads it and predicts', () => {
  const trained = node([CLI, 'train', 'configs/mnist-glu.yaml', '--limit', '2000', '--test-limit', '500', '--out', out, '--quiet']);
  expect(trained.stderr).toBe('');
  expect(trained.code).toBe(0);
  const model = join(out, 'model.tensile');

  const inspected = node([CLI, 'inspect', '--json', model]);
  const names = JSON.parse(inspected.stdout).tensors.map((x: { name: string }) => x.name);
  expect(names).toEqual(expect.arrayContaining(['0.proj.weight', '0.proj.bias', '1.weight', '1.bias']));

  // A fresh process, public APIs only: register the layer, load the model, predict.
  const script = `
    import * as t from '@tensile/core';
    import { cpu } from '@tensile/backend-cpu';
    import { loadModel } from '@tensile/io';
    import { moduleFromSpec } from '@tensile/layers';
    import { mnist } from '@tensile/data';
    import { register } from 'tensile-example-custom-layer';
    register();
    await t.setBackend(cpu());
    const model = await loadModel(${JSON.stringify(model)}, { build: moduleFromSpec });
    model.eval();
    const test = mnist({ split: 'test', limit: 200, flatten: true, normalize: true });
    const { x, y } = await test.getBatch([...Array(200).keys()]);
    const predicted = await model.call(x).argmax(-1).data();
    const labels = await y.data();
    let correct = 0;
    for (let i = 0; i < 200; i++) correct += predicted[i] === labels[i] ? 1 : 0;
    console.log(JSON.stringify({ first: model.children()[0].typeName, accuracy: correct / 200 }));
  `;
  const loaded = node(['--input-type=module', '-e', script]);
  expect(loaded.stderr).toBe('');
  const result = JSON.parse(loaded.stdout);
  expect(result.first).toBe('GatedLinear');
  expect(result.accuracy).toBeGreaterThan(0.5); // chance is 0.1

  // The CLI loads the plugin named in the model's stored config by itself.
  const predicted = node([CLI, 'predict', model, '--samples', '3', '--json']);
  expect(predicted.stderr).toBe('');
  expect(JSON.parse(predicted.stdout)).toHaveLength(3);
});
