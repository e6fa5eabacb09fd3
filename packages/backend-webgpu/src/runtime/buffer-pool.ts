import { sizeClass } from './size-class.js';

/**
 * A pool of GPU buffers grouped by size class, reused instead of created per
 * tensor so that a training loop's memory does not grow step after step.
 *
 * Ordering hazard: `queue.writeBuffer` runs on the queue timeline *before*
 * commands still sitting in the unsubmitted encoder. A buffer freed while the
 * encoder still holds commands that read it may be reused by later kernels in
 * the same encoder (passes run in order), but not by an upload. So freed
 * buffers wait in `recent` until the encoder is submitted, and uploads only
 * take from `ready`.
 */
export class BufferPool {
  private readonly ready = new Map<number, GPUBuffer[]>();
  private readonly recent = new Map<number, GPUBuffer[]>();
  /** Bytes of every buffer this pool has created and not destroyed. */
  reservedBytes = 0;
  /** Number of buffers this pool has created and not destroyed. */
  buffers = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
  ) {}

  /** A buffer of at least `bytes`; `forUpload` excludes buffers pending in the open encoder. */
  acquire(bytes: number, forUpload: boolean): GPUBuffer {
    const cls = sizeClass(bytes);
    const reused = (forUpload ? undefined : this.recent.get(cls)?.pop()) ?? this.ready.get(cls)?.pop();
    if (reused) return reused;
    const buffer = this.device.createBuffer({ size: cls, usage: this.usage });
    this.reservedBytes += cls;
    this.buffers += 1;
    return buffer;
  }

  /** Returns a buffer; `pending` when the open encoder may still hold commands that use it. */
  release(buffer: GPUBuffer, pending: boolean): void {
    push(pending ? this.recent : this.ready, buffer.size, buffer);
  }

  /** Called after the open encoder was submitted: every freed buffer is safe for uploads again. */
  submitted(): void {
    for (const [cls, list] of this.recent) {
      for (const buffer of list) push(this.ready, cls, buffer);
      list.length = 0;
    }
  }

  destroy(): void {
    for (const map of [this.ready, this.recent]) {
      for (const list of map.values()) for (const buffer of list) buffer.destroy();
      map.clear();
    }
    this.reservedBytes = 0;
    this.buffers = 0;
  }
}

function push(map: Map<number, GPUBuffer[]>, cls: number, buffer: GPUBuffer): void {
  const list = map.get(cls);
  if (list) list.push(buffer);
  else map.set(cls, [buffer]);
}
