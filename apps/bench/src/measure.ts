/**
 * Timing that survives a busy machine: warm up, then run several chunks of
 * iterations and keep the fastest chunk's time per iteration. Noise from
 * other processes only ever makes a chunk slower, so the minimum is the
 * closest estimate of what the code itself costs.
 */

export interface MeasureOptions {
  /** Untimed iterations first (JIT, caches, kernel setup, lazy allocations). */
  warmup: number;
  /** Number of timed chunks; the best one is reported. */
  chunks: number;
  /** Each chunk runs at least this many iterations... */
  minIters: number;
  /** ...and at least this long (ms). */
  minChunkMs: number;
}

export interface Measurement {
  /** Seconds per iteration, best chunk. */
  secondsPerIter: number;
  /** Iterations timed in all chunks together. */
  iters: number;
  chunks: number;
}

export const FULL: MeasureOptions = { warmup: 3, chunks: 5, minIters: 3, minChunkMs: 400 };
export const QUICK: MeasureOptions = { warmup: 1, chunks: 2, minIters: 1, minChunkMs: 20 };

/** A step slower than this is warm after one run, and is timed in fewer chunks so the bench ends. */
const SLOW_STEP_MS = 1000;

/** Times `step` (which must finish its work, including any device sync, before resolving). */
export async function measure(step: () => unknown, opts: MeasureOptions): Promise<Measurement> {
  const first = performance.now();
  await step();
  if (performance.now() - first > SLOW_STEP_MS) {
    opts = { ...opts, warmup: 1, chunks: Math.min(opts.chunks, 2), minIters: 1, minChunkMs: 0 };
  }
  for (let i = 1; i < opts.warmup; i++) await step();
  let best = Infinity;
  let iters = 0;
  for (let c = 0; c < opts.chunks; c++) {
    const start = performance.now();
    let n = 0;
    let elapsed = 0;
    while (n < opts.minIters || elapsed < opts.minChunkMs) {
      await step();
      n++;
      elapsed = performance.now() - start;
    }
    iters += n;
    best = Math.min(best, elapsed / 1000 / n);
  }
  return { secondsPerIter: best, iters, chunks: opts.chunks };
}
