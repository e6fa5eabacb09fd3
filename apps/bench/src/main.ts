/**
 * Tensile's benchmarks against TensorFlow.js (cpu, wasm), PyTorch (cpu) and OpenBLAS's sgemm from C,
 * all measured in this run on this machine, so the ratios mean something.
 *
 *   pnpm bench [--cases sgemm,mlp,lenet] [--backends cpu,wasm,native,webgpu] [--quick] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs, type Options, type Peer } from './args.js';
import { FULL, QUICK } from './measure.js';
import { loadMnistTrain, mnistDir } from './mnist.js';
import { nativePeak, wasmSimdPeak } from './peak.js';
import { tfjsContender } from './peers/tfjs.js';
import { openblasContender, openblasProgram } from './peers/openblas.js';
import { torchContender } from './peers/torch.js';
import { ourContender } from './ours/run.js';
import { ALL_CORES, variants } from './ours/backends.js';
import { jobsFor, SGEMM_SIZES, type Contender, type Job, type Row } from './results.js';
import { formatTable } from './table.js';

async function main(opts: Options): Promise<void> {
  const m = opts.quick ? QUICK : FULL;
  const sizes = opts.quick ? [256] : SGEMM_SIZES;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const needsData = opts.cases.includes('mlp') || opts.cases.includes('lenet');
  const data = needsData ? loadMnistTrain(opts.quick ? 2048 : 16384) : null;
  const has = (p: Peer) => opts.peers.includes(p);

  const t0 = Date.now();
  log(`peak: measuring (native FMA loop, wasm SIMD loop)...`);
  const peaks = { native: nativePeak(opts.quick), wasmSimd: wasmSimdPeak(opts.quick) };
  const rows: Row[] = [];
  const env: Record<string, string> = {
    node: process.version,
    cpu: `${cpus()[0]?.model ?? '?'} × ${cpus().length}`,
    'tfjs-node': 'not measured: it cannot be installed here (its install script downloads libtensorflow; no network)',
    'load average at start (1 5 15 min)': loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
  // Peers run on one thread and on every core, as our native backend does.
  const threadCounts = ALL_CORES > 1 ? [1, ALL_CORES] : [1];
  const blas = openblasProgram();
  const contenders: Contender[] = [
    ...variants(opts.backends).map((v) => ourContender(v, data, m)),
    ...(['cpu', 'wasm'] as const).filter((be) => has(`tfjs-${be}`)).map((be) => tfjsContender(be, data, m, opts.quick ? 2 : 16)),
    ...(has('torch') ? threadCounts.map((n) => torchContender(mnistDir(), m, n)) : []),
    ...(has('openblas') && opts.cases.includes('sgemm') ? threadCounts.map((n) => openblasContender(m, n, blas)) : []),
  ];
  const failed = (c: Contender, job: Job, why: string): Row => ({
    case: job.case,
    size: job.size,
    group: c.group,
    impl: c.label,
    value: null,
    unit: job.unit,
    how: why,
  });
  const jobs = jobsFor(opts.cases, sizes);
  const started: Contender[] = [];
  for (const c of contenders) {
    try {
      const note = await c.start();
      if (note) env[c.label] = note;
      started.push(c);
    } catch (e) {
      const why = (e as Error).message.split('\n')[0]!;
      rows.push(...jobs.map((job) => failed(c, job, why.startsWith('not run') ? why : `not run: ${why}`)));
    }
  }
  // Job by job, every contender back to back: load from other processes then hits all sides of a ratio alike.
  for (const job of jobs) {
    for (const c of started) {
      log(`${job.case} ${job.size}: ${c.label}...`);
      try {
        rows.push(...(await c.run(job)));
      } catch (e) {
        rows.push(failed(c, job, `failed: ${(e as Error).message.split('\n')[0]}`));
      }
    }
  }
  for (const c of started) await c.stop();
  env['load average at end'] = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  // Same order for every case: ours first, then the peers.
  const order = ['ours', 'tfjs-cpu', 'tfjs-wasm', 'torch', 'openblas'];
  const caseOrder = ['sgemm', 'mlp', 'lenet'];
  rows.sort(
    (a, b) =>
      caseOrder.indexOf(a.case) - caseOrder.indexOf(b.case) ||
      Number(a.size.replace(/\D/g, '')) - Number(b.size.replace(/\D/g, '')) ||
      order.indexOf(a.group) - order.indexOf(b.group),
  );

  console.log(
    `Tensile bench${opts.quick ? ' (--quick: few iterations, smoke test only)' : ''}: ` +
      `${data ? `real MNIST (${data.count} training images), ` : ''}f32, one process, peers measured in the same run`,
  );
  console.log(
    Object.entries(env)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n'),
  );
  console.log(formatTable(rows, peaks));
  console.log(`\n(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify({ env, peaks, options: opts, rows }, null, 2)}\n`);
    log(`wrote ${opts.json}`);
  }
}

let opts: Options;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
await main(opts);
// tfjs-wasm and Dawn can hold handles that keep Node alive after the work is done.
process.exit(0);
