/**
 * The indexing ops' cases, derived from core's table (INDEXING_OPS): every
 * example runs forward against its float64 reference (float32 and float64,
 * and its own int32/bool data), through the `…Async` form too where the op
 * has one; every example with differentiable inputs is gradchecked, and
 * gradgradchecked where the op's backward is differentiable.
 */
import * as t from '@tensile/core';
import { assertClose, expectError } from '../compare.js';
import type { Ref } from '../reference.js';
import type { ForwardCase } from './forward.js';
import type { GradCase } from './gradcheck.js';

type Spec = t.TensorSpec;
const isSpec = (a: unknown): a is Spec => typeof a === 'object' && a !== null && 'tensor' in a;
const isSpecList = (a: unknown): a is readonly Spec[] => Array.isArray(a) && a.length > 0 && a.every(isSpec);

/**
 * Values of an example's float tensors: a shuffled ramp over all of them
 * together, at least 4/count apart and never 0, so that max/min have one
 * winner and prod no zero unless the example says so, even for float32
 * finite differences.
 */
function floatValues(args: readonly t.ExampleArg[]): Map<Spec, number[]> {
  const specs = args.flatMap((a) => (isSpec(a) ? [a] : isSpecList(a) ? [...a] : [])).filter((s) => s.dtype === 'float' && !s.values);
  const count = specs.reduce((n, s) => n + t.sizeOf(s.tensor), 0);
  const ramp = Array.from({ length: count }, (_, k) => -2 + (4 * (((k * 7) % count) + 0.5)) / count + 0.013);
  const out = new Map<Spec, number[]>();
  let at = 0;
  for (const s of specs) {
    out.set(s, ramp.slice(at, at + t.sizeOf(s.tensor)));
    at += t.sizeOf(s.tensor);
  }
  return out;
}

const round = (dtype: t.DType, v: number) => (dtype === 'float32' ? Math.fround(v) : v);

/** The example's arguments as tensors (float ones in `dtype`) and as references. */
function build(args: readonly t.ExampleArg[], dtype: 'float32' | 'float64') {
  const values = floatValues(args);
  const made: t.Tensor[] = [];
  const tensorOf = (s: Spec) => {
    const d = s.dtype === 'float' ? dtype : s.dtype;
    const x = t.tensor(Float64Array.from(s.values ?? values.get(s) ?? []), { shape: s.tensor, dtype: d });
    made.push(x);
    return x;
  };
  const refOf = (s: Spec): t.IndexingRef => {
    const d = s.dtype === 'float' ? dtype : s.dtype;
    return { shape: [...s.tensor], data: Float64Array.from(s.values ?? values.get(s) ?? [], (v) => round(d, v)), dtype: d };
  };
  const map = <T>(a: t.ExampleArg, f: (s: Spec) => T) => (isSpec(a) ? f(a) : isSpecList(a) ? a.map(f) : a);
  return {
    tensors: args.map((a) => map(a, tensorOf)),
    refs: args.map((a) => map(a, refOf)) as t.RefArg[],
    made,
  };
}

async function compare(label: string, got: unknown, want: t.IndexingRef | t.IndexingRef[], tol: { rtol: number; atol: number }) {
  const gots = Array.isArray(got) ? (got as t.Tensor[]) : [got as t.Tensor];
  const wants = Array.isArray(want) ? want : [want];
  if (gots.length !== wants.length) throw new Error(`${label}: ${gots.length} outputs, expected ${wants.length}`);
  for (const [k, g] of gots.entries()) {
    assertClose(`${label} output ${k}`, (await g.data<t.DataArray>()) as ArrayLike<number>, g.shape, wants[k] as Ref, tol);
    g.dispose();
  }
}

const ops = t.INDEXING_OP_NAMES.map((name) => [name, t.INDEXING_OPS[name] as t.IndexingDecl] as const);
const usesFloat = (args: readonly t.ExampleArg[]) =>
  args.some((a) => (isSpec(a) && a.dtype === 'float') || (isSpecList(a) && a.some((s) => s.dtype === 'float')));

/** Forward cases: each example in each float dtype (once, when it has no float tensor). */
export function indexingForwardCases(dtypes: readonly t.DType[]): ForwardCase[] {
  const floats = dtypes.filter((d): d is 'float32' | 'float64' => d === 'float32' || d === 'float64');
  return ops.flatMap(([name, decl]) =>
    decl.examples.flatMap((ex) =>
      (usesFloat(ex.args) ? floats : floats.slice(0, 1)).map(
        (dtype): ForwardCase => ({
          name: `indexing ${name} (${ex.label}) ${usesFloat(ex.args) ? dtype : 'own dtypes'}`,
          run: async (tol) => {
            const { tensors, refs, made } = build(ex.args, dtype);
            const want = decl.ref(...refs);
            const call = (f: (...a: never[]) => unknown) => (f as (...a: unknown[]) => unknown)(...tensors);
            try {
              if (decl.async) {
                await compare(`${name}Async`, await call(decl.async), want, tol);
                if (decl.dtype === 'input' && usesFloat(ex.args)) await checkAsyncGradient(name, decl, ex.args, tensors, refs, dtype, tol);
              }
              if (!decl.async || t.getBackend().readSync) await compare(name, call(decl.fn), want, tol);
              else expectAsyncOnly(name, () => call(decl.fn));
            } finally {
              t.dispose(made);
            }
          },
        }),
      ),
    ),
  );
}

/**
 * The gradient of an op whose output size depends on values (gradcheck's
 * function must be synchronous, which those are not on every backend):
 * through the async form, backward of sum(out · cotangent) against central
 * differences of the float64 reference, for every float argument.
 */
async function checkAsyncGradient(
  name: string,
  decl: t.IndexingDecl,
  args: readonly t.ExampleArg[],
  tensors: unknown[],
  refs: t.RefArg[],
  dtype: 'float32' | 'float64',
  tol: { rtol: number; atol: number },
): Promise<void> {
  const k = args.findIndex((a) => isSpec(a) && a.dtype === 'float');
  const x = (tensors[k] as t.Tensor).detach();
  x.requiresGrad = true;
  const inputs = tensors.map((v, i) => (i === k ? x : v));
  const out = (await (decl.async as (...a: unknown[]) => Promise<t.Tensor>)(...inputs)) as t.Tensor;
  const cot = Float64Array.from({ length: out.size }, (_, i) => ((i * 5) % 7) - 3);
  const cotT = t.tensor(cot, { shape: out.shape, dtype: out.dtype });
  out.mul(cotT).sum().backward();
  const base = refs[k] as t.IndexingRef;
  const step = 1e-3;
  const want = Float64Array.from(base.data, (_, i) => {
    const at = (d: number) => {
      const data = Float64Array.from(base.data);
      data[i] += d;
      const r = decl.ref(...refs.map((v, j) => (j === k ? { ...base, data } : v))) as t.IndexingRef;
      return r.data.reduce((s, v, j) => s + v * cot[j], 0);
    };
    return (at(step) - at(-step)) / (2 * step);
  });
  try {
    assertClose(
      `${name}Async gradient (${dtype})`,
      (await x.grad!.data<t.DataArray>()) as ArrayLike<number>,
      x.shape,
      { shape: base.shape, data: want },
      { rtol: tol.rtol * 10, atol: Math.max(tol.atol, 1e-6) * 10 },
    );
  } finally {
    t.dispose([x, out, cotT]);
  }
}

function expectAsyncOnly(name: string, run: () => unknown): void {
  try {
    run();
  } catch (err) {
    if (err instanceof t.ArgumentError && /reads asynchronously/.test(err.message)) return;
    throw err;
  }
  throw new Error(`${name}: a backend without readSync must refuse the synchronous form, naming ${name}Async`);
}

/** One gradcheck case per example with differentiable (float) tensors; noSecondOrder names those gradgradcheck skips. */
export const indexingGradCases: (GradCase & { secondOrder: boolean })[] = ops.flatMap(([name, decl]) =>
  decl.examples.flatMap((ex): (GradCase & { secondOrder: boolean })[] => {
    const values = floatValues(ex.args);
    const diff = ex.args.flatMap((a) => (isSpec(a) ? [a] : isSpecList(a) ? [...a] : [])).filter((s) => s.dtype === 'float' && s.grad);
    // Ops that read values back are gradient-checked in their forward cases (async, every backend).
    if (diff.length === 0 || decl.dtype !== 'input' || decl.async) return [];
    const inputs: Ref[] = diff.map((s) => ({ shape: [...s.tensor], data: Float64Array.from(s.values ?? values.get(s) ?? []) }));
    const fn = (...xs: t.Tensor[]) => {
      const sub = (s: Spec) => {
        const k = diff.indexOf(s);
        if (k >= 0) return xs[k];
        return t.tensor(Float64Array.from(s.values ?? []), { shape: s.tensor, dtype: s.dtype === 'float' ? xs[0].dtype : s.dtype });
      };
      const args = ex.args.map((a) => (isSpec(a) ? sub(a) : isSpecList(a) ? a.map(sub) : a));
      return (decl.fn as (...a: unknown[]) => t.Tensor)(...args);
    };
    return [{ name: `${name} (${ex.label})`, fn, inputs, secondOrder: decl.secondOrder && !ex.noSecondOrder }];
  }),
);

const i32 = (values: number[], shape = [values.length]) => t.tensor(Int32Array.from(values), { shape, dtype: 'int32' });

/** Bad arguments of the indexing ops: named errors before any work is queued; leak-free gradients. */
export const indexingErrorCases: { name: string; run(): Promise<void> }[] = [
  {
    name: 'indexing ops name the op, the parameter and the shapes; refused calls queue nothing',
    run: async () => {
      const handles = t.memory().backend.liveHandles;
      t.tidy(() => {
        const x = t.zeros([2, 3]);
        const idx = i32([0, 2, 1, 0], [2, 2]);
        expectError(() => x.scatter(1, idx.cast('float32'), 1), t.DTypeError, /^scatter: index must be int32, got float32$/);
        expectError(() => x.scatter(1, idx, t.zeros([2, 2], { dtype: 'int32' })), t.DTypeError, /scatter: src is int32 but x is float32/);
        expectError(() => x.scatterAdd(1, i32([0, 1]), t.zeros([2])), t.ShapeError, /scatterAdd: index and src must have x's rank/);
        expectError(() => x.scatter(2, idx, 1), t.ArgumentError, /scatter: dim 2 is out of range for a tensor of rank 2/);
        expectError(
          () => x.scatterAdd(0, i32([0, 1, 0, 1, 0, 1, 0, 1], [2, 4]), t.zeros([2, 4])),
          t.ShapeError,
          /larger than .* x off dim 0/,
        );
        expectError(
          () => x.scatterReduce(1, idx, t.zeros([2, 2]), 'max' as t.ScatterReduction),
          t.ArgumentError,
          /reduce must be one of sum, prod, mean, amax, amin, got "max"/,
        );
        expectError(() => x.maskedFill(t.zeros([3]), 1), t.DTypeError, /maskedFill: mask must be bool, got float32/);
        expectError(
          () => x.maskedFill(t.zeros([3]).gt(0), t.zeros([1])),
          t.ShapeError,
          /maskedFill: a tensor value must be 0-d, got \[1\]/,
        );
        expectError(() => x.maskedFill(t.zeros([4]).gt(0), 1), t.ShapeError, /maskedFill/);
        expectError(() => x.indexPut([], 1), t.ArgumentError, /indexPut: indices must be a list of 1 to 2 int32 tensors/);
        expectError(
          () => x.indexPut([i32([0])], t.zeros([3], { dtype: 'int32' })),
          t.DTypeError,
          /indexPut: values are int32 but x is float32/,
        );
        expectError(
          () => x.indexPut([i32([0])], t.zeros([2])),
          t.ShapeError,
          /indexPut: values \[2\] do not broadcast to the indexed shape \[1,3\]/,
        );
        expectError(() => x.indexCopy(0, i32([1]), t.zeros([2, 3])), t.ShapeError, /indexCopy: source \[2,3\] must be \[1,3\]/);
        expectError(() => x.takeAlongDim(i32([0, 1]), 1), t.ShapeError, /takeAlongDim: indices \[2\] must have x's rank/);
        if (t.getBackend().readSync) {
          // Indices are read before any work where the backend reads synchronously.
          expectError(() => x.scatter(1, i32([0, 3], [1, 2]), 1), t.ArgumentError, /^scatter: index\[1\] = 3 is out of range \[0, 3\)$/);
          expectError(() => x.gather(0, i32([-1], [1, 1])), t.ArgumentError, /gather: index\[0\] = -1 is out of range \[0, 2\)/);
          expectError(() => x.indexPut([i32([-3])], 1), t.ArgumentError, /indexPut: indices\[0\]\[0\] = -3 is out of range \[-2, 2\)/);
        }
      });
      if (t.memory().backend.liveHandles !== handles) throw new Error('failed indexing ops left handles behind');
    },
  },
  {
    name: 'out-of-range scatter indices are skipped on the device where they cannot be checked first',
    run: async () => {
      if (t.getBackend().readSync) return; // refused above, before any work
      const x = t.zeros([1, 3]);
      const out = x.scatter(1, i32([1, 7], [1, 2]), 5);
      const got = Array.from(await out.data());
      if (JSON.stringify(got) !== JSON.stringify([0, 5, 0])) throw new Error(`expected [0,5,0], got [${got}]`);
      t.dispose([x, out]);
    },
  },
  {
    name: 'indexing gradients (scatterReduce prod and amax, indexPut, maskedSelectAsync) free every temporary',
    run: async () => {
      const step = async () => {
        const x = t.tensor([1.5, -2, 3, 0.5], { requiresGrad: true });
        const src = t.tensor([2, -1, 4], { requiresGrad: true });
        const index = i32([0, 0, 3]);
        const mask = t.tensor([1, 0, 1, 1], { dtype: 'bool' });
        const picked = await x.maskedSelectAsync(mask);
        const loss = t.tidy(() =>
          x
            .scatterReduce(0, index, src, 'prod')
            .add(x.scatterReduce(0, index, src, 'amax', { includeSelf: false }))
            .sum()
            .add(
              x
                .indexPut([i32([2, -1])], src.narrow(0, 0, 2), { accumulate: true })
                .square()
                .sum(),
            )
            .add(picked.sum()),
        );
        loss.backward();
        t.dispose([x.grad, src.grad, x, src, index, mask, picked, loss]);
      };
      await step();
      const live = t.memory().tensors;
      await step();
      await step();
      if (t.memory().tensors !== live) throw new Error(`live tensors grew from ${live} to ${t.memory().tensors}`);
    },
  },
];
