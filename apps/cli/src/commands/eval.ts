import * as t from '@tensile/core';
import { evaluate, type TrainableModel } from '@tensile/train';
import { baselineLines, baselines } from '../baselines.js';
import { buildDataset, evalLoader } from '../data.js';
import { buildLoss } from '../loss.js';
import { resolveCliMetrics } from '../metrics.js';
import { loadRun } from '../model-file.js';

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
  const loader = () => evalLoader(data, config, flags.batchSize);
  const loss = buildLoss(config.loss, path);
  const started = performance.now();
  const logs = await evaluate(model as unknown as TrainableModel, {
    data: loader(),
    loss,
    metrics: resolveCliMetrics(config.metrics) as never,
  });
  const seconds = (performance.now() - started) / 1000;
  const compared = { ...logs, ...(await baselines(config, data, loader)) };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...compared, samples: data.length, seconds })}\n`);
  } else {
    const parts = Object.entries(logs).map(([k, v]) => `${k} ${k.includes('acc') ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)}`);
    process.stdout.write(
      `${config.data.name} test (${data.length} samples, ${t.getBackend().name}): ${parts.join(', ')} in ${seconds.toFixed(1)} s\n`,
    );
    for (const line of baselineLines(compared)) process.stdout.write(`${line}\n`);
  }
  return 0;
}
