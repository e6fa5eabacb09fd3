import * as t from '@tensile/core';
import { namedParameters } from '../fit.js';
import type { Logs } from '../types.js';
import type { FitContext } from '../fit-context.js';
import type { Callback } from './callback.js';

/** Per-layer gradient norm, weight norm and update/weight ratio of one step. */
export interface LayerStats {
  gradNorm: number;
  weightNorm: number;
  /** ‖Δw‖ / ‖w‖ of the step: around 1e-3 is healthy; much smaller means the layer barely learns. */
  updateRatio: number;
}

/** The layer a parameter belongs to: its name up to the last dot (`features.0.weight` → `features.0`). */
function layerOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

/**
 * Measures, every N steps, each layer's gradient and weight norms and the
 * size of the update relative to the weights, so vanishing or exploding
 * gradients are seen rather than guessed. The latest values are added to the
 * epoch logs as `grad_norm/<layer>`, `weight_norm/<layer>` and
 * `update_ratio/<layer>` (list this callback before loggers).
 */
export class GradientStats implements Callback {
  /** The latest measurement by layer. */
  readonly latest = new Map<string, LayerStats>();
  private before: Map<string, t.Tensor> | null = null;
  private norms = new Map<string, { grad: number; weight: number }>();

  constructor(private readonly options: { everySteps?: number } = {}) {}

  private due(step: number): boolean {
    return step % (this.options.everySteps ?? 50) === 0;
  }

  async onBeforeStep(ctx: FitContext, step: number): Promise<void> {
    if (!this.due(step)) return;
    const groups = new Map<string, t.Tensor[]>();
    for (const [name, p] of namedParameters(ctx.model)) {
      const layer = layerOf(name);
      groups.set(layer, [...(groups.get(layer) ?? []), p]);
    }
    this.norms.clear();
    this.before = new Map();
    for (const [layer, ps] of groups) {
      const [g, w] = t.noGrad(() => t.tidy(() => [sumSquares(ps.map((p) => p.grad)).sqrt(), sumSquares(ps).sqrt()]));
      this.norms.set(layer, { grad: (await g.data())[0], weight: (await w.data())[0] });
      t.dispose([g, w]);
      this.before.set(layer, t.keep(t.noGrad(() => t.concat(ps.map((p) => p.reshape([-1]))))));
    }
  }

  async onBatchEnd(ctx: FitContext): Promise<void> {
    if (!this.before) return;
    const groups = new Map<string, t.Tensor[]>();
    for (const [name, p] of namedParameters(ctx.model)) groups.set(layerOf(name), [...(groups.get(layerOf(name)) ?? []), p]);
    for (const [layer, old] of this.before) {
      const delta = t.noGrad(() =>
        t.tidy(() =>
          t
            .concat(groups.get(layer)!.map((p) => p.reshape([-1])))
            .sub(old)
            .square()
            .sum()
            .sqrt(),
        ),
      );
      const norm = this.norms.get(layer)!;
      this.latest.set(layer, { gradNorm: norm.grad, weightNorm: norm.weight, updateRatio: (await delta.data())[0] / (norm.weight || 1) });
      t.dispose([delta, old]);
    }
    this.before = null;
  }

  onEpochEnd(_ctx: FitContext, _epoch: number, logs: Logs): void {
    for (const [layer, s] of this.latest) {
      logs[`grad_norm/${layer}`] = s.gradNorm;
      logs[`weight_norm/${layer}`] = s.weightNorm;
      logs[`update_ratio/${layer}`] = s.updateRatio;
    }
  }
}

function sumSquares(ts: readonly (t.Tensor | null)[]): t.Tensor {
  let total: t.Tensor = t.zeros([]);
  for (const x of ts) if (x) total = total.add(x.cast('float32').square().sum());
  return total;
}
