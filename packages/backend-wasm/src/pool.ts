import type { Heap } from './heap.js';
import { TASKS, type KernelExports, type TaskName } from './module.js';
import { WORKER_SOURCE } from './worker-source.js';

const WORKER_STACK = 256 * 1024;

/** The minimal surface of a Node or browser worker that the pool uses. */
interface AnyWorker {
  postMessage(msg: unknown): void;
  terminate(): unknown;
}

/**
 * Worker threads sharing the kernels' memory. `run` executes a task on the
 * calling thread (tid 0) and on `nthreads - 1` workers, and returns once all
 * are done: the caller blocks in Atomics.wait, which Node allows on its main
 * thread and browsers allow only inside workers.
 */
export class ThreadPool {
  private readonly ctrl: Int32Array;
  private readonly taskIndex = new Map<string, number>(TASKS.map((t, i) => [t, i]));

  private constructor(
    private readonly exports: KernelExports,
    private readonly memory: WebAssembly.Memory,
    private readonly ctrlPtr: number,
    private readonly workers: AnyWorker[],
  ) {
    this.ctrl = new Int32Array(memory.buffer, ctrlPtr, 8);
  }

  /** Heap bytes the pool holds: control words and worker stacks. */
  get internalBytes(): number {
    return 64 + this.workers.length * WORKER_STACK;
  }

  /** Threads available to a task: the workers plus the calling thread. */
  get size(): number {
    return this.workers.length + 1;
  }

  static async create(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    exports: KernelExports,
    heap: Heap,
    workerCount: number,
  ): Promise<ThreadPool> {
    const ctrlPtr = heap.alloc(64).ptr;
    heap.i32.fill(0, ctrlPtr / 4, ctrlPtr / 4 + 16);
    const workers: AnyWorker[] = [];
    const ready: Promise<void>[] = [];
    const nodeThreads = await loadNodeWorkerThreads();
    for (let i = 0; i < workerCount; i++) {
      const stack = heap.alloc(WORKER_STACK);
      const msg = { module, memory, tid: i + 1, stackTop: stack.ptr + WORKER_STACK, ctrlPtr, tasks: TASKS };
      if (nodeThreads) {
        const w = new nodeThreads.Worker(WORKER_SOURCE, { eval: true });
        w.unref(); // idle workers must not keep a Node process alive
        ready.push(
          new Promise((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('error', reject);
          }),
        );
        w.postMessage(msg);
        workers.push(w);
      } else {
        const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
        const w = new Worker(url);
        ready.push(
          new Promise((resolve, reject) => {
            w.onmessage = () => resolve();
            w.onerror = (e) => reject(new Error(`wasm backend: worker failed to start: ${e.message}`));
          }),
        );
        w.postMessage(msg);
        workers.push(w);
      }
    }
    await Promise.all(ready);
    return new ThreadPool(exports, memory, ctrlPtr, workers);
  }

  /** Runs `task(args, tid, nthreads)` for tid in [0, nthreads) and waits for all. */
  run(task: TaskName, args: number, nthreads: number): void {
    const fn = this.exports[task];
    const nt = Math.min(nthreads, this.size);
    if (nt <= 1) {
      fn(args, 0, 1);
      return;
    }
    const ctrl = this.ctrl;
    ctrl[1] = this.taskIndex.get(task)!;
    ctrl[2] = args;
    ctrl[3] = nt;
    ctrl[6] = 0;
    Atomics.store(ctrl, 4, this.workers.length);
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
    let failure: unknown;
    try {
      fn(args, 0, nt);
    } catch (e) {
      failure = e;
    }
    for (let left = Atomics.load(ctrl, 4); left !== 0; left = Atomics.load(ctrl, 4)) {
      Atomics.wait(ctrl, 4, left);
    }
    if (failure !== undefined) throw failure;
    if (ctrl[6]) throw new Error(`wasm backend: ${task} failed in a worker thread`);
  }

  dispose(): void {
    Atomics.store(this.ctrl, 5, 1);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
    void this.memory;
  }
}

interface NodeWorkerThreads {
  Worker: new (
    src: string,
    opts: { eval: true },
  ) => AnyWorker & {
    unref(): void;
    once(ev: 'message' | 'error', cb: (v: unknown) => void): void;
  };
}

/** node:worker_threads when running in Node, else undefined (browsers). */
async function loadNodeWorkerThreads(): Promise<NodeWorkerThreads | undefined> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) return undefined;
  // A computed specifier keeps browser bundlers from trying to resolve it.
  const name = 'node:worker_threads';
  return (await import(/* @vite-ignore */ name)) as NodeWorkerThreads;
}

/** Whether this thread may block in Atomics.wait (false on a browser main thread). */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The number of cores, or 1 when unknown. */
export async function availableCores(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node) {
    const name = 'node:os';
    const os = (await import(/* @vite-ignore */ name)) as { availableParallelism?: () => number; cpus: () => unknown[] };
    return os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  }
  return nav?.hardwareConcurrency ?? 1;
}
