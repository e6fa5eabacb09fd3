import * as t from '@tensile/core';
import type { MeasureOptions } from '../measure.js';
import type { Mnist } from '../mnist.js';
import { LENET_BATCH, MLP_BATCH, type CaseName, type Row } from '../results.js';
import { createBackend, type OurVariant } from './backends.js';
import { oursSgemm, oursTrain } from './cases.js';

/** Every requested case on one of our backends; what cannot run becomes a row saying why. */
export async function runOurs(
  v: OurVariant, cases: CaseName[], data: Mnist | null, m: MeasureOptions, sizes: number[],
): Promise<{ rows: Row[]; note: string }> {
  const planned: { c: CaseName; size: string; unit: Row['unit']; fn: () => Promise<Row> }[] = [];
  if (cases.includes('sgemm')) {
    for (const n of sizes) planned.push({ c: 'sgemm', size: `n=${n}`, unit: 'GFLOP/s', fn: () => oursSgemm(v, n, m) });
  }
  if (data && cases.includes('mlp')) {
    planned.push({ c: 'mlp', size: `batch ${MLP_BATCH}`, unit: 'samples/s', fn: () => oursTrain(v, 'mlp', data, m) });
  }
  if (data && cases.includes('lenet')) {
    planned.push({ c: 'lenet', size: `batch ${LENET_BATCH}`, unit: 'samples/s', fn: () => oursTrain(v, 'lenet', data, m) });
  }
  const failed = (p: (typeof planned)[number], why: string): Row =>
    ({ case: p.c, size: p.size, group: 'ours', impl: v.label, value: null, unit: p.unit, how: why });

  let created: Awaited<ReturnType<typeof createBackend>>;
  try {
    created = await createBackend(v);
  } catch (e) {
    const why = `not run: ${(e as Error).message.split('\n')[0]}`;
    return { rows: planned.map((p) => failed(p, why)), note: '' };
  }
  const rows: Row[] = [];
  await t.withBackend(created.backend, async () => {
    for (const p of planned) {
      try {
        rows.push(await p.fn());
      } catch (e) {
        rows.push(failed(p, `failed: ${(e as Error).message.split('\n')[0]}`));
      }
    }
  });
  // Workers (threaded wasm) and GPU devices would keep the process alive.
  await created.backend.dispose?.();
  return { rows, note: created.note };
}
