/**
 * The machine's measured single-thread f32 peak, two ways, so GFLOP/s figures
 * have something to be a fraction of:
 * - native: a C loop of independent vector FMAs compiled with -march=native
 *   (what BLAS can reach; needs a C compiler at bench time). The accumulators
 *   and the two constants must fit in the vector registers (16 with AVX2, 32
 *   with AVX-512): an earlier version kept 16 AVX2 accumulators plus two
 *   constants, spilled to memory every iteration and measured a fraction of
 *   the peak (torch.mm reached 120% of it). The practical limit, OpenBLAS's
 *   sgemm called from C, is measured beside it by the openblas peer;
 * - wasm SIMD: a hand-assembled WebAssembly loop of independent f32x4 mul+add
 *   (baseline wasm SIMD has no FMA), the ceiling for any wasm kernel here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Peak {
  gflops: number | null;
  how: string;
}

const NATIVE_C = `
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
/* accumulators + the two constants in registers: 32 vector registers with AVX-512, 16 otherwise */
#if defined(__AVX512F__)
#define LANES 16
#define NACC 24
#elif defined(__AVX__)
#define LANES 8
#define NACC 12
#else
#define LANES 4
#define NACC 12
#endif
typedef float vf __attribute__((vector_size(LANES * 4)));
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
  long iters = atol(argv[1]);
  float seed = (float)argc * 1e-7f; /* runtime values so nothing folds */
  vf acc[NACC], m, c;
  for (int l = 0; l < LANES; l++) { m[l] = 0.9999f + seed; c[l] = 0.5f + seed; }
  for (int k = 0; k < NACC; k++) acc[k] = c * (float)k;
  double best = 1e30;
  for (int rep = 0; rep < 5; rep++) {
    double t0 = now();
    for (long i = 0; i < iters; i++)
      for (int k = 0; k < NACC; k++) acc[k] = acc[k] * m + c;
    double dt = now() - t0;
    if (dt < best) best = dt;
  }
  float sink = 0;
  for (int k = 0; k < NACC; k++) for (int l = 0; l < LANES; l++) sink += acc[k][l];
  printf("%f %d %d %f\\n", 2.0 * NACC * LANES * iters / best / 1e9, LANES, NACC, sink);
  return 0;
}
`;

/** Native FMA peak of one core, or null with the reason. */
export function nativePeak(quick: boolean): Peak {
  const dir = mkdtempSync(join(tmpdir(), 'tensile-peak-'));
  try {
    writeFileSync(join(dir, 'peak.c'), NATIVE_C);
    execFileSync('cc', ['-O3', '-march=native', '-ffp-contract=fast', '-o', join(dir, 'peak'), join(dir, 'peak.c')], { stdio: 'pipe' });
    const out = execFileSync(join(dir, 'peak'), [quick ? '2000000' : '20000000'], { encoding: 'utf8' })
      .trim()
      .split(' ');
    return {
      gflops: Number(out[0]),
      how: `C loop of ${out[2]} independent ${Number(out[1]) * 32}-bit FMA vectors held in registers, cc -O3 -march=native, best of 5`,
    };
  } catch (e) {
    return { gflops: null, how: `not measured: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Unsigned LEB128, as wasm encodes counts, sizes and SIMD opcodes. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const f32const = (v: number): number[] => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
const simd = (op: number): number[] => [0xfd, ...leb(op)];
const F32X4_SPLAT = 0x13;
const F32X4_EXTRACT_LANE = 0x1f;
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;

/**
 * A module exporting run(n: i32): f32 that does n iterations of
 * acc_k = acc_k * m + c for `nacc` independent f32x4 accumulators.
 * Locals: 0 = n, 1..nacc = accumulators, nacc+1 = m, nacc+2 = c.
 */
function peakModule(nacc: number): Uint8Array<ArrayBuffer> {
  const m = nacc + 1;
  const c = nacc + 2;
  const code: number[] = [
    ...f32const(0.9999),
    ...simd(F32X4_SPLAT),
    0x21,
    m,
    ...f32const(0.5),
    ...simd(F32X4_SPLAT),
    0x21,
    c,
    0x03,
    0x40, // loop
  ];
  for (let k = 1; k <= nacc; k++) {
    code.push(0x20, k, 0x20, m, ...simd(F32X4_MUL), 0x20, c, ...simd(F32X4_ADD), 0x21, k);
  }
  code.push(0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b); // n = n - 1; br_if loop; end
  code.push(0x20, 1);
  for (let k = 2; k <= nacc; k++) code.push(0x20, k, ...simd(F32X4_ADD));
  code.push(...simd(F32X4_EXTRACT_LANE), 0, 0x0b);
  const body = [1, ...leb(nacc + 2), 0x7b, ...code]; // one local group: nacc + 2 v128
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]),
    ...section(3, [1, 0]),
    ...section(7, [1, 3, 0x72, 0x75, 0x6e, 0x00, 0]), // export "run" = func 0
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

/** Peak of f32x4 mul+add in wasm on one thread (the best over a few accumulator counts). */
export function wasmSimdPeak(quick: boolean): Peak {
  const iters = quick ? 1_000_000 : 10_000_000;
  let best = 0;
  let bestAcc = 0;
  for (const nacc of [8, 10, 12]) {
    const run = new WebAssembly.Instance(new WebAssembly.Module(peakModule(nacc))).exports.run as (n: number) => number;
    run(1000);
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      run(iters);
      const gflops = (iters * nacc * 4 * 2) / ((performance.now() - t0) / 1000) / 1e9;
      if (gflops > best) [best, bestAcc] = [gflops, nacc];
    }
  }
  return { gflops: best, how: `wasm loop of ${bestAcc} independent f32x4 mul+add (no FMA in wasm SIMD), best of 3` };
}
