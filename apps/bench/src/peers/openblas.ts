/**
 * OpenBLAS peer: cblas_sgemm called from a small C program (openblas_sgemm.c,
 * compiled at bench start with the system compiler against the system's
 * default libopenblas: Debian's pthread build, where the native backend links
 * the OpenMP build when installed; the two ran 128…2048 GEMMs at the same
 * speed here), the practical sgemm limit.
 * sgemm only; a missing compiler or library becomes rows that say so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MeasureOptions } from '../measure.js';
import type { Contender } from '../results.js';
import { STARTING_ENV } from './env.js';

const SOURCE = fileURLToPath(new URL('./openblas_sgemm.c', import.meta.url));

/** OpenBLAS sgemm on `threads` threads; the program is built once and shared by every thread count. */
export function openblasContender(m: MeasureOptions, threads: number, program: () => string): Contender {
  const label = `OpenBLAS sgemm from C, ${threads === 1 ? '1 thread' : `${threads} threads`}`;
  return {
    group: 'openblas',
    label,
    start: async () => {
      program();
      return '';
    },
    run: async (job) => {
      if (job.case !== 'sgemm') return [];
      const args = [job.n, threads, m.warmup, m.chunks, m.minIters, m.minChunkMs].map(String);
      const [gflops, iters] = execFileSync(program(), args, { encoding: 'utf8', env: STARTING_ENV }).trim().split(' ');
      return [
        {
          case: 'sgemm',
          size: job.size,
          group: 'openblas',
          threads,
          impl: label,
          value: Number(gflops),
          unit: 'GFLOP/s',
          how: `cblas_sgemm row-major in C (cc -O2 -lopenblas), ${threads} thread(s), best of ${m.chunks} chunks (${iters} iters)`,
        },
      ];
    },
    stop: async () => {},
  };
}

/** Compiles openblas_sgemm.c once (lazily); throws 'not run: …' without a compiler or OpenBLAS. */
export function openblasProgram(): () => string {
  let built: string | null = null;
  let dir: string | null = null;
  process.on('exit', () => dir && rmSync(dir, { recursive: true, force: true }));
  return () => {
    if (built) return built;
    dir = mkdtempSync(join(tmpdir(), 'tensile-openblas-'));
    const out = join(dir, 'openblas_sgemm');
    try {
      execFileSync('cc', ['-O2', '-o', out, SOURCE, '-lopenblas'], { stdio: 'pipe' });
    } catch (e) {
      throw new Error(`not run: could not build ${SOURCE} (a C compiler and libopenblas-dev): ${(e as Error).message.split('\n')[0]}`);
    }
    built = out;
    return out;
  };
}
