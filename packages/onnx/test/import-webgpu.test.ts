import { existsSync } from 'node:fs';
import * as t from '@tensile/core';
import { webgpu } from '@tensile/backend-webgpu';
import { CrossEntropyLoss } from '@tensile/losses';
import { SGD } from '@tensile/optim';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '@tensile/onnx';
import { fixture, input, maxDiff } from './helpers.js';

// The webgpu backend in Node (Dawn through the `webgpu` package), on SwiftShader where there is no GPU.
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
let gpu: GPU | null = null; // Dawn must outlive its devices: kept for the process

async function webgpuBackend() {
  if (!process.env.VK_ICD_FILENAMES && !process.env.TENSILE_WEBGPU_SYSTEM_ICD && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  gpu ??= create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error(`no WebGPU adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})`);
  return webgpu({ adapter });
}

describe('importOnnx on webgpu', () => {
  for (const name of ['mlp'] as const) {
    it(`${name}: PyTorch's outputs, and the loss falls when fine-tuned`, async () => {
      await t.setBackend(await webgpuBackend());
      const { bytes, input: inSpec, output } = fixture(name);
      const model = importOnnx(bytes).eval();
      const x = input(inSpec);
      const y = model.call(x) as t.Tensor;
      expect(maxDiff(await y.data(), output.data)).toBeLessThan(1e-4);
      model.train();
      const labels = t.tensor(
        Array.from({ length: x.shape[0] as number }, (_, i) => i % 3),
        { dtype: 'int32' },
      );
      const opt = new SGD(model.parameters(), { lr: 0.1 });
      const losses: number[] = [];
      for (let step = 0; step < 5; step++) {
        const loss = t.tidy(() => {
          opt.zeroGrad();
          const l = new CrossEntropyLoss().call(model.call(x) as t.Tensor, labels);
          l.backward();
          opt.step();
          return l;
        });
        losses.push((await loss.data())[0] as number);
        loss.dispose();
      }
      expect(losses.at(-1)).toBeLessThan(losses[0] as number);
    });
  }
});
