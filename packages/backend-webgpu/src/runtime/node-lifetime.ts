/**
 * Lets a Node process end by itself while a WebGPU device from Dawn (the
 * `webgpu` npm package) is alive.
 *
 * Dawn's Node binding delivers GPU events (buffer mappings, device loss) by
 * calling `wgpuInstanceProcessEvents` from a callback it re-schedules with the
 * global `setImmediate` for as long as any task is waiting, and a live device
 * always counts as one. So the event loop never empties: a script that
 * trained on the webgpu backend ran its last line and then spun forever.
 * Ending such a process with `process.exit()` while the device lives crashed
 * in Dawn's teardown instead (SIGSEGV/SIGABRT).
 *
 * Two measures, active only in Node and only while a runtime is tracked:
 * - Dawn's polling immediates are unref'd while no read is in flight: they
 *   still run whenever the loop turns for anything else, but they no longer
 *   keep it alive on their own. A read refs them until it resolves, so an
 *   `await x.data()` is never cut short.
 * - On 'exit' every tracked runtime is disposed (its device destroyed)
 *   before Dawn tears down.
 *
 * Only the backend's reads (`mapAsync`) need the polling to finish: adapter
 * and device requests resolved within the call here (webgpu 0.4.0). Code
 * that awaits Dawn itself on the backend's device (its own `mapAsync`,
 * `onSubmittedWorkDone`) must keep the loop alive by other means.
 *
 * Dawn's callbacks are recognised as what the binding passes: an anonymous
 * native function of length 0 with a prototype (`Napi::Function::New`). JS
 * callbacks, bound functions, promise resolvers and named built-ins are left
 * alone.
 */

interface NodeImmediate {
  ref(): unknown;
  unref(): unknown;
}

type SetImmediate = (callback: (...args: unknown[]) => void, ...args: unknown[]) => NodeImmediate;

interface NodeProcessLike {
  on(event: 'exit', listener: () => void): unknown;
  off(event: 'exit', listener: () => void): unknown;
}

/** A runtime that can release its device. */
export interface Disposable {
  dispose(): void;
}

const tracked = new Set<Disposable>();
/** Dawn immediates scheduled and not yet run. */
const pending = new Set<NodeImmediate>();
let readsInFlight = 0;
let original: SetImmediate | null = null;
let wrapper: SetImmediate | null = null;

function nodeProcess(): NodeProcessLike | null {
  const p = (globalThis as { process?: Partial<NodeProcessLike> & { versions?: { node?: string } } }).process;
  return p?.versions?.node && typeof p.on === 'function' && typeof p.off === 'function' ? (p as NodeProcessLike) : null;
}

function isDawnCallback(fn: unknown): boolean {
  // Napi::Function::New gives an anonymous native function of length 0 that has a
  // `prototype`; a promise's resolve function (`new Promise((r) => setImmediate(r))`)
  // is anonymous and native too, but has length 1 and no prototype.
  return (
    typeof fn === 'function' &&
    fn.name === '' &&
    fn.length === 0 &&
    Object.hasOwn(fn, 'prototype') &&
    /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(fn))
  );
}

function onExit(): void {
  for (const rt of [...tracked]) {
    try {
      rt.dispose();
    } catch {
      // The process is ending: nothing useful to do with a failure here.
    }
  }
}

function install(): void {
  const proc = nodeProcess();
  const g = globalThis as { setImmediate?: SetImmediate };
  if (!proc || typeof g.setImmediate !== 'function' || wrapper) return;
  const base = g.setImmediate;
  original = base;
  wrapper = function (this: unknown, callback, ...args) {
    if (!isDawnCallback(callback)) return base.call(this, callback, ...args);
    const handle: NodeImmediate = base.call(
      this,
      (...a: unknown[]) => {
        pending.delete(handle);
        callback(...a);
      },
      ...args,
    );
    pending.add(handle);
    if (readsInFlight === 0) handle.unref();
    return handle;
  };
  g.setImmediate = wrapper;
  proc.on('exit', onExit);
}

function uninstall(): void {
  const g = globalThis as { setImmediate?: SetImmediate };
  // Only restore when nobody wrapped setImmediate after us.
  if (wrapper && g.setImmediate === wrapper && original) g.setImmediate = original;
  nodeProcess()?.off('exit', onExit);
  for (const handle of pending) handle.ref();
  pending.clear();
  wrapper = null;
  original = null;
}

/** Starts lifetime handling for a runtime (a no-op outside Node); returns the function that stops it. */
export function trackRuntime(rt: Disposable): () => void {
  if (!nodeProcess()) return () => {};
  tracked.add(rt);
  install();
  return () => {
    tracked.delete(rt);
    if (tracked.size === 0) uninstall();
  };
}

/** Marks a read as in flight (Dawn must keep polling until it resolves); returns the function that ends it. */
export function beginRead(): () => void {
  if (readsInFlight++ === 0) for (const handle of pending) handle.ref();
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (--readsInFlight === 0) for (const handle of pending) handle.unref();
  };
}
