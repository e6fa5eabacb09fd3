import { BackendError } from '@tensile/core';
import type { Block, Heap } from './heap.js';
import { K_OK, TASKS, statusText, type KernelExports, type TaskName } from './module.js';
import { WORKER_SOURCE } from './worker-source.js';

/** Bytes of each worker's stack, guard included. */
const WORKER_STACK = 256 * 1024;
/** Bytes at the bottom of each worker stack filled with a canary, checked after every job. */
const STACK_GUARD = 4096;
const CANARY = 0x5afe57ac;
/** The main thread re-checks the workers at least this often while it waits. */
const WAIT_SLICE_MS = 100;
/** Default bound on how long workers may make no progress before the pool gives up. */
export const DEFAULT_STALL_TIMEOUT_MS = 5000;
/** How long a worker may take to start (instantiate the module) before the backend runs on one thread. */
const START_TIMEOUT_MS = 30_000;

/**
 * Control words (Int32 indices), shared with worker-source.ts. Per-worker
 * slots follow the fixed words: DONE[w] holds the last generation worker w
 * finished, STARTED[w] the last it began, RUNS[w] how many jobs it ran.
 */
export const CTRL = { GEN: 0, TASK: 1, ARGS: 2, NT: 3, WAKE: 4, SHUTDOWN: 5, ERROR: 6, HOLD: 7, FIXED: 8 } as const;

/** The minimal surface of a Node or browser worker that the pool uses. */
interface AnyWorker {
  postMessage(msg: unknown): void;
  terminate(): unknown;
}

export interface PoolOptions {
  /**
   * Milliseconds the workers may go without finishing anything before a job
   * is abandoned with a BackendError; the bound grows by four times what the
   * calling thread's own share of that job took, so a slow machine is not a
   * stuck one.
   */
  stallTimeoutMs?: number;
  /** The worker program (tests substitute a failing one). @internal */
  workerSource?: string;
}

const now = (): number => performance.now();

/**
 * Worker threads sharing the kernels' memory. `run` executes a task on the
 * calling thread (tid 0) and on `nthreads - 1` workers, and returns once all
 * are done: the caller blocks in Atomics.wait (in slices, never unbounded),
 * which Node allows on its main thread and browsers allow only inside
 * workers. A pool that stalls or whose worker overflows its stack throws a
 * BackendError once and from then on runs every task on the calling thread.
 */
export class ThreadPool {
  private readonly ctrl: Int32Array;
  private readonly taskIndex = new Map<string, number>(TASKS.map((t, i) => [t, i]));
  private readonly slots: { done: number; started: number; runs: number };
  private failure: string | undefined;
  /** The heap blocks the pool holds for itself: control words and worker stacks. */
  readonly blocks: readonly Block[];

  private constructor(
    private readonly exports: KernelExports,
    private readonly heap: Heap,
    ctrlBlock: Block,
    private readonly stacks: Block[],
    private readonly workers: AnyWorker[],
    private readonly stallTimeoutMs: number,
  ) {
    const n = workers.length;
    this.slots = { done: CTRL.FIXED, started: CTRL.FIXED + n, runs: CTRL.FIXED + 2 * n };
    this.ctrl = new Int32Array(heap.memory.buffer, ctrlBlock.ptr, ctrlWords(n));
    this.blocks = [ctrlBlock, ...stacks];
  }

  /** Heap bytes the pool holds. */
  get internalBytes(): number {
    return this.blocks.reduce((s, b) => s + b.bytes, 0);
  }

  /** Threads available to a task: the workers plus the calling thread (1 once the pool has failed). */
  get size(): number {
    return this.failure === undefined ? this.workers.length + 1 : 1;
  }

  /** Why the pool stopped running threaded work, or undefined while it is healthy. */
  get failed(): string | undefined {
    return this.failure;
  }

  /**
   * A pool, or, where workers cannot start (a Content-Security-Policy
   * without blob: in worker-src, a worker that fails to load), undefined and
   * a warning saying why: the backend then runs on one thread. Nothing the
   * failed attempt allocated stays in the heap.
   */
  static async createOrFallback(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    exports: KernelExports,
    heap: Heap,
    workerCount: number,
    options: PoolOptions = {},
  ): Promise<{ pool?: ThreadPool; warning?: string }> {
    try {
      return { pool: await ThreadPool.create(module, memory, exports, heap, workerCount, options) };
    } catch (e) {
      const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
      const hint = !node ? "; if the page sets a Content-Security-Policy, allow workers from blob: URLs (worker-src 'self' blob:)" : '';
      return {
        warning: `wasm backend: worker threads failed to start (${(e as Error).message ?? String(e)}); running on one thread${hint}`,
      };
    }
  }

  static async create(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    exports: KernelExports,
    heap: Heap,
    workerCount: number,
    options: PoolOptions = {},
  ): Promise<ThreadPool> {
    const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    // Stacks first, the control block after them: a stack grows down, away
    // from the control words, into its own guard.
    const stacks: Block[] = [];
    for (let i = 0; i < workerCount; i++) {
      const stack = heap.alloc(WORKER_STACK);
      heap.i32.fill(CANARY, stack.ptr / 4, (stack.ptr + STACK_GUARD) / 4);
      stacks.push(stack);
    }
    const words = ctrlWords(workerCount);
    const ctrlBlock = heap.alloc(words * 4);
    heap.i32.fill(0, ctrlBlock.ptr / 4, ctrlBlock.ptr / 4 + words);
    const slots = { done: CTRL.FIXED, started: CTRL.FIXED + workerCount, runs: CTRL.FIXED + 2 * workerCount };
    const source = options.workerSource ?? WORKER_SOURCE;
    const workers: AnyWorker[] = [];
    const ready: Promise<void>[] = [];
    try {
      const nodeThreads = await loadNodeWorkerThreads();
      for (let i = 0; i < workerCount; i++) {
        const msg = {
          module,
          memory,
          tid: i + 1,
          stackTop: stacks[i]!.ptr + WORKER_STACK,
          ctrlPtr: ctrlBlock.ptr,
          ctrlWords: words,
          slots,
          tasks: TASKS,
        };
        if (nodeThreads) {
          const w = new nodeThreads.Worker(source, { eval: true });
          w.unref(); // idle workers must not keep a Node process alive
          workers.push(w);
          ready.push(
            new Promise((resolve, reject) => {
              w.once('message', () => resolve());
              w.once('error', (e) => reject(new BackendError(`worker ${i + 1}: ${(e as Error).message ?? String(e)}`)));
            }),
          );
          w.postMessage(msg);
        } else {
          const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
          const w = new Worker(url); // throws SecurityError where a CSP forbids blob: workers
          workers.push(w);
          ready.push(
            new Promise((resolve, reject) => {
              w.onmessage = () => {
                URL.revokeObjectURL(url);
                resolve();
              };
              // A CSP refusal arrives as a plain Event without a message.
              w.onerror = (e) => reject(new BackendError(`worker ${i + 1}: ${e.message || 'refused or failed to load'}`));
            }),
          );
          w.postMessage(msg);
        }
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BackendError(`no worker reported ready within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      });
      try {
        await Promise.race([Promise.all(ready), timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      for (const w of workers) void w.terminate();
      for (const b of [...stacks, ctrlBlock]) heap.free(b);
      throw e;
    }
    return new ThreadPool(exports, heap, ctrlBlock, stacks, workers, stallTimeoutMs);
  }

  /**
   * Runs `task(args, tid, nthreads)` for tid in [0, nthreads) and waits for
   * all; returns the thread count it actually used (1 after a failure).
   * A nonzero kernel status on any thread throws a BackendError.
   */
  run(task: TaskName, args: number, nthreads: number): number {
    const fn = this.exports[task];
    const nt = Math.min(nthreads, this.size);
    if (nt <= 1) {
      const status = fn(args, 0, 1);
      if (status !== K_OK) throw new BackendError(`wasm backend: kernel ${task} failed: ${statusText(status)}`);
      return 1;
    }
    const ctrl = this.ctrl;
    Atomics.store(ctrl, CTRL.TASK, this.taskIndex.get(task)!);
    Atomics.store(ctrl, CTRL.ARGS, args);
    Atomics.store(ctrl, CTRL.NT, nt);
    Atomics.store(ctrl, CTRL.ERROR, 0);
    const gen = (Atomics.add(ctrl, CTRL.GEN, 1) + 1) | 0;
    Atomics.notify(ctrl, CTRL.GEN);
    const start = now();
    let failure: unknown;
    let status = 0;
    try {
      status = fn(args, 0, nt);
    } catch (e) {
      failure = e;
    }
    this.awaitWorkers(task, gen, now() - start);
    this.checkStacks(task);
    if (failure !== undefined) {
      throw new BackendError(`wasm backend: kernel ${task} failed on the calling thread: ${String(failure)}`);
    }
    if (status !== K_OK) throw new BackendError(`wasm backend: kernel ${task} failed: ${statusText(status)}`);
    const error = Atomics.load(ctrl, CTRL.ERROR);
    if (error) {
      const why = (error & 255) === 255 ? 'it threw' : statusText(error & 255);
      throw new BackendError(`wasm backend: kernel ${task} failed in worker thread ${error >> 8}: ${why}`);
    }
    return nt;
  }

  /** Waits, in bounded slices, until every worker's slot holds `gen`. */
  private awaitWorkers(task: TaskName, gen: number, mainMs: number): void {
    const ctrl = this.ctrl;
    const bound = this.stallTimeoutMs + 4 * mainMs;
    let done = -1;
    let progressAt = now();
    for (;;) {
      // Read the wake word before the slots: a completion after the check
      // changes it, so the wait below returns at once instead of missing it.
      const wake = Atomics.load(ctrl, CTRL.WAKE);
      const d = this.countDone(gen);
      if (d === this.workers.length) return;
      const t = now();
      if (d > done) {
        done = d;
        progressAt = t;
      } else if (t - progressAt >= bound) {
        this.fail(
          `wasm backend: thread pool stalled in ${task}: ${this.workers.length - d} of ` +
            `${this.workers.length} workers made no progress for ${Math.round(t - progressAt)} ms ` +
            `(bound ${Math.round(bound)} ms, option stallTimeoutMs); ${this.describe()}`,
        );
      }
      Atomics.wait(ctrl, CTRL.WAKE, wake, Math.max(1, Math.min(WAIT_SLICE_MS, bound - (t - progressAt))));
    }
  }

  private countDone(gen: number): number {
    let d = 0;
    for (let w = 0; w < this.workers.length; w++) if (Atomics.load(this.ctrl, this.slots.done + w) === gen) d++;
    return d;
  }

  /** Throws when a worker wrote into the guard at the bottom of its stack. */
  private checkStacks(task: TaskName): void {
    const i32 = this.heap.i32;
    for (let w = 0; w < this.stacks.length; w++) {
      const lo = this.stacks[w]!.ptr / 4;
      for (let q = lo; q < lo + STACK_GUARD / 4; q++) {
        if (i32[q] !== CANARY) {
          this.fail(`wasm backend: worker thread ${w + 1} overflowed its ${WORKER_STACK} byte stack in ${task}; ${this.describe()}`);
        }
      }
    }
  }

  /** The control words and each worker's progress, for error messages. */
  describe(): string {
    const c = Array.from(this.ctrl.subarray(0, CTRL.FIXED));
    const workers = this.workers.map((_, w) => {
      const s = this.slots;
      const [started, done, runs] = [s.started, s.done, s.runs].map((i) => Atomics.load(this.ctrl, i + w));
      return `#${w + 1} started ${started} done ${done} runs ${runs}`;
    });
    return `control words [gen,task,args,nt,wake,shutdown,error,hold] = [${c.join(',')}]; workers: ${workers.join('; ')}`;
  }

  /** Stops threaded work for good and throws the error that says why. */
  private fail(message: string): never {
    const full = `${message}; the pool is shut down and later kernels run on one thread`;
    this.failure = full;
    this.stopWorkers();
    throw new BackendError(full);
  }

  private stopWorkers(): void {
    Atomics.store(this.ctrl, CTRL.SHUTDOWN, 1);
    Atomics.add(this.ctrl, CTRL.GEN, 1);
    Atomics.notify(this.ctrl, CTRL.GEN);
    for (const w of this.workers) void w.terminate();
  }

  /** The control words (for tests of the protocol). @internal */
  get control(): Int32Array {
    return this.ctrl;
  }

  /** Per-worker slot indices into `control` (for tests). @internal */
  get slotIndex(): { done: number; started: number; runs: number } {
    return this.slots;
  }

  /** Holds (or with `[]`, releases) worker tids before their next job, as a stuck thread would (tests). @internal */
  hold(tids: readonly number[]): void {
    Atomics.store(
      this.ctrl,
      CTRL.HOLD,
      tids.reduce((m, t) => m | (1 << t), 0),
    );
    Atomics.notify(this.ctrl, CTRL.HOLD);
  }

  dispose(): void {
    if (this.workers.length === 0) return;
    this.stopWorkers();
    this.workers.length = 0;
  }
}

/** Control words for `n` workers: the fixed ones plus three slots per worker. */
function ctrlWords(n: number): number {
  return CTRL.FIXED + 3 * n;
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
