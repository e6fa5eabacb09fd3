/**
 * PyTorch CPU peer: Debian's /usr/bin/python3 (python3-torch) running
 * torch_bench.py for the whole bench, one JSON request and reply per line.
 * A missing interpreter or torch makes rows that say so, never a failed bench.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { MeasureOptions } from '../measure.js';
import { LR, type Contender, type Row } from '../results.js';
import { STARTING_ENV } from './env.js';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_bench.py', import.meta.url));
/**
 * Debian's torch 1.13 is built with BLAS_INFO=generic: it calls whatever
 * libblas.so.3 the system selects, by default Netlib's reference BLAS (about
 * 6 GFLOP/s here). To measure PyTorch at its best without changing the
 * system-wide alternative, point its loader at OpenBLAS when
 * libopenblas0-pthread is installed.
 */
const OPENBLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-pthread';

/** OpenBLAS reads its thread count at load: each thread count gets its own python process. */
function pythonEnv(threads: number): NodeJS.ProcessEnv {
  // Idle threads sleep, as our native backend's do (a user's own settings win): with libgomp's and OpenBLAS's
  // default spinning, PyTorch's two pools took each other's cores (MLP on 2 threads: 38k samples/s, 86k sleeping).
  const env: NodeJS.ProcessEnv = {
    OMP_WAIT_POLICY: 'PASSIVE',
    OPENBLAS_THREAD_TIMEOUT: '4',
    ...STARTING_ENV,
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
  };
  if (existsSync(`${OPENBLAS_DIR}/libblas.so.3`)) {
    env.LD_LIBRARY_PATH = [OPENBLAS_DIR, STARTING_ENV.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  return env;
}

/** A request/reply channel over the child's stdin/stdout lines. */
class PythonChannel {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string | null) => void)[] = [];
  private stderr = '';

  constructor(threads: number) {
    this.child = spawn(PYTHON, [SCRIPT], { env: pythonEnv(threads) });
    this.child.stderr.on('data', (d) => (this.stderr += d));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    this.child.on('close', () => this.waiting.splice(0).forEach((w) => w(null)));
    this.child.on('error', () => this.waiting.splice(0).forEach((w) => w(null)));
  }

  request(msg: object): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        if (line !== null) return resolve(JSON.parse(line) as Record<string, unknown>);
        const why = /No module named 'torch'/.test(this.stderr)
          ? `python3-torch is not installed for ${PYTHON} (apt-get install python3-torch)`
          : (this.stderr.trim().split('\n').pop() ?? 'the python process exited');
        reject(new Error(why));
      });
      this.child.stdin.write(`${JSON.stringify(msg)}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** PyTorch on `threads` threads (torch.set_num_threads, and OpenBLAS's count). */
export function torchContender(mnistDir: string, m: MeasureOptions, threads: number): Contender {
  let channel: PythonChannel | null = null;
  const label = threads === 1 ? 'torch' : `torch ${threads} threads`;
  return {
    group: 'torch',
    label,
    start: async () => {
      if (!existsSync(PYTHON)) throw new Error(`not run: ${PYTHON} not found (Debian's python3 with python3-torch)`);
      channel = new PythonChannel(threads);
      try {
        const info = await channel.request({ op: 'init', measure: m, lr: LR, mnistDir, threads });
        return `${info.torch} on ${threads === 1 ? 'one thread' : `${threads} threads`} (BLAS: ${info.blas})`;
      } catch (e) {
        throw new Error(`not run: ${(e as Error).message}`);
      }
    },
    run: async (job) => {
      const reply = await channel!.request({ op: 'job', case: job.case, n: job.n });
      if (typeof reply.error === 'string') throw new Error(reply.error);
      return reply.rows as Row[];
    },
    stop: async () => channel?.close(),
  };
}
