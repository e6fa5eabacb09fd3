/**
 * The worker program, as source text so that it runs unchanged as a Node
 * worker_threads worker (`eval: true`) and as a browser Web Worker (from a
 * Blob URL), with no bundler involvement.
 *
 * Protocol (control words in shared memory, Int32 indices):
 *   0 generation (bumped by the main thread to post a job), 1 task index,
 *   2 args pointer, 3 thread count, 4 workers still running, 5 shutdown,
 *   6 error flag.
 * The worker instantiates the shared-memory module once, sets its own stack
 * pointer, reports ready, then blocks in Atomics.wait between jobs.
 */
export const WORKER_SOURCE = `
'use strict';
const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node);
const port = isNode ? require('node:worker_threads').parentPort : self;
function start(msg) {
  const { module, memory, tid, stackTop, ctrlPtr, tasks } = msg;
  const imports = { env: {
    memory, exp: Math.exp, log: Math.log, log1p: Math.log1p, expm1: Math.expm1,
    sin: Math.sin, cos: Math.cos, tanh: Math.tanh, pow: Math.pow, fmod: (a, b) => a % b,
  } };
  const exports = new WebAssembly.Instance(module, imports).exports;
  exports.__stack_pointer.value = stackTop;
  const fns = tasks.map((name) => exports[name]);
  const ctrl = new Int32Array(memory.buffer, ctrlPtr, 8);
  // Read the generation before reporting ready: the main thread may post
  // the first job as soon as it hears from us.
  let gen = Atomics.load(ctrl, 0);
  port.postMessage('ready');
  for (;;) {
    Atomics.wait(ctrl, 0, gen);
    gen = Atomics.load(ctrl, 0);
    if (Atomics.load(ctrl, 5)) return;
    const nt = ctrl[3];
    if (tid < nt) {
      try { fns[ctrl[1]](ctrl[2], tid, nt); } catch (e) { Atomics.store(ctrl, 6, 1); }
    }
    if (Atomics.sub(ctrl, 4, 1) === 1) Atomics.notify(ctrl, 4);
  }
}
if (isNode) port.once('message', start);
else self.onmessage = (e) => { self.onmessage = null; start(e.data); };
`;
