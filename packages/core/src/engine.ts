import type { Backend, BackendMemory, DType } from './backend/backend.js';
import { checkBackend } from './backend/check.js';
import { ArgumentError, DTypeError } from './errors.js';
import { registry } from './registry.js';
import type { Rng } from './rng.js';
import type { Tensor } from './tensor.js';

/** What an op reports to observers (anomaly mode, profilers) after it ran. */
export interface OpEvent {
  /** The op's name, e.g. 'matmul'. */
  op: string;
  inputs: readonly Tensor[];
  output: Tensor;
  /** During backward: the forward op whose gradient is being computed. */
  backwardOf: string | null;
  /** The module path that issued the op (forward) or the forward op (backward), '' outside modules. */
  module: string;
}

export type OpObserver = (event: OpEvent) => void;

/**
 * The engine holds what core was given: the backend, the memory scopes, the
 * grad mode and the op observers. One engine per process, shared through a
 * global symbol so two copies of @tensile/core in one bundle still agree.
 */
export class Engine {
  backend: Backend | null = null;
  /** tidy() scopes, innermost last. */
  readonly scopes: Set<Tensor>[] = [];
  gradEnabled = true;
  /** Tensors whose storage is still held. */
  liveTensors = 0;
  nextId = 1;
  readonly observers = new Set<OpObserver>();
  /** The forward op whose backward is running, for observers. */
  backwardOf: string | null = null;
  /** The module path of that forward op. */
  backwardModule = '';
  /** Gradient-flow tracking (see flow.ts); off by default so ops pay nothing. */
  flowTracking = false;
  /** Parameters whose values were read back to JS while tracking. */
  readOut = new Set<Tensor>();
  /** Names of the modules being run (pushed by layers), for error messages and anomaly mode. */
  readonly moduleStack: string[] = [];
  /** The default random generator (rng.ts), here so that manualSeed in any copy of core seeds it. */
  rng: Rng | null = null;

  getBackend(): Backend {
    if (!this.backend) {
      throw new ArgumentError('no backend set: call `await setBackend(cpu())` (from @tensile/backend-cpu) or another backend first');
    }
    return this.backend;
  }

  checkDType(dtype: DType, op: string): void {
    const b = this.getBackend();
    if (!b.dtypes.includes(dtype)) {
      throw new DTypeError(`${op}: backend '${b.name}' does not support dtype ${dtype} (it has ${b.dtypes.join(', ')})`);
    }
  }

  track(t: Tensor): void {
    this.liveTensors++;
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.add(t);
  }

  /** Puts an untracked tensor into the innermost tidy scope (results handed back to the user). */
  adopt(t: Tensor): void {
    this.scopes[this.scopes.length - 1]?.add(t);
  }

  untrack(t: Tensor): void {
    for (const scope of this.scopes) scope.delete(t);
  }
}

const KEY = Symbol.for('tensile.engine');
const holder = globalThis as unknown as { [KEY]?: Engine };

export function engine(): Engine {
  return (holder[KEY] ??= new Engine());
}

/**
 * Sets the backend every new tensor uses. Backends are injected, never
 * imported by core: pass a backend (or the promise a factory returns), or the
 * name of one registered under kind 'backend' (each backend package exports a
 * register function: registerCpu, registerWasm, registerWebGPU). The object
 * is checked here, naming any kernel it lacks, before a tensor uses it.
 *
 * @example
 * import { cpu, registerCpu } from '@tensile/backend-cpu';
 * await setBackend(cpu());
 * // or, by name (config files, plugins):
 * registerCpu();
 * await setBackend('cpu');
 */
export async function setBackend(backend: Backend | Promise<Backend> | string): Promise<Backend> {
  const b = await resolveBackend('setBackend', backend);
  engine().backend = b;
  return b;
}

/** A backend from a name (through the registry), an object or a promise, checked against the contract; `op` names the caller in errors. */
export async function resolveBackend(op: string, given: Backend | Promise<Backend> | string): Promise<Backend> {
  if (typeof given === 'string') {
    if (!registry.has('backend', given)) {
      const known = registry.list('backend');
      throw new ArgumentError(
        `${op}: no backend named '${given}' is registered (registered: ${known.length ? known.join(', ') : 'none'}); ` +
          `register one first, e.g. registerCpu() from @tensile/backend-cpu, or pass the backend object`,
      );
    }
    given = registry.get('backend', given)();
  }
  const b: unknown = await given;
  checkBackend(op, b);
  return b;
}

export function getBackend(): Backend {
  return engine().getBackend();
}

/** Runs fn with another backend, restoring the previous one afterwards (also on error). */
export async function withBackend<T>(backend: Backend | Promise<Backend> | string, fn: () => T | Promise<T>): Promise<T> {
  const e = engine();
  const previous = e.backend;
  e.backend = await resolveBackend('withBackend', backend);
  try {
    return await fn();
  } finally {
    e.backend = previous;
  }
}

export interface MemoryInfo {
  /** Tensors alive (not disposed, or still held by an autograd graph). */
  tensors: number;
  /** What the current backend reports. */
  backend: BackendMemory;
}

/** Live tensors and the backend's memory: a training loop keeps both flat. */
export function memory(): MemoryInfo {
  const e = engine();
  return { tensors: e.liveTensors, backend: e.getBackend().memory() };
}

/** Observes every op as it is issued (forward and backward); returns an unsubscribe function. */
export function onOp(observer: OpObserver): () => void {
  const e = engine();
  e.observers.add(observer);
  return () => e.observers.delete(observer);
}

/** Runs fn with `name` pushed on the module stack (layers call this around forward). */
export function withModuleName<T>(name: string, fn: () => T): T {
  const stack = engine().moduleStack;
  stack.push(name);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}

/** The module path being run, e.g. `model.3 (Linear)`, or '' outside any module. */
export function currentModulePath(): string {
  const stack = engine().moduleStack;
  return stack.length ? stack[stack.length - 1] : '';
}
