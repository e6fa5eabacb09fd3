import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { OPTIMIZERS, SCHEDULERS, type LRScheduler, type Optimizer } from '@tensile/optim';

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
