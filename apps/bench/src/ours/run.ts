import * as t from '@tensile/core';
import type { MeasureOptions } from '../measure.js';
import type { Mnist } from '../mnist.js';
import type { Contender } from '../results.js';
import { createBackend, type OurVariant } from './backends.js';
import { oursSgemm, oursTrain } from './cases.js';
import { oursTrainModules } from './modules.js';

/** One of our backends; every job runs inside withBackend, so backends never leak into each other. */
export function ourContender(v: OurVariant, data: Mnist | null, m: MeasureOptions): Contender {
  let backend: t.Backend | null = null;
  return {
    group: 'ours',
    label: v.label,
    start: async () => {
      const created = await createBackend(v);
      backend = created.backend;
      return created.note;
    },
    run: async (job) => {
      if (!backend) throw new Error(`${v.label} was not started`);
      if (job.case !== 'sgemm' && !data) throw new Error(`${v.label}: training jobs need MNIST`);
      return t.withBackend(backend, async () => {
        if (job.case === 'sgemm') return [await oursSgemm(v, job.n, m)];
        const rows = [await oursTrain(v, job.case, data!, m)];
        try {
          rows.push(await oursTrainModules(v, job.case, data!, m));
        } catch (e) {
          const why = (e as Error).message.split('\n')[0];
          rows.push({ ...rows[0]!, impl: `${v.label} (layers+optim)`, value: null, how: `not run: ${why}` });
        }
        return rows;
      });
    },
    // Workers (threaded wasm) and GPU devices would keep the process alive.
    stop: async () => {
      await backend?.dispose?.();
      backend = null;
    },
  };
}
