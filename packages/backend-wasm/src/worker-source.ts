import { mathImportsSource } from './op-codes.js';

/**
 * The worker program, as source text so that it runs unchanged as a Node
 * worker_threads worker (`eval: true`) and as a browser Web Worker (from a
 * Blob URL), with no bundler involvement.
 *
 * Protocol (Int32 control words in shared memory; indices in pool.ts, CTRL):
 * the main thread writes task/args/nthreads, then bumps the generation and
 * notifies. A worker runs a job only when the generation differs from the
 * last one it ran (a spurious or duplicated wake-up finds the same value and
 * waits again), and reports completion by storing that generation into its
 * own slot: a slot can only ever hold "done with job g", so no wake-up
 * pattern can over- or under-count. The shared wake word only tells the main
 * thread to look at the slots.
 */
export const WORKER_SOURCE = `
'use strict';
const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node);
const port = isNode ? require('node:worker_threads').parentPort : self;
function start(msg) {
  const { module, memory, tid, stackTop, ctrlPtr, ctrlWords, slots, tasks } = msg;
  const GEN = 0, TASK = 1, ARGS = 2, NT = 3, WAKE = 4, SHUTDOWN = 5, ERROR = 6, HOLD = 7;
  const w = tid - 1;
  const imports = { env: { memory, ${mathImportsSource()} } };
  const exports = new WebAssembly.Instance(module, imports).exports;
  exports.__stack_pointer.value = stackTop;
  const fns = tasks.map((name) => exports[name]);
  const ctrl = new Int32Array(memory.buffer, ctrlPtr, ctrlWords);
  // Read the generation before reporting ready: the main thread may post
  // the first job as soon as it hears from us.
  let seen = Atomics.load(ctrl, GEN);
  port.postMessage('ready');
  for (;;) {
    let gen = Atomics.load(ctrl, GEN);
    while (gen === seen) {
      Atomics.wait(ctrl, GEN, seen);
      gen = Atomics.load(ctrl, GEN);
    }
    seen = gen;
    if (Atomics.load(ctrl, SHUTDOWN)) return;
    // Test hook: a set bit holds this worker, as a stuck thread would.
    for (let h = Atomics.load(ctrl, HOLD); h & (1 << tid); h = Atomics.load(ctrl, HOLD)) Atomics.wait(ctrl, HOLD, h);
    Atomics.store(ctrl, slots.started + w, gen);
    const nt = Atomics.load(ctrl, NT);
    if (tid < nt) {
      // ERROR = tid * 256 + the kernel's status (255: it threw).
      let status;
      try {
        status = fns[Atomics.load(ctrl, TASK)](Atomics.load(ctrl, ARGS), tid, nt);
      } catch (e) {
        status = 255;
      }
      if (status !== 0) Atomics.store(ctrl, ERROR, tid * 256 + (status & 255));
    }
    Atomics.add(ctrl, slots.runs + w, 1);
    Atomics.store(ctrl, slots.done + w, gen);
    Atomics.add(ctrl, WAKE, 1);
    Atomics.notify(ctrl, WAKE);
  }
}
if (isNode) port.once('message', start);
else self.onmessage = (e) => { self.onmessage = null; start(e.data); };
`;
