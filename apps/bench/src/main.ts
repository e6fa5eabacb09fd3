/**
 * Tensile's benchmarks against TensorFlow.js (cpu, wasm) and PyTorch (cpu),
 * all measured in this run on this machine, so the ratios mean something.
 *
 *   pnpm bench [--cases sgemm,mlp,lenet] [--backends cpu,wasm,webgpu] [--quick] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs, type Options, type Peer } from './args.js';
import { FULL, QUICK } from './measure.js';
import { loadMnistTrain } from './mnist.js';
import { nativePeak, wasmSimdPeak } from './peak.js';
import { runTfjs } from './peers/tfjs.js';
import { runTorch } from './peers/torch.js';
import { runOurs } from './ours/run.js';
import { variants } from './ours/backends.js';
import { SGEMM_SIZES, type Row } from './results.js';
import { formatTable } from './table.js';

async function main(opts: Options): Promise<void> {
  const m = opts.quick ? QUICK : FULL;
  const sizes = opts.quick ? [256] : SGEMM_SIZES;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const needsData = opts.cases.includes('mlp') || opts.cases.includes('lenet');
  const data = needsData ? loadMnistTrain(opts.quick ? 2048 : 16384) : null;
  const has = (p: Peer) => opts.peers.includes(p);

  const started = Date.now();
  log(`peak: measuring (native FMA loop, wasm SIMD loop)...`);
  const peaks = { native: nativePeak(opts.quick), wasmSimd: wasmSimdPeak(opts.quick) };
  const rows: Row[] = [];
  const env: Record<string, string> = {
    node: process.version, cpu: `${cpus()[0]?.model ?? '?'} × ${cpus().length}`, loadavg: '',
  };
  for (const v of variants(opts.backends)) {
    log(`ours: ${v.label}...`);
    const r = await runOurs(v, opts.cases, data, m, sizes);
    rows.push(...r.rows);
    if (r.note) env[v.label] = r.note;
  }
  for (const be of ['cpu', 'wasm'] as const) {
    if (!has(`tfjs-${be}`)) continue;
    log(`tfjs-${be}...`);
    rows.push(...(await runTfjs(be, opts.cases, data, m, sizes, opts.quick ? 2 : 16)));
  }
  if (has('torch')) {
    log('torch...');
    const r = await runTorch(opts.cases, sizes, data?.dir ?? (await import('./mnist.js')).mnistDir(), m);
    rows.push(...r.rows);
    env.torch = r.version ?? 'unavailable';
  }
  env.loadavg = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
  // Same order for every case: ours first, then the peers.
  const order = ['ours', 'tfjs-cpu', 'tfjs-wasm', 'torch'];
  const caseOrder = ['sgemm', 'mlp', 'lenet'];
  rows.sort((a, b) => caseOrder.indexOf(a.case) - caseOrder.indexOf(b.case) ||
    Number(a.size.replace(/\D/g, '')) - Number(b.size.replace(/\D/g, '')) || order.indexOf(a.group) - order.indexOf(b.group));

  console.log(`Tensile bench${opts.quick ? ' (--quick: few iterations, smoke test only)' : ''}: ` +
    `${data ? `real MNIST (${data.count} training images), ` : ''}f32, one process, peers measured in the same run`);
  console.log(Object.entries(env).map(([k, v]) => `  ${k}: ${v}`).join('\n'));
  console.log(formatTable(rows, peaks));
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
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
