import * as t from '@tensile/core';
import { Yielder } from './yield.js';
import { resolveMetrics, type Metric, type MetricName } from './metrics.js';
import { type BatchSource, callLoss, type Logs, type LossLike, type TrainableModel, runModel, unpackBatch } from './types.js';

export interface EvaluateOptions {
  data: BatchSource;
  loss?: LossLike;
  metrics?: readonly (Metric | MetricName)[];
  /** Let the event loop run after this many milliseconds of work (default 25), as fit does. */
  yieldEveryMs?: number;
}

/**
 * Runs the model in eval mode without recording gradients over a data set
 * and returns the mean loss and metrics. Disposes the batches.
 *
 * @example
 * const { loss, accuracy } = await evaluate(model, { data: testLoader, loss: new CrossEntropyLoss(), metrics: ['accuracy'] });
 */
export async function evaluate(model: TrainableModel, options: EvaluateOptions): Promise<Logs> {
  const metrics = resolveMetrics(options.metrics);
  for (const m of metrics) m.reset();
  model.eval();
  let lossSum = 0;
  let samples = 0;
  const yielder = new Yielder(options.yieldEveryMs ?? 25);
  for await (const batch of options.data) {
    const [x, y] = unpackBatch(batch);
    const loss = t.noGrad(() =>
      t.tidy(() => {
        const prediction = runModel(model, x);
        for (const m of metrics) m.update(prediction, y);
        return options.loss ? callLoss(options.loss, prediction, y) : null;
      }),
    );
    const n = x.shape[0] ?? 1;
    t.dispose(batch);
    if (loss) {
      lossSum += (await loss.data())[0] * n;
      loss.dispose();
    }
    samples += n;
    await yielder.maybe();
  }
  const logs: Logs = {};
  if (options.loss) logs.loss = lossSum / Math.max(samples, 1);
  for (const m of metrics) {
    logs[m.name] = await m.result();
    m.reset();
  }
  return logs;
}
