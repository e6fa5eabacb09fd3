/**
 * Lets the event loop run (timers, I/O, signal handlers, abort listeners).
 * A resolved promise is not enough: on the cpu and wasm backends a whole
 * epoch can run in microtasks, and only a macrotask lets timers in.
 * setImmediate in Node; a MessageChannel message in browsers (setTimeout(0)
 * is clamped to 4 ms once nested).
 */
export function macrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Yields to the event loop once at least `everyMs` of work has run since the
 * last yield: often enough that a timer or Ctrl-C is handled within a batch
 * or so, rarely enough to cost nothing measurable.
 */
export class Yielder {
  private last = performance.now();
  constructor(private readonly everyMs: number) {}

  async maybe(): Promise<void> {
    if (performance.now() - this.last < this.everyMs) return;
    await macrotask();
    this.last = performance.now();
  }
}
