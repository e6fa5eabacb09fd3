import { OutOfMemoryError, type Backend, type Handle, type MatmulParams } from '@tensile/core';
import { webgpu } from '@tensile/backend-webgpu';
import { describe, expect, it } from 'vitest';
import { createWebGPUBackend } from '../src/backend.js';
import { GpuRuntime } from '../src/runtime/runtime.js';
import { sizeClass } from '../src/runtime/size-class.js';
import { binaryBroadcast, close, createTestBackend, down, randoms, testGpu, up } from './gpu.js';

const setup = await createTestBackend();
const b = setup.backend!;
const runtime = (backend: Backend) => (backend as Backend & { runtime: GpuRuntime }).runtime;

describe('size classes', () => {
  it('round up by at most 25% and are stable', () => {
    for (const bytes of [1, 255, 256, 257, 1000, 4096, 5000, 123_457, 10_000_000]) {
      const cls = sizeClass(bytes);
      expect(cls).toBeGreaterThanOrEqual(bytes);
      expect(cls).toBeLessThanOrEqual(Math.max(256, bytes * 1.25));
      expect(sizeClass(cls)).toBe(cls);
    }
  });
});

describe.skipIf(!setup.backend)('webgpu runtime', () => {
  it('keeps the buffer pool flat over repeated training-like steps', async () => {
    // One "step": upload a batch, forward (matmulBias + relu, softmax), backward-ish
    // products and reductions, an update, then free every temporary and read the loss.
    const p: MatmulParams = { batch: 1, m: 16, k: 24, n: 10, transA: false, transB: true, aBatched: true, bBatched: true };
    let w = up(b, randoms(10 * 24, 1));
    const bias = up(b, randoms(10, 2));
    const step = async (seed: number) => {
      const x = up(b, randoms(16 * 24, seed));
      const h = b.matmulBias!(x, w, bias, 'float32', p, 'relu');
      const s = b.softmax!(h, 'float32', 16, 10);
      const g = b.matmul(s, x, 'float32', { batch: 1, m: 10, k: 16, n: 24, transA: true, transB: false, aBatched: true, bBatched: true });
      const lr = b.fill(1, 0.01, 'float32');
      const scaled = binaryBroadcast(b, 'mul', g, [10, 24], lr, [], [10, 24], 'float32');
      const next = binaryBroadcast(b, 'sub', w, [10, 24], scaled, [10, 24], [10, 24], 'float32');
      const loss = b.reduce('sum', s, 'float32', 1, 160, 1);
      const value = await b.read(loss, 'float32', 1);
      for (const t of [x, h, s, g, lr, scaled, loss, w]) b.free(t);
      w = next;
      return value[0];
    };
    await step(10);
    const live = b.memory().liveHandles;
    const reserved = b.memory().reservedBytes;
    const buffers = runtime(b).bufferCount;
    for (let i = 0; i < 30; i++) expect(await step(11 + i)).toBeCloseTo(16, 4);
    expect(b.memory().liveHandles).toBe(live);
    expect(runtime(b).bufferCount).toBe(buffers);
    expect(b.memory().reservedBytes).toBe(reserved);
  });

  it('compiles each pipeline once', async () => {
    const before = runtime(b).pipelineCount;
    for (let i = 0; i < 5; i++) b.free(b.unary('exp', up(b, [i]), 'float32', 1));
    const after = runtime(b).pipelineCount;
    for (let i = 0; i < 5; i++) b.free(b.unary('exp', up(b, [i, i]), 'float32', 2));
    expect(runtime(b).pipelineCount).toBe(after);
    expect(after - before).toBeLessThanOrEqual(1);
  });

  it('batches many dispatches before a read and orders uploads after pending work', async () => {
    // 200 chained adds (more than one batch) on buffers that are freed and reused immediately.
    let x = up(b, [0, 0, 0]);
    for (let i = 0; i < 200; i++) {
      const one = up(b, [1, 2, 3]);
      const next = binaryBroadcast(b, 'add', x, [3], one, [3], [3], 'float32');
      b.free(x);
      b.free(one);
      x = next;
    }
    expect(await down(b, x, 'float32', 3)).toEqual([200, 400, 600]);
  });

  it('reads resolve independently and in any order', async () => {
    const handles = [1, 2, 3, 4].map((v) => b.fill(1000, v, 'float32'));
    const values = await Promise.all(handles.map((h) => b.read(h, 'float32', 1000)));
    expect(values.map((v) => v[999])).toEqual([1, 2, 3, 4]);
    handles.forEach((h) => b.free(h));
  });

  it('splits dispatches across a 2-D grid and chunks matmul batches', async () => {
    // A runtime that pretends the device allows only 3 workgroups per dimension.
    const small = createWebGPUBackend(new GpuRuntime(runtime(b).device, false, { maxWorkgroupsPerDimension: 3 }));
    const n = 256 * 7 + 5; // 8 workgroups -> a 3 × 3 grid
    const xs = Array.from({ length: n }, (_, i) => i);
    expect(await down(small, small.unary('neg', up(small, xs), 'float32', n), 'float32', n)).toEqual(xs.map((v) => -v));
    const rows = 7;
    const s = await down(small, small.softmax!(up(small, randoms(rows * 300, 3)), 'float32', rows, 300), 'float32', rows * 300);
    for (let r = 0; r < rows; r++) expect(s.slice(r * 300, r * 300 + 300).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    const p: MatmulParams = { batch: 7, m: 200, k: 3, n: 2, transA: false, transB: false, aBatched: true, bBatched: false };
    const a = randoms(7 * 200 * 3, 4);
    const w = [1, 0, 0, 1, 1, 1];
    const got = await down(small, small.matmul(up(small, a), up(small, w), 'float32', p), 'float32', 7 * 200 * 2);
    const want: number[] = [];
    for (let r = 0; r < 7 * 200; r++) want.push(a[r * 3] + a[r * 3 + 2], a[r * 3 + 1] + a[r * 3 + 2]);
    close(got, want, 0, 1e-6, 'chunked matmul');
    expect(() => small.unary('neg', up(small, []), 'float32', 256 * 10)).toThrow(/2560 elements|workgroups exceed a 3×3 grid/);
  });

  it('names the tensor size when it exceeds maxStorageBufferBindingSize (an OutOfMemoryError)', () => {
    const { limits } = runtime(b);
    const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    const elements = Math.floor(limit / 4) + 1;
    expect(() => b.fill(elements, 0, 'float32')).toThrow(OutOfMemoryError);
    expect(() => b.fill(elements, 0, 'float32')).toThrow(
      new RegExp(
        `webgpu\\.fill: out of memory: asked for ${elements * 4} bytes; limit ${limit} bytes; ` +
          `a tensor of ${elements} elements exceeds this device's maxStorageBufferBindingSize`,
      ),
    );
  });

  it('accepts an injected device, leaves it alive on dispose, and refuses work afterwards', async () => {
    const device = runtime(b).device;
    const other = await webgpu({ device });
    const h: Handle = other.fill(4, 3, 'int32');
    expect(Array.from(await other.read(h, 'int32', 4))).toEqual([3, 3, 3, 3]);
    await other.dispose!();
    expect(() => other.fill(1, 0, 'float32')).toThrow(/webgpu.fill: the backend was disposed/);
    expect(await down(b, b.fill(2, 5, 'float32'), 'float32', 2)).toEqual([5, 5]); // the shared device still works
  });

  it('reports a lost device clearly', async () => {
    const adapter = await testGpu()!.requestAdapter();
    const own = await webgpu({ adapter: adapter! });
    runtime(own).device.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect(() => own.fill(1, 0, 'float32')).toThrow(/webgpu.fill: the GPU device was lost \(destroyed/);
  });

  it('without any GPU it names what to do', async () => {
    await expect(webgpu({ gpu: { requestAdapter: async () => null } as unknown as GPU })).rejects.toThrow(/no GPU adapter is available/);
    if (!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
      await expect(webgpu()).rejects.toThrow(/navigator.gpu is undefined.*webgpu/);
    }
  });
});
