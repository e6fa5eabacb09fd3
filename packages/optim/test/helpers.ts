import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { OPTIMIZERS, SCHEDULERS, type LRScheduler, type Optimizer, type OptimizerStateDict } from '@tensile/optim';

export async function useCpu(): Promise<void> {
  await t.setBackend(cpu());
}

export const f64 = (data: readonly number[], shape: readonly number[], requiresGrad = false) =>
  t.tensor(Float64Array.from(data), { shape, dtype: 'float64', requiresGrad });

export interface OptimizerSpec {
  type: string;
  options: Record<string, unknown>;
  groups?: ({ params: string[] } & Record<string, unknown>)[];
}

export interface SchedulerSpec {
  type: string;
  options?: Record<string, unknown>;
  schedulers?: SchedulerSpec[];
  milestones?: number[];
}

/** Builds one of our optimizers from a fixture's spec (param names resolved in `named`). */
export function makeOptimizer(spec: OptimizerSpec, named: Record<string, t.Tensor>): Optimizer<{ lr: number }> {
  const Ctor = OPTIMIZERS[spec.type] as unknown as new (p: unknown, o: unknown) => Optimizer<{ lr: number }>;
  const params = spec.groups
    ? spec.groups.map(({ params: names, ...rest }) => ({ ...rest, params: names.map((n) => named[n]) }))
    : Object.values(named);
  return new Ctor(params, spec.options);
}

export type AnyScheduler = { step(metric?: number): void; getLastLr(): number[] };

/** LambdaLR/MultiplicativeLR functions by the names the fixtures use (gen_torch_fixtures.py's LAMBDAS). */
export const LAMBDAS: Record<string, (epoch: number) => number> = {
  warmup5: (e) => Math.min(1, (e + 1) / 5),
  inverseSqrt: (e) => 1 / Math.sqrt(e + 1),
  exp95: (e) => 0.95 ** e,
  halveEvery4: (e) => (e % 4 === 0 ? 0.5 : 1),
};

/** A fixture's options with lrLambda names replaced by the functions. */
function withLambdas(options: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const fn = options?.lrLambda;
  if (fn === undefined) return options;
  return { ...options, lrLambda: Array.isArray(fn) ? fn.map((name: string) => LAMBDAS[name]) : LAMBDAS[fn as string] };
}

export function makeScheduler(spec: SchedulerSpec, opt: Optimizer<{ lr: number }>): AnyScheduler {
  const Ctor = SCHEDULERS[spec.type] as unknown as new (...a: unknown[]) => AnyScheduler;
  if (spec.type === 'SequentialLR')
    return new Ctor(
      opt,
      spec.schedulers!.map((s) => makeScheduler(s, opt)),
      spec.milestones,
    );
  if (spec.type === 'ChainedScheduler') return new Ctor(spec.schedulers!.map((s) => makeScheduler(s, opt) as LRScheduler));
  return new Ctor(opt, withLambdas(spec.options));
}

/** |a - b| ≤ tol·(1 + |b|) for every entry, or a message naming the first that is not. */
export function closeTo(actual: ArrayLike<number>, expected: readonly number[], tol: number): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i]))))
      return `[${i}]: got ${actual[i]}, PyTorch ${expected[i]}`;
  }
  return null;
}

/** A small quadratic problem the state-dict tests train on: w (2×3, requires grad) and x. */
export function problem(): { w: t.Tensor; x: t.Tensor } {
  return { w: f64([0.5, -0.3, 0.8, 0.1, -0.6, 0.2], [2, 3], true), x: f64([1, 2, 3, -1, 0.5, 2], [2, 3]) };
}

export const lossOf = (w: t.Tensor, x: t.Tensor) => t.tidy(() => x.mul(w).sum().square().add(w.square().sum()));

/** `steps` optimizer steps on lossOf(w, x). */
export function train(opt: Optimizer<{ lr: number }>, w: t.Tensor, x: t.Tensor, steps: number): void {
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = lossOf(w, x);
    loss.backward();
    loss.dispose();
    opt.step();
  }
}

/**
 * Resuming works: 3 steps, stateDict (meta through JSON), a fresh optimizer
 * loads it, 3 more steps; returns the largest mismatch against 6 uninterrupted
 * steps (closeTo's message), or null.
 */
export async function resumeMismatch(make: (p: t.Tensor[]) => Optimizer<{ lr: number }>): Promise<string | null> {
  const a = problem();
  const optA = make([a.w]);
  train(optA, a.w, a.x, 6);
  const b = problem();
  const optB = make([b.w]);
  train(optB, b.w, b.x, 3);
  const saved = optB.stateDict();
  const meta = JSON.parse(JSON.stringify(saved.meta)) as OptimizerStateDict['meta'];
  optB.dispose();
  const optC = make([b.w]);
  optC.loadStateDict({ state: saved.state, meta });
  t.dispose(Object.values(saved.state)); // loadStateDict copied them
  train(optC, b.w, b.x, 3);
  const mismatch = closeTo(await b.w.data<Float64Array>(), Array.from(await a.w.data<Float64Array>()), 1e-12);
  optA.dispose();
  optC.dispose();
  t.dispose([a.w, a.x, b.w, b.x]);
  return mismatch;
}
