import * as t from '@tensile/core';
import * as optim from '@tensile/optim';
import type { OptimizerName } from '../protocol.js';

export interface Optimizer {
  step(): void;
  zeroGrad(): void;
  /** Frees the optimizer's state (momentum, moments), where it has a way to. */
  dispose?(): void;
}

type OptimizerClass = new (params: t.Tensor[], options: { lr: number; momentum?: number }) => Optimizer;

/**
 * SGD with momentum 0.9, or Adam, from @tensile/optim.
 *
 * TEMPORARY: while @tensile/optim does not export SGD and Adam yet, the
 * demo uses the two small local ones below (PyTorch's update rules). Delete
 * them once it does.
 */
export function makeOptimizer(name: OptimizerName, params: t.Tensor[], lr: number): Optimizer {
  const fromPackage = (optim as Record<string, unknown>)[name === 'adam' ? 'Adam' : 'SGD'] as OptimizerClass | undefined;
  if (fromPackage) return name === 'adam' ? new fromPackage(params, { lr }) : new fromPackage(params, { lr, momentum: 0.9 });
  return name === 'adam' ? new LocalAdam(params, lr) : new LocalSgd(params, lr, 0.9);
}

abstract class LocalOptimizer implements Optimizer {
  constructor(protected readonly params: t.Tensor[]) {}
  abstract step(): void;
  zeroGrad(): void {
    for (const p of this.params) p.grad = null; // the setter frees the old gradient
  }
}

class LocalSgd extends LocalOptimizer {
  private readonly buffers = new Map<t.Tensor, t.Tensor>();
  constructor(params: t.Tensor[], private readonly lr: number, private readonly momentum: number) {
    super(params);
  }
  dispose(): void {
    t.dispose([...this.buffers.values()]);
    this.buffers.clear();
  }
  step(): void {
    t.noGrad(() => {
      for (const p of this.params) {
        if (!p.grad) continue;
        const g = p.grad;
        const old = this.buffers.get(p);
        const buf = t.keep(old ? t.tidy(() => old.mul(this.momentum).add(g)) : g.clone());
        old?.dispose();
        this.buffers.set(p, buf);
        t.assign(p, t.tidy(() => p.sub(buf.mul(this.lr))));
      }
    });
  }
}

class LocalAdam extends LocalOptimizer {
  private readonly moments = new Map<t.Tensor, [t.Tensor, t.Tensor]>();
  private steps = 0;
  constructor(params: t.Tensor[], private readonly lr: number) {
    super(params);
  }
  dispose(): void {
    t.dispose([...this.moments.values()].flat());
    this.moments.clear();
  }
  step(): void {
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    this.steps++;
    const c1 = 1 - b1 ** this.steps;
    const c2 = 1 - b2 ** this.steps;
    t.noGrad(() => {
      for (const p of this.params) {
        if (!p.grad) continue;
        const g = p.grad;
        const old = this.moments.get(p);
        const m = t.keep(t.tidy(() => (old ? old[0].mul(b1).add(g.mul(1 - b1)) : g.mul(1 - b1))));
        const v = t.keep(t.tidy(() => (old ? old[1].mul(b2).add(g.square().mul(1 - b2)) : g.square().mul(1 - b2))));
        old?.[0].dispose();
        old?.[1].dispose();
        this.moments.set(p, [m, v]);
        t.assign(p, t.tidy(() => p.sub(m.div(c1).div(v.div(c2).sqrt().add(eps)).mul(this.lr))));
      }
    });
  }
}
