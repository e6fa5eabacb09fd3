/**
 * PyTorch CPU peer: spawns Debian's /usr/bin/python3 (python3-torch) on
 * torch_bench.py. A missing interpreter or torch becomes rows that say so,
 * never a failed bench.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MeasureOptions } from '../measure.js';
import { LENET_BATCH, LR, MLP_BATCH, type CaseName, type Row } from '../results.js';

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

function missingRows(cases: CaseName[], sizes: number[], why: string): Row[] {
  const rows: Row[] = [];
  const row = (c: CaseName, size: string, unit: Row['unit']): Row =>
    ({ case: c, size, group: 'torch', impl: 'torch', value: null, unit, how: why });
  if (cases.includes('sgemm')) for (const n of sizes) rows.push(row('sgemm', `n=${n}`, 'GFLOP/s'));
  if (cases.includes('mlp')) rows.push(row('mlp', `batch ${MLP_BATCH}`, 'samples/s'));
  if (cases.includes('lenet')) rows.push(row('lenet', `batch ${LENET_BATCH}`, 'samples/s'));
  return rows;
}

function pythonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  if (existsSync(`${OPENBLAS_DIR}/libblas.so.3`)) {
    env.LD_LIBRARY_PATH = [OPENBLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  return env;
}

function runPython(input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env: pythonEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs the PyTorch cases; returns its rows and the torch version (null when unavailable). */
export async function runTorch(
  cases: CaseName[], sizes: number[], mnistDir: string, m: MeasureOptions,
): Promise<{ rows: Row[]; version: string | null }> {
  if (!existsSync(PYTHON)) return { rows: missingRows(cases, sizes, `not run: ${PYTHON} not found`), version: null };
  const res = await runPython(JSON.stringify({ cases, sizes, mnistDir, measure: m, lr: LR }));
  if (res.code !== 0) {
    const why = /No module named 'torch'/.test(res.stderr)
      ? `not run: python3-torch is not installed for ${PYTHON} (apt-get install python3-torch)`
      : `failed: ${res.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${res.code}`}`;
    return { rows: missingRows(cases, sizes, why), version: null };
  }
  const out = JSON.parse(res.stdout) as { torch: string; blas: string; rows: Row[] };
  return { rows: out.rows, version: `${out.torch} (BLAS: ${out.blas})` };
}
