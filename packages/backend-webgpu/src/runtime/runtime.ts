import { OutOfMemoryError } from '@tensile/core';
import { WebGPUBackendError, WebGPUUnavailableError } from '../errors.js';
import { BufferPool } from './buffer-pool.js';
import { GpuHandle } from './handle.js';
import { beginRead, trackRuntime } from './node-lifetime.js';
import type { Params } from './params.js';
import { sizeClass } from './size-class.js';

// GPUBufferUsage / GPUMapMode values, spelled out so that the package works
// without the WebGPU globals installed on globalThis (Node's `webgpu` package).
const USAGE_MAP_READ = 0x1;
const USAGE_COPY_SRC = 0x4;
const USAGE_COPY_DST = 0x8;
const USAGE_STORAGE = 0x80;
const MAP_MODE_READ = 0x1;

/** Dispatches batched into one command encoder before it is submitted. */
const MAX_BATCH = 64;
/** Bytes reserved per dispatch in the parameter buffer (the storage offset alignment). */
const PARAM_SLOT_BYTES = 256;
const PARAM_SLOT_WORDS = PARAM_SLOT_BYTES / 4;

/** Threads per workgroup of every 1-D kernel. */
export const WORKGROUP = 256;

/**
 * The GPU side of the backend: buffers, pipelines, batched command encoding
 * and read-back. Kernels call `output`, `dispatch` and `read`; nothing else
 * touches the device.
 *
 * Work is queued: a dispatch is recorded into one open compute pass and
 * submitted when a read needs it or after MAX_BATCH dispatches. Parameters
 * of every dispatch in a batch live in one storage buffer, written with
 * `queue.writeBuffer` right before the batch is submitted (the queue runs in
 * order, so the previous batch has finished with that buffer by then).
 */
export class GpuRuntime {
  readonly limits: GPUSupportedLimits;
  private readonly pool: BufferPool;
  private readonly staging: BufferPool;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly paramBuffer: GPUBuffer;
  private readonly paramWords = new Uint32Array(MAX_BATCH * PARAM_SLOT_WORDS);
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private batched = 0;
  private lost: string | null = null;
  private gpuError: string | null = null;
  private disposed = false;
  /** Stops the Node lifetime handling (node-lifetime.ts) once disposed. */
  private readonly untrack: () => void;
  /**
   * The WebGPU entry point the device came from, held for the runtime's life:
   * Dawn crashes when its GPU object is collected while a device lives.
   */
  private readonly entryPoint: unknown;
  liveHandles = 0;
  liveBytes = 0;

  /** Workgroups per grid dimension: the device limit, or less when a test asks (to exercise splitting). */
  readonly maxWorkgroups: number;

  constructor(
    readonly device: GPUDevice,
    private readonly ownsDevice: boolean,
    options: { maxWorkgroupsPerDimension?: number; entryPoint?: unknown } = {},
  ) {
    this.entryPoint = options.entryPoint;
    this.limits = device.limits;
    this.maxWorkgroups = Math.min(device.limits.maxComputeWorkgroupsPerDimension, options.maxWorkgroupsPerDimension ?? Infinity);
    this.pool = new BufferPool(device, USAGE_STORAGE | USAGE_COPY_SRC | USAGE_COPY_DST);
    this.staging = new BufferPool(device, USAGE_MAP_READ | USAGE_COPY_DST);
    this.paramBuffer = device.createBuffer({
      size: MAX_BATCH * PARAM_SLOT_BYTES,
      usage: USAGE_STORAGE | USAGE_COPY_DST,
    });
    void device.lost.then((info) => {
      if (!this.disposed) this.lost = `${info.reason}: ${info.message}`;
    });
    device.addEventListener('uncapturederror', (event) => {
      const message = (event as GPUUncapturedErrorEvent).error.message;
      this.gpuError ??= message;
    });
    this.untrack = trackRuntime(this);
  }

  /** Throws when the device can no longer run work, naming the operation. */
  check(op: string): void {
    if (this.disposed) throw new WebGPUBackendError(`webgpu.${op}: the backend was disposed`);
    if (this.lost !== null) {
      throw new WebGPUUnavailableError(`webgpu.${op}: the GPU device was lost (${this.lost}); create a new backend`);
    }
    if (this.gpuError !== null) {
      throw new WebGPUBackendError(`webgpu.${op}: an earlier GPU command failed: ${this.gpuError}`);
    }
  }

  /** A new handle for `elements` 4-byte elements; `forUpload` when its first use is a queue write. */
  allocate(op: string, elements: number, forUpload = false): GpuHandle {
    this.check(op);
    const bytes = elements * 4;
    // A buffer must fit both limits (kernels bind whole tensors); checked before anything is created or counted.
    const limit = Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize);
    if (bytes > limit) {
      throw new OutOfMemoryError(
        `webgpu.${op}`,
        bytes,
        limit,
        `a tensor of ${elements} elements exceeds this device's maxStorageBufferBindingSize/maxBufferSize`,
      );
    }
    const handle = new GpuHandle(this.pool.acquire(Math.max(bytes, 4), forUpload), bytes);
    this.liveHandles += 1;
    this.liveBytes += bytes;
    return handle;
  }

  free(handle: GpuHandle): void {
    this.liveHandles -= 1;
    this.liveBytes -= handle.bytes;
    this.pool.release(handle.buffer, this.encoder !== null);
  }

  /** Copies host bytes into a new handle (queued on the device timeline). */
  upload(op: string, data: ArrayBufferView, elements: number): GpuHandle {
    const handle = this.allocate(op, elements, true);
    if (elements > 0) {
      this.device.queue.writeBuffer(handle.buffer, 0, data.buffer, data.byteOffset, elements * 4);
    }
    return handle;
  }

  /** The pipeline for `key`, compiled once from `source()` and cached. */
  pipeline(key: string, source: () => string): GPUComputePipeline {
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const module = this.device.createShaderModule({ code: source(), label: key });
      pipeline = this.device.createComputePipeline({
        label: key,
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
      });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /**
   * Records one dispatch. `buffers` bind to @binding(0..k-1) in order and the
   * parameters to @binding(k).
   */
  dispatch(pipeline: GPUComputePipeline, buffers: readonly GPUBuffer[], params: Params, groups: readonly [number, number, number]): void {
    if (groups[0] === 0 || groups[1] === 0 || groups[2] === 0) return;
    const max = this.maxWorkgroups;
    if (groups[0] > max || groups[1] > max || groups[2] > max) {
      throw new WebGPUBackendError(`webgpu: dispatch of [${groups.join(', ')}] workgroups exceeds maxComputeWorkgroupsPerDimension ${max}`);
    }
    if (params.words.length > PARAM_SLOT_WORDS) {
      throw new WebGPUBackendError(`webgpu: ${params.words.length} kernel parameters exceed ${PARAM_SLOT_WORDS}`);
    }
    if (this.batched === MAX_BATCH) this.flush();
    const slot = this.batched;
    this.paramWords.set(params.words, slot * PARAM_SLOT_WORDS);
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    entries.push({
      binding: buffers.length,
      resource: { buffer: this.paramBuffer, offset: slot * PARAM_SLOT_BYTES, size: PARAM_SLOT_BYTES },
    });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.openPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    this.batched += 1;
  }

  /**
   * Workgroup counts for `count` workgroups in a 2-D grid: x up to the
   * per-dimension limit, y for the rest. Shaders recover the linear index as
   * `wid.y * nwg.x + wid.x`.
   */
  grid(op: string, count: number): [number, number, number] {
    const max = this.maxWorkgroups;
    if (count <= max) return [count, 1, 1];
    const y = Math.ceil(count / max);
    if (y > max) throw new WebGPUBackendError(`webgpu.${op}: ${count} workgroups exceed a ${max}×${max} grid`);
    return [max, y, 1];
  }

  /** Submits the open encoder, if any. */
  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = null;
    if (this.batched > 0) {
      this.device.queue.writeBuffer(this.paramBuffer, 0, this.paramWords.buffer, 0, this.batched * PARAM_SLOT_BYTES);
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.batched = 0;
    this.pool.submitted();
    this.staging.submitted();
  }

  /** Copies `bytes` of a handle back to the host once every queued kernel has run. */
  async read(op: string, handle: GpuHandle, bytes: number): Promise<ArrayBuffer> {
    this.check(op);
    if (bytes === 0) return new ArrayBuffer(0);
    const staging = this.staging.acquire(bytes, true);
    this.openEncoder();
    this.pass?.end();
    this.pass = null;
    this.encoder!.copyBufferToBuffer(handle.buffer, 0, staging, 0, bytes);
    this.flush();
    const endRead = beginRead();
    try {
      await staging.mapAsync(MAP_MODE_READ, 0, bytes);
    } catch (error) {
      this.check(op);
      throw new WebGPUBackendError(`webgpu.${op}: mapping the read-back buffer failed: ${String(error)}`);
    } finally {
      endRead();
    }
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.staging.release(staging, false);
    this.check(op);
    return copy;
  }

  /** Bytes of every buffer the backend holds (pooled, live and staging). */
  get reservedBytes(): number {
    return this.pool.reservedBytes + this.staging.reservedBytes + this.paramBuffer.size;
  }

  get bufferCount(): number {
    return this.pool.buffers + this.staging.buffers;
  }

  dispose(): void {
    if (this.disposed) return;
    this.flush();
    this.disposed = true;
    this.pool.destroy();
    this.staging.destroy();
    this.paramBuffer.destroy();
    this.pipelines.clear();
    if (this.ownsDevice) this.device.destroy();
    this.untrack();
  }

  private openEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private openPass(): GPUComputePassEncoder {
    this.pass ??= this.openEncoder().beginComputePass();
    return this.pass;
  }
}

export { sizeClass };
