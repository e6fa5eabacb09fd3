import * as t from '@tensile/core';
import { evaluate, type LossLike, type TrainableModel } from '@tensile/train';
import { buildDataset, makeLoader } from '../data.js';
import { loadRun } from '../model-file.js';
import { create } from '../registry.js';

export interface EvalFlags {
  backend?: string;
  batchSize?: number;
  limit?: number;
  json?: boolean;
}

/** `tensile eval MODEL`: the model's loss and metrics on its dataset's test split. */
export async function evalCommand(path: string, flags: EvalFlags): Promise<number> {
  const { model, config } = await loadRun(path, flags);
  config.data.testLimit = flags.limit ?? null;
  const data = buildDataset(config.data, 'test');
  const loader = makeLoader(data, config.data, { batchSize: flags.batchSize ?? 1000, shuffle: false, seed: 0 });
  const loss = create<LossLike>('loss', config.loss.name, config.loss.config);
  const started = performance.now();
  const logs = await evaluate(model as unknown as TrainableModel, { data: loader, loss, metrics: config.metrics as never });
  const seconds = (performance.now() - started) / 1000;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...logs, samples: data.length, seconds })}\n`);
  } else {
    const parts = Object.entries(logs).map(([k, v]) => `${k} ${k.includes('acc') ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)}`);
    process.stdout.write(
      `${config.data.name} test (${data.length} samples, ${t.getBackend().name}): ${parts.join(', ')} in ${seconds.toFixed(1)} s\n`,
    );
  }
  return 0;
}
