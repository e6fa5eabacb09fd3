import * as t from '@tensile/core';

/**
 * A metric accumulates over batches on the device and is read once per
 * epoch, so it adds no read-back per step. `fit` uses the same objects for
 * training and validation (as Keras does): it reads the epoch's result, then
 * `evaluate` resets them, runs the validation batches and resets them again.
 * So a custom metric needs only `reset` to start afresh.
 *
 * @example
 * class SumSquaredError implements Metric {
 *   readonly name = 'sse';
 *   private total: t.Tensor | null = null;
 *   reset() { this.total?.dispose(); this.total = null; }
 *   update(p: t.Tensor, y: t.Tensor) {
 *     const next = t.tidy(() => p.sub(y).square().sum().add(this.total ?? 0));
 *     this.total?.dispose();
 *     this.total = t.keep(next);
 *   }
 *   async result() { return this.total ? (await this.total.data())[0] : 0; }
 * }
 * await fit(model, { ..., val, metrics: ['mae', new SumSquaredError()] }); // logs sse and val_sse
 */
export interface Metric {
  readonly name: string;
  reset(): void;
  /** Adds one batch; prediction and target belong to the caller. */
  update(prediction: t.Tensor, target: t.Tensor): void;
  result(): Promise<number>;
  /**
   * The running state as plain numbers, so a mid-epoch checkpoint can carry
   * it; `loadState` continues from it. Optional for custom metrics (then a
   * mid-epoch checkpoint refuses to save them).
   */
  state?(): Promise<Record<string, number>>;
  loadState?(state: Record<string, number>): void;
}

/** A running sum of a per-batch scalar and a count, kept on the device. */
abstract class SumMetric implements Metric {
  abstract readonly name: string;
  private total: t.Tensor | null = null;
  private count = 0;

  /** The batch's contribution (a scalar tensor) and how many items it covers. */
  protected abstract measure(prediction: t.Tensor, target: t.Tensor): [t.Tensor, number];

  reset(): void {
    this.total?.dispose();
    this.total = null;
    this.count = 0;
  }

  update(prediction: t.Tensor, target: t.Tensor): void {
    t.noGrad(() => {
      const next = t.tidy(() => {
        const [value, n] = this.measure(prediction, target);
        this.count += n;
        return this.total ? this.total.add(value) : value.cast('float32');
      });
      this.total?.dispose();
      this.total = t.keep(next);
    });
  }

  async result(): Promise<number> {
    if (!this.total || this.count === 0) return NaN;
    return (await this.total.data())[0] / this.count;
  }

  /** `{ total, count }`: the float32 sum read back exactly, so a resumed epoch continues bit for bit. */
  async state(): Promise<Record<string, number>> {
    return { total: this.total ? (await this.total.data())[0] : 0, count: this.count };
  }

  loadState(state: Record<string, number>): void {
    const { total, count } = state;
    if (!Number.isFinite(total) || !Number.isInteger(count) || count < 0) {
      throw new t.ArgumentError(`${this.name}.loadState: expected { total: finite, count: integer ≥ 0 }, got ${JSON.stringify(state)}`);
    }
    this.reset();
    this.count = count;
    if (count > 0) this.total = t.keep(t.tensor(total, { dtype: 'float32' }));
  }
}

/** Integer class labels from a target: int32 indices as they are, one-hot/probabilities by argmax. */
function labels(prediction: t.Tensor, target: t.Tensor): t.Tensor {
  return target.rank === prediction.rank ? target.argmax(-1) : target;
}

/**
 * Fraction of correct predictions. Multi-class predictions [N, C] are
 * compared by argmax; a single output per sample ([N] or [N, 1]) is a binary
 * prediction, counted positive above `threshold` (0.5 for probabilities; pass
 * 0 for logits).
 */
export class Accuracy extends SumMetric {
  readonly name = 'accuracy';
  constructor(private readonly threshold = 0.5) {
    super();
  }

  protected measure(prediction: t.Tensor, target: t.Tensor): [t.Tensor, number] {
    const binary = prediction.rank === 1 || prediction.shape.at(-1) === 1;
    if (binary) {
      const p = prediction.reshape([-1]).gt(this.threshold);
      const y = target.reshape([-1]).cast('float32').gt(0.5);
      return [p.eq(y).sum(), p.size];
    }
    const predicted = prediction.argmax(-1);
    return [predicted.eq(labels(prediction, target)).sum(), predicted.size];
  }
}

/** Fraction of samples whose label is among the k highest scores. */
export class TopKAccuracy extends SumMetric {
  readonly name: string;
  constructor(private readonly k: number) {
    super();
    this.name = `top${k}`;
  }

  protected measure(prediction: t.Tensor, target: t.Tensor): [t.Tensor, number] {
    // The label is in the top k when fewer than k classes score strictly higher.
    const y = labels(prediction, target).reshape([-1, 1]);
    const scores = prediction.reshape([-1, prediction.shape.at(-1)!]);
    const own = scores.gather(1, y);
    const higher = scores.gt(own).sum(1);
    return [higher.lt(this.k).sum(), y.size];
  }
}

/** Mean absolute error. */
export class MeanAbsoluteError extends SumMetric {
  readonly name = 'mae';
  protected measure(prediction: t.Tensor, target: t.Tensor): [t.Tensor, number] {
    return [prediction.sub(target.reshape(prediction.shape)).abs().sum(), prediction.size];
  }
}

export type MetricName = 'accuracy' | 'mae' | `top${number}`;

/** Builds metrics from names ('accuracy', 'mae', 'top5') or passes instances through. */
export function resolveMetrics(metrics: readonly (Metric | MetricName)[] = []): Metric[] {
  return metrics.map((m) => {
    if (typeof m !== 'string') return m;
    if (m === 'accuracy') return new Accuracy();
    if (m === 'mae') return new MeanAbsoluteError();
    const k = /^top(\d+)$/.exec(m);
    if (k) return new TopKAccuracy(Number(k[1]));
    throw new t.ArgumentError(`fit: unknown metric '${m}' (known: accuracy, mae, topK such as top5)`);
  });
}
