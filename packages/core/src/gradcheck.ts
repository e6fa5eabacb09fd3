import type { DataArray, DType } from './backend/backend.js';
import { backward, grad, noGrad } from './autograd.js';
import { allocArray, isFloat } from './dtype.js';
import { ArgumentError } from './errors.js';
import { fromData } from './ops/creation.js';
import { Rng } from './rng.js';
import { tidy } from './scope.js';
import type { Tensor } from './tensor.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6 in float64, 1e-2 in float32). */
  eps?: number;
  /** Tolerances on |analytic - numeric| ≤ atol + rtol·|numeric|. */
  atol?: number;
  rtol?: number;
  /** The dtype to check in: float64 where the backend has it, else float32. */
  dtype?: DType;
  /** Which inputs to check (default: every float input). */
  checkInputs?: readonly boolean[];
  /** Seed of the random cotangent that reduces a non-scalar output. */
  seed?: number;
  /**
   * PyTorch's fast_mode: compare one directional derivative along a random
   * direction (two evaluations) instead of every entry (two per entry). A
   * wrong gradient still fails, barring a direction orthogonal to the error.
   */
  fast?: boolean;
}

export interface GradcheckResult {
  ok: boolean;
  /** The largest |analytic - numeric| - rtol·|numeric| seen (≤ atol when ok). */
  maxError: number;
  /** Where the worst disagreement was, as `input 0 [3]: analytic 1.2, numeric 1.1`. */
  worst: string;
  dtype: DType;
}

/**
 * Compares the gradients autograd computes for fn with central finite
 * differences, entry by entry. A non-scalar output is reduced with a fixed
 * random cotangent so every output entry matters.
 *
 * @example
 * const r = await gradcheck((x) => x.tanh(), [t.randn([3, 4])]);
 * if (!r.ok) throw new Error(r.worst);
 */
export async function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): Promise<GradcheckResult> {
  if (inputs.length === 0) throw new ArgumentError('gradcheck: needs at least one input');
  const backend = inputs[0].backend;
  const dtype = options.dtype ?? (backend.dtypes.includes('float64') ? 'float64' : 'float32');
  const eps = options.eps ?? (dtype === 'float64' ? 1e-6 : 1e-2);
  const atol = options.atol ?? (dtype === 'float64' ? 1e-5 : 1e-2);
  const rtol = options.rtol ?? (dtype === 'float64' ? 1e-3 : 1e-2);
  const hosts: DataArray[] = [];
  for (const x of inputs) hosts.push(await x.data<DataArray>());
  const dtypes = inputs.map((x) => (isFloat(x.dtype) ? dtype : x.dtype));
  const check = inputs.map((x, i) => isFloat(x.dtype) && (options.checkInputs?.[i] ?? true));

  const build = (values: readonly DataArray[], grad: boolean) =>
    values.map((v, i) => {
      const data = allocArray(dtypes[i], v.length);
      data.set(v);
      return fromData(data, inputs[i].shape, dtypes[i], grad && check[i]);
    });

  // The cotangent is drawn once, from the output's shape.
  const probe = noGrad(() => tidy(() => fn(...build(hosts, false)).detach()));
  const rng = new Rng(options.seed ?? 1234);
  const cotangentData = allocArray(probe.dtype === 'float64' ? 'float64' : 'float32', probe.size);
  for (let i = 0; i < cotangentData.length; i++) cotangentData[i] = rng.uniform() * 2 - 1;
  const outShape = probe.shape;
  probe.dispose();
  const reduce = (out: Tensor) => {
    const c = fromData(cotangentData, outShape, 'float32');
    return out.mul(c.cast(out.dtype)).sum();
  };

  // Analytic gradients.
  const leaves = build(hosts, true);
  const loss = tidy(() => reduce(fn(...leaves)));
  // An output that does not depend on the inputs (a second derivative that vanishes) has zero gradients.
  if (loss.requiresGrad) backward(loss);
  loss.dispose();
  const analytic: (DataArray | null)[] = [];
  for (const [i, leaf] of leaves.entries()) {
    analytic.push(check[i] ? (leaf.grad ? await leaf.grad.data<DataArray>() : allocArray(dtype, leaf.size)) : null);
    leaf.dispose();
  }

  // Numeric gradients, one entry at a time. Every evaluation is queued first and read back
  // together: on a GPU one read per evaluation (a queue round trip each) would dominate.
  const evaluate = (values: DataArray[]): Tensor =>
    noGrad(() =>
      tidy(() => {
        const xs = build(values, false);
        return reduce(fn(...xs));
      }),
    );
  if (options.fast) return fastCheck(hosts, check, analytic, evaluate, { eps, atol, rtol, dtype, seed: (options.seed ?? 1234) + 7 });
  const queued: { i: number; j: number; plus: Tensor; minus: Tensor }[] = [];
  let reads: DataArray[];
  try {
    for (let i = 0; i < inputs.length; i++) {
      if (!check[i]) continue;
      const values = hosts.map((h) => Float64Array.from(h));
      for (let j = 0; j < values[i].length; j++) {
        const orig = values[i][j];
        values[i][j] = orig + eps;
        const plus = evaluate(values);
        values[i][j] = orig - eps;
        const minus = evaluate(values);
        values[i][j] = orig;
        queued.push({ i, j, plus, minus });
      }
    }
    reads = await Promise.all(queued.flatMap((q) => [q.plus.data<DataArray>(), q.minus.data<DataArray>()]));
  } finally {
    for (const q of queued) {
      q.plus.dispose();
      q.minus.dispose();
    }
  }
  let maxError = -Infinity;
  let worst = '';
  queued.forEach(({ i, j }, k) => {
    const numeric = (reads[2 * k][0] - reads[2 * k + 1][0]) / (2 * eps);
    const a = analytic[i]![j];
    const err = Math.abs(a - numeric) - rtol * Math.abs(numeric);
    if (Number.isNaN(err) || err > maxError) {
      maxError = Number.isNaN(err) ? Infinity : err;
      worst = `input ${i} [${j}]: analytic ${a}, numeric ${numeric}`;
    }
  });
  if (maxError === -Infinity) maxError = 0;
  return { ok: maxError <= atol, maxError, worst, dtype };
}

/** The fast mode: the directional derivative along one random direction per checked input. */
async function fastCheck(
  hosts: readonly DataArray[],
  check: readonly boolean[],
  analytic: readonly (DataArray | null)[],
  evaluate: (values: DataArray[]) => Tensor,
  o: { eps: number; atol: number; rtol: number; dtype: DType; seed: number },
): Promise<GradcheckResult> {
  const rng = new Rng(o.seed);
  let expected = 0;
  const plus = hosts.map((h) => Float64Array.from(h));
  const minus = hosts.map((h) => Float64Array.from(h));
  hosts.forEach((h, i) => {
    if (!check[i]) return;
    for (let j = 0; j < h.length; j++) {
      const r = rng.uniform() * 2 - 1;
      plus[i][j] += o.eps * r;
      minus[i][j] -= o.eps * r;
      expected += analytic[i]![j] * r;
    }
  });
  const [p, m] = [evaluate(plus), evaluate(minus)];
  let values: DataArray[];
  try {
    values = await Promise.all([p.data<DataArray>(), m.data<DataArray>()]);
  } finally {
    p.dispose();
    m.dispose();
  }
  const numeric = (values[0][0] - values[1][0]) / (2 * o.eps);
  const err = Math.abs(expected - numeric) - o.rtol * Math.abs(numeric);
  const maxError = Number.isNaN(err) ? Infinity : err;
  return { ok: maxError <= o.atol, maxError, worst: `random direction: analytic ${expected}, numeric ${numeric}`, dtype: o.dtype };
}

/**
 * Checks gradients of gradients (PyTorch's gradgradcheck): gradcheck of
 *
 *   (x, u) ↦ Σᵢ ⟨∂⟨fn(x), u⟩/∂xᵢ, vᵢ⟩
 *
 * with fixed random directions vᵢ and the output cotangent u as an extra
 * input, so the analytic side is the backward of fn's backward (recorded
 * under createGraph) both with respect to x and to the incoming gradient,
 * and the numeric side is central differences of fn's gradient. Every
 * backward closure on the way must be written with differentiable tensor
 * ops; a linear op (whose gradient does not depend on x) is still checked
 * through u.
 *
 * @example
 * const r = await gradgradcheck((x) => x.tanh(), [t.randn([3])]);
 */
export async function gradgradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): Promise<GradcheckResult> {
  if (inputs.length === 0) throw new ArgumentError('gradgradcheck: needs at least one input');
  const checked = inputs.flatMap((x, i) => (isFloat(x.dtype) && (options.checkInputs?.[i] ?? true) ? [i] : []));
  if (checked.length === 0) throw new ArgumentError('gradgradcheck: no floating-point input to check');
  const rng = new Rng((options.seed ?? 1234) + 1);
  const random = (n: number) => {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = rng.uniform() * 2 - 1;
    return data;
  };
  const outShape = noGrad(() => tidy(() => fn(...inputs.map((x) => x.detach())).shape));
  const vs = inputs.map((x) => random(x.size));
  const u = fromData(random(outShape.reduce((n, d) => n * d, 1)), outShape, 'float32');
  // The first-order directional derivative; in gradcheck's analytic pass its inner grad records (nested grad).
  const firstOrder = (...xsAndU: Tensor[]): Tensor => {
    const xs = xsAndU.slice(0, -1);
    const cotangent = xsAndU[xsAndU.length - 1];
    const gs = grad((...ys: Tensor[]) => {
      const args = [...xs];
      checked.forEach((k, j) => (args[k] = ys[j]));
      const out = fn(...args);
      return out.mul(cotangent.cast(out.dtype)).sum();
    })(...checked.map((k) => xs[k]));
    return gs.map((g, j) => g.mul(fromData(vs[checked[j]], g.shape, 'float32').cast(g.dtype)).sum()).reduce((a, b) => a.add(b));
  };
  const checkInputs = [...inputs.map((_, i) => checked.includes(i)), true];
  try {
    return await gradcheck(firstOrder, [...inputs, u], { ...options, checkInputs });
  } finally {
    u.dispose();
  }
}
