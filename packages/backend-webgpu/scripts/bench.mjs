#!/usr/bin/env node
/**
 * Matmul micro-benchmark of the webgpu backend: GFLOP/s of square float32
 * products, n = 256 .. 2048, timed from issue to the completed read-back
 * (the read makes the GPU finish; its copy of n² floats is included).
 *
 *   pnpm --filter @tensile/backend-webgpu build && node packages/backend-webgpu/scripts/bench.mjs [--sizes 256,512] [--reps 3]
 *
 * Without a GPU it uses SwiftShader (software Vulkan): the numbers then only
 * show that the path works. Set VK_ICD_FILENAMES yourself to choose a driver.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { sizes: { type: 'string' }, reps: { type: 'string' } } });
const sizes = (values.sizes ?? '256,512,1024,2048').split(',').map(Number);
const reps = Number(values.reps ?? 3);

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER) && !process.env.TENSILE_WEBGPU_SYSTEM_ICD) {
  process.env.VK_ICD_FILENAMES = SWIFTSHADER;
}
const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals);
const gpu = create([]);
const { webgpu } = await import('../dist/index.js');
const adapter = await gpu.requestAdapter();
if (!adapter) {
  console.error('no WebGPU adapter found');
  process.exit(1);
}
const info = adapter.info ?? {};
const b = await webgpu({ adapter });
console.log(
  `adapter: ${info.vendor ?? '?'} ${info.architecture ?? ''} ${info.description ?? ''} (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'system'})`,
);

for (const n of sizes) {
  const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const a = b.upload(data, 'float32');
  const c = b.upload(data, 'float32');
  const p = { batch: 1, m: n, k: n, n, transA: false, transB: false, aBatched: true, bBatched: true };
  // Warm-up: pipeline compilation and pool growth.
  const w = b.matmul(a, c, 'float32', p);
  await b.read(w, 'float32', 1);
  b.free(w);
  const times = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    const out = b.matmul(a, c, 'float32', p);
    await b.read(out, 'float32', n * n);
    times.push(performance.now() - start);
    b.free(out);
  }
  const best = Math.min(...times);
  console.log(`matmul ${n}x${n}x${n}: ${best.toFixed(1)} ms  ${((2 * n ** 3) / best / 1e6).toFixed(2)} GFLOP/s (best of ${reps})`);
  b.free(a);
  b.free(c);
}
await b.dispose();
void gpu;
process.exit(0);
