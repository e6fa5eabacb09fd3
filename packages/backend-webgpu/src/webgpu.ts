import type { Backend } from '@tensile/core';
import { createWebGPUBackend } from './backend.js';
import { WebGPUUnavailableError } from './errors.js';
import { GpuRuntime } from './runtime/runtime.js';

export interface WebGPUOptions {
  /** The WebGPU entry point; defaults to `navigator.gpu`. In Node, pass `create([])` from the `webgpu` package. */
  gpu?: WebGPUEntryPoint;
  /** An adapter to create the device from (skips adapter selection). */
  adapter?: WebGPUAdapterLike;
  /** A device to run on (skips adapter and device creation; the backend does not destroy it). */
  device?: WebGPUDeviceLike;
  powerPreference?: WebGPUPowerPreference;
}

/*
 * The WebGPU objects webgpu() takes are typed by the members it uses, not as
 * the global GPU / GPUAdapter / GPUDevice: those come from @webgpu/types,
 * which needs the DOM lib, so naming them here would break the type check of
 * every Node-only project that installs this package. A browser's
 * navigator.gpu and its adapters and devices fit, and so do those of the
 * `webgpu` package in Node (the assignments in webgpu() below check it).
 */

/** What `navigator.gpu` (a `GPU`) offers that the backend uses. */
export interface WebGPUEntryPoint {
  requestAdapter(options?: { powerPreference?: WebGPUPowerPreference }): Promise<WebGPUAdapterLike | null>;
}

/** What a `GPUAdapter` offers that the backend uses. */
export interface WebGPUAdapterLike {
  readonly limits: { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number };
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<WebGPUDeviceLike>;
}

/** A `GPUDevice`, recognised by the members the backend uses. */
export interface WebGPUDeviceLike {
  readonly queue: object;
  readonly limits: object;
  readonly lost: Promise<unknown>;
  createBuffer(descriptor: never): object;
  createComputePipeline(descriptor: never): object;
  destroy(): void;
}

export type WebGPUPowerPreference = 'low-power' | 'high-performance';

/** Compile-time check: WebGPU's own objects are accepted where the options name their stand-ins. */
type Fits<T extends U, U> = T;
type FitsOptions = [
  Fits<GPU, WebGPUEntryPoint>,
  Fits<GPUAdapter, WebGPUAdapterLike>,
  Fits<GPUDevice, WebGPUDeviceLike>,
  Fits<GPUPowerPreference, WebGPUPowerPreference>,
];

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
  // The options' structural types stand for the real WebGPU objects (FitsOptions checks it).
  let device = options.device as GPUDevice | undefined;
  let owns = false;
  if (!device) {
    const adapter = (options.adapter as GPUAdapter | undefined) ?? (await requestAdapter(options));
    // Ask for the adapter's largest buffers: the defaults (128 MiB bindings) are smaller than most GPUs allow.
    const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
    try {
      device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
    } catch (error) {
      throw new WebGPUUnavailableError(`webgpu: the adapter refused to create a device: ${String(error)}`);
    }
    owns = true;
  }
  return createWebGPUBackend(new GpuRuntime(device, owns, { entryPoint: options.gpu }));
}

async function requestAdapter(options: WebGPUOptions): Promise<GPUAdapter> {
  const gpu = (options.gpu as GPU | undefined) ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new WebGPUUnavailableError(`webgpu: no WebGPU implementation found (navigator.gpu is undefined). ${NODE_HINT}`);
  const adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
  if (!adapter) {
    throw new WebGPUUnavailableError(
      'webgpu: no GPU adapter is available (requestAdapter returned null). On a machine without a GPU, ' +
        'a software Vulkan driver works, e.g. VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.',
    );
  }
  return adapter;
}
