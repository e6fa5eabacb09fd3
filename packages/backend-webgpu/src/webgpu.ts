import type { Backend } from '@tensile/core';
import { createBackend } from './backend.js';
import { WebGPUUnavailableError } from './errors.js';
import { GpuRuntime } from './runtime/runtime.js';

export interface WebGPUOptions {
  /** The WebGPU entry point; defaults to `navigator.gpu`. In Node, pass `create([])` from the `webgpu` package. */
  gpu?: GPU;
  /** An adapter to create the device from (skips adapter selection). */
  adapter?: GPUAdapter;
  /** A device to run on (skips adapter and device creation; the backend does not destroy it). */
  device?: GPUDevice;
  powerPreference?: GPUPowerPreference;
}

const NODE_HINT =
  "In Node, install the `webgpu` package and pass its GPU: `import { create, globals } from 'webgpu'; " +
  'Object.assign(globalThis, globals); await setBackend(webgpu({ gpu: create([]) }))`.';

/**
 * Creates the WebGPU backend: float32, int32 and bool tensors computed by
 * WGSL compute shaders, with reads that resolve once queued work is done.
 *
 * @example
 * ```ts
 * import * as t from '@tensile/core';
 * import { webgpu } from '@tensile/backend-webgpu';
 * await t.setBackend(webgpu());                     // browser: navigator.gpu
 * // Node: const gpu = create([]) from 'webgpu'; await t.setBackend(webgpu({ gpu }));
 * ```
 */
export async function webgpu(options: WebGPUOptions = {}): Promise<Backend> {
  let device = options.device;
  let owns = false;
  if (!device) {
    const adapter = options.adapter ?? (await requestAdapter(options));
    // Ask for the adapter's largest buffers: the defaults (128 MiB bindings) are smaller than most GPUs allow.
    const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
    try {
      device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
    } catch (error) {
      throw new WebGPUUnavailableError(`webgpu: the adapter refused to create a device: ${String(error)}`);
    }
    owns = true;
  }
  return createBackend(new GpuRuntime(device, owns));
}

async function requestAdapter(options: WebGPUOptions): Promise<GPUAdapter> {
  const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new WebGPUUnavailableError(`webgpu: no WebGPU implementation found (navigator.gpu is undefined). ${NODE_HINT}`);
  const adapter = await gpu.requestAdapter(
    options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
  );
  if (!adapter) {
    throw new WebGPUUnavailableError(
      'webgpu: no GPU adapter is available (requestAdapter returned null). On a machine without a GPU, ' +
        'a software Vulkan driver works, e.g. VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.',
    );
  }
  return adapter;
}
