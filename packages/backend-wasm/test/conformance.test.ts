import { describeBackend } from '@tensile/backend-conformance';
import { wasm } from '@tensile/backend-wasm';

// The shared suite every backend passes, through core, on one thread and on
// two (the threaded build with shared memory and a worker).
const single = await wasm({ threads: 1 });
describeBackend('wasm (1 thread)', () => single, { teardown: (b) => b.dispose?.() });
const threaded = await wasm({ threads: 2 });
describeBackend('wasm (2 threads)', () => threaded, { teardown: (b) => b.dispose?.() });
