import { BackendError, OutOfMemoryError, type DType, type DataArray } from '@tensile/core';

const PAGE = 65536;
/** wasm32 addresses at most 65536 pages (4 GiB). */
const MAX_PAGES = 65536;

/**
 * Rounds a request up to its size class: multiples of 64 bytes up to 1 KiB,
 * then eight classes per power of two, so a block wastes at most 12.5%.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 1024) return Math.max(64, Math.ceil(bytes / 64) * 64);
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

/** One allocation in the wasm heap. */
export interface Block {
  readonly ptr: number;
  /** The bytes asked for. */
  readonly bytes: number;
  /** The size class actually reserved. */
  readonly cls: number;
}

/**
 * The allocator for the wasm heap: a bump pointer plus one free list per size
 * class. Freed blocks are reused for the next request of the same class, so a
 * training loop that repeats the same shapes reaches a steady heap size and
 * stays there. Blocks are 64-byte aligned (cache lines, SIMD loads).
 */
export class Heap {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  private buffer: ArrayBufferLike | undefined;
  private u8View!: Uint8Array;
  private i32View!: Int32Array;
  private f32View!: Float32Array;
  private f64View!: Float64Array;
  liveBlocks = 0;
  liveBytes = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
    /** The most bytes the memory may grow to: its declared maximum (JS cannot read it back). */
    readonly limitBytes = MAX_PAGES * PAGE,
  ) {
    this.top = Math.ceil(base / 64) * 64;
  }

  /**
   * A block of at least `bytes`. A request that cannot be met throws
   * OutOfMemoryError and leaves the heap exactly as it was: nothing is
   * reserved, and a request beyond the limit grows nothing.
   */
  alloc(bytes: number): Block {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new BackendError(`wasm backend: alloc: byte count must be a non-negative integer, got ${bytes}`);
    }
    const cls = sizeClass(bytes);
    const list = this.freeLists.get(cls);
    let ptr = list?.pop();
    if (ptr === undefined) {
      const end = this.top + cls;
      this.ensure(end, bytes);
      ptr = this.top;
      this.top = end;
    }
    this.liveBlocks++;
    this.liveBytes += bytes;
    return { ptr, bytes, cls };
  }

  free(block: Block): void {
    let list = this.freeLists.get(block.cls);
    if (!list) {
      list = [];
      this.freeLists.set(block.cls, list);
    }
    list.push(block.ptr);
    this.liveBlocks--;
    this.liveBytes -= block.bytes;
  }

  /** Total bytes of the wasm memory. */
  get reservedBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Grows the memory to hold `end` bytes, or throws OutOfMemoryError having grown nothing. */
  private ensure(end: number, requested: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const limit = this.limitBytes;
    if (end > limit) {
      throw new OutOfMemoryError('wasm backend: alloc', requested, limit, `${this.top} bytes of the heap in use or free-listed`);
    }
    // Grow by at least 1/8 of the heap (within the limit) so a run of allocations grows rarely.
    const need = Math.ceil((end - have) / PAGE);
    const pages = Math.min(Math.max(need, Math.ceil(have / PAGE / 8)), limit / PAGE - have / PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(need);
      } catch (e) {
        throw new OutOfMemoryError('wasm backend: alloc', requested, limit, `the engine refused to grow the memory: ${String(e)}`);
      }
    }
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    if (buf === this.buffer) return;
    this.buffer = buf;
    this.u8View = new Uint8Array(buf);
    this.i32View = new Int32Array(buf);
    this.f32View = new Float32Array(buf);
    this.f64View = new Float64Array(buf);
  }

  get u8(): Uint8Array {
    this.refresh();
    return this.u8View;
  }
  get i32(): Int32Array {
    this.refresh();
    return this.i32View;
  }
  get f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }
  get f64(): Float64Array {
    this.refresh();
    return this.f64View;
  }

  /** The whole memory as the typed array of a dtype. */
  view(dtype: DType): DataArray {
    switch (dtype) {
      case 'float32':
        return this.f32;
      case 'float64':
        return this.f64;
      case 'int32':
        return this.i32;
      case 'bool':
        return this.u8;
    }
  }
}
