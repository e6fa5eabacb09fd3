import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { importOnnx } from '@tensile/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tensile } from './run.js';

// tensile export / tensile import end to end, through the command as users run it (./run.ts).
const LENET_ONNX = fileURLToPath(new URL('../../../packages/onnx/test/fixtures/lenet.onnx', import.meta.url));

let dir: string;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @tensile/cli... build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'tensile-onnx-'));
  await t.setBackend(cpu());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tensile export / import', () => {
  it('exports a trained model as ONNX, traced on a sample of its dataset', () => {
    const train = tensile(['train', '--limit', '500', '--test-limit', '100', '--epochs', '1', '--quiet', '--out', 'run'], dir);
    expect(train.code, train.stderr).toBe(0);
    const r = tensile(['export', join('run', 'model.tensile'), '--onnx', 'mlp.onnx'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mlp\.onnx: ONNX opset 17, input \[batch, 784\], \d+ bytes/); // the MLP config's dataset gives flat images
    const model = importOnnx(new Uint8Array(readFileSync(join(dir, 'mlp.onnx'))));
    expect(model.graph.inputs[0]?.shape).toEqual(['batch', 784]);
    expect([...model.namedParameters()].map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']); // the state dict's names
    const y = model.call(t.zeros([3, 784])) as t.Tensor;
    expect(y.shape).toEqual([3, 10]);
  });

  it('imports a PyTorch ONNX file into a model file, which exports again', () => {
    const r = tensile(['import', LENET_ONNX, '--out', 'lenet.tensile'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /lenet\.tensile: 10 nodes \(Conv, Flatten, Gemm, MaxPool, Relu\), 15734 parameters; inputs input \[batch, 1, 28, 28\]/,
    );
    expect(tensile(['inspect', 'lenet.tensile'], dir).stdout).toContain('conv1.weight');
    const again = tensile(['export', 'lenet.tensile', '--onnx', 'lenet2.onnx', '--input-shape', '1,28,28'], dir);
    expect(again.stderr).toBe('');
    const original = importOnnx(new Uint8Array(readFileSync(LENET_ONNX)));
    const roundTripped = importOnnx(new Uint8Array(readFileSync(join(dir, 'lenet2.onnx'))));
    const x = t.randn([2, 1, 28, 28]);
    const a = (original.call(x) as t.Tensor).dataSync();
    const b = (roundTripped.call(x) as t.Tensor).dataSync();
    expect(Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))))).toBeLessThan(1e-5);
  });

  it('says what is missing', () => {
    const r = tensile(['export', 'lenet.tensile', '--onnx', 'x.onnx'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds no training config: give the input shape with --input-shape/);
    const bad = tensile(['import', 'lenet.tensile', '--out', 'y.tensile'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^tensile: readOnnx: /);
  });
});
