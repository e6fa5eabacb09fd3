import type { DType, Tensor } from '@tensile/core';
import { TORCH_OPS, type CoreApi } from './ops.js';
import { SCATTER_ASYNC_OPS as TORCH_ASYNC_OPS } from './ops-scatter.js';
import type { FixtureDType, FixtureTensor, TorchCase } from './types.js';

export interface TorchCheckOptions {
  /** The dtype float64 fixture data run in; default float64 where the backend stores it, else float32. */
  dtype?: 'float32' | 'float64';
  /** Relative tolerance; default 1e-10 in float64, 1e-4 in float32. */
  rtol?: number;
  /** Absolute tolerance; default 1e-12 in float64, 1e-5 in float32. */
  atol?: number;
}

/** The options a check actually ran with. */
export interface ResolvedTorchCheckOptions {
  dtype: 'float32' | 'float64';
  rtol: number;
  atol: number;
}

/** Fills in the float dtype the current backend supports and that dtype's tolerances. */
export function resolveTorchCheckOptions(t: CoreApi, options: TorchCheckOptions = {}): ResolvedTorchCheckOptions {
  const dtype = options.dtype ?? (t.getBackend().dtypes.includes('float64') ? 'float64' : 'float32');
  const wide = dtype === 'float64';
  return { dtype, rtol: options.rtol ?? (wide ? 1e-10 : 1e-4), atol: options.atol ?? (wide ? 1e-12 : 1e-5) };
}

/** Thrown when Tensile disagrees with PyTorch on a fixture case. */
export class TorchMismatchError extends Error {
  constructor(
    readonly caseName: string,
    message: string,
  ) {
    super(message);
    this.name = 'TorchMismatchError';
  }
}

function typedArray(data: (number | boolean | string)[], dtype: DType): Float32Array | Float64Array | Int32Array | Uint8Array {
  const values = data.map(Number);
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
  }
}

/**
 * Runs one PyTorch fixture case on the current backend and checks the
 * forward output and the gradient of sum(output * cotangent) for every
 * differentiable input. Float64 fixture data run in `options.dtype`.
 * Throws a TorchMismatchError naming the case, the tensor, the flat index and
 * both values on the first disagreement; frees every tensor it made.
 *
 * @example
 * await t.setBackend(cpu());
 * for (const c of torchFixtureCases('conv2d')) await checkTorchCase(t, c);
 */
export async function checkTorchCase(t: CoreApi, c: TorchCase, options: TorchCheckOptions = {}): Promise<void> {
  const opts = resolveTorchCheckOptions(t, options);
  const call = TORCH_OPS[c.op];
  if (!call) throw new TorchMismatchError(c.name, `torch fixture ${c.name}: no Tensile call known for op '${c.op}'`);
  const runDType = (d: FixtureDType): DType => (d === 'float64' ? opts.dtype : d);
  const args = c.args.dtype === 'float64' ? { ...c.args, dtype: opts.dtype } : c.args;
  const label = `torch fixture ${c.name} (op ${c.op}, ${opts.dtype}, args ${JSON.stringify(c.args)})`;

  // An op whose output size depends on values (nonzero) runs in its async form where reads are asynchronous only.
  const asyncCall = t.getBackend().readSync ? undefined : TORCH_ASYNC_OPS[c.op];
  let made: { inputs: Tensor[]; out: Tensor; grads: (Tensor | null)[] };
  const inputs = t.tidy(() =>
    c.inputs.map((inp) =>
      t.tensor(typedArray(inp.data, runDType(inp.dtype)), { shape: inp.shape, dtype: runDType(inp.dtype), requiresGrad: inp.grad }),
    ),
  );
  try {
    const out = asyncCall ? await asyncCall(t, inputs, args) : t.tidy(() => call(t, inputs, args));
    const grads = t.tidy(() => {
      if (c.cotangent) {
        const cot = t.tensor(typedArray(c.cotangent.data, out.dtype), { shape: c.cotangent.shape, dtype: out.dtype });
        t.backward(t.sum(t.mul(out, cot)));
      }
      return inputs.map((x) => x.grad);
    });
    made = { inputs, out, grads };
  } catch (err) {
    t.dispose(inputs);
    const why = err instanceof Error ? err.message : String(err);
    throw new TorchMismatchError(c.name, `${label}: threw ${err instanceof Error ? err.name : 'error'}: ${why}`);
  }

  try {
    await compare(c.name, label, 'output', made.out, c.output, runDType(c.output.dtype), opts);
    for (let i = 0; i < c.inputs.length; i++) {
      const want = c.grads[i];
      if (!want) continue;
      const got = made.grads[i];
      if (!got) throw new TorchMismatchError(c.name, `${label}: no gradient reached input ${i} ${JSON.stringify(c.inputs[i].shape)}`);
      await compare(c.name, label, `grad of input ${i}`, got, want, opts.dtype, opts);
    }
  } catch (err) {
    if (err instanceof TorchMismatchError) throw err;
    throw new TorchMismatchError(c.name, `${label}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    made.out.dispose();
    for (const g of made.grads) g?.dispose();
    for (const x of made.inputs) x.dispose();
  }
}

async function compare(
  name: string,
  label: string,
  what: string,
  got: Tensor,
  want: FixtureTensor,
  dtype: DType,
  opts: ResolvedTorchCheckOptions,
): Promise<void> {
  if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) {
    throw new TorchMismatchError(
      name,
      `${label}: ${what} has shape ${JSON.stringify(got.shape)}, PyTorch gives ${JSON.stringify(want.shape)}`,
    );
  }
  if (got.dtype !== dtype) throw new TorchMismatchError(name, `${label}: ${what} is ${got.dtype}, expected ${dtype}`);
  const data = await got.data();
  const exact = dtype === 'int32' || dtype === 'bool';
  let bad = 0;
  let first = -1;
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.data.length; i++) {
    const w = Number(want.data[i]);
    const g = data[i];
    const limit = exact ? 0 : opts.atol + opts.rtol * Math.abs(w);
    const diff = Math.abs(g - w);
    // NaN must be NaN and ±Infinity exactly itself (inf - inf is NaN, never within a tolerance).
    const ok = Number.isFinite(w) ? diff <= limit : Object.is(g, w);
    if (!ok) {
      bad++;
      if (first < 0) first = i;
      const excess = Number.isNaN(diff) ? Infinity : diff / (limit || 1);
      if (excess > worstExcess || worst < 0) [worst, worstExcess] = [i, excess];
    }
  }
  if (bad === 0) return;
  const at = (i: number) => `[${i}] = ${data[i]}, PyTorch ${Number(want.data[i])}`;
  const tol = exact ? 'exact' : `atol ${opts.atol} + rtol ${opts.rtol}·|expected|`;
  throw new TorchMismatchError(
    name,
    `${label}: ${what} ${JSON.stringify(want.shape)} differs at ${bad} of ${want.data.length} entries (${tol}); ` +
      `first ${at(first)}; worst ${at(worst)}`,
  );
}
