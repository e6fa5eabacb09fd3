/**
 * The movement ops' cases, derived from core's MOVEMENT_OPS: for every op
 * and every argument list its line gives, the forward values against the
 * line's reference (float32, int32 and bool), a 0-byte check that the op is
 * a view of a dense input (memory.ts runs it), and a gradcheck (and so a
 * gradgradcheck); plus matmul over transposed views, which reads them in place.
 */
import * as t from '@tensile/core';
import { assertClose } from '../compare.js';
import { type Ref, forEachIndex, randomRef, sizeOf, stridesOf } from '../reference.js';
import type { ForwardCase } from './forward.js';
import type { GradCase } from './gradcheck.js';

type AnyDecl = t.MovementDecl<readonly unknown[]>;

/** Every (op, case) of the table, named by its arguments. */
const tableCases = t.MOVEMENT_OP_NAMES.flatMap((op) => {
  const decl = t.MOVEMENT_OPS[op] as unknown as AnyDecl;
  return decl.cases.map(([shape, ...args]) => ({
    op,
    decl,
    shape,
    args,
    name: `${op}(${args.map((a) => JSON.stringify(a)).join(', ')}) of [${shape}]`,
  }));
});

/** What the reference says `op(x, ...args)` holds, from the line's shape rule and index map. */
function movementRef(decl: AnyDecl, x: Ref, args: readonly unknown[]): Ref {
  const shape = decl.ref.shape(x.shape, ...args);
  const data = new Float64Array(sizeOf(shape));
  const strides = stridesOf(x.shape);
  forEachIndex(shape, (idx, flat) => {
    const src = decl.ref.source(idx, x.shape, ...args);
    data[flat] = x.data[src.reduce((s, v, d) => s + v * strides[d], 0)];
  });
  return { shape, data };
}

/** Distinct, exactly representable values (0/1 for bool). */
function ramp(shape: readonly number[], dtype: t.DType): Ref {
  const value = (i: number) => (dtype === 'bool' ? (i % 3 === 0 ? 1 : 0) : dtype === 'int32' ? i - 7 : i * 0.5 - 3);
  return { shape: [...shape], data: Float64Array.from({ length: sizeOf(shape) }, (_, i) => value(i)) };
}

export function movementForwardCases(dtypes: readonly t.DType[]): ForwardCase[] {
  return dtypes
    .filter((d) => d !== 'float64')
    .flatMap((dtype) =>
      tableCases.map(({ decl, shape, args, name }) => ({
        name: `movement ${name} ${dtype}`,
        run: async (tol) => {
          const r = ramp(shape, dtype);
          const x = t.tensor(Float64Array.from(r.data), { shape: r.shape, dtype });
          const out = decl.fn(x, ...args);
          assertClose(
            `movement ${name} ${dtype}`,
            (await out.data<t.DataArray>()) as ArrayLike<number>,
            out.shape,
            movementRef(decl, r, args),
            tol,
          );
          t.dispose([x, out]);
        },
      })),
    );
}

/** Each movement op of the table on a dense input allocates no backend memory. */
export const movementViewCases = tableCases.map(({ decl, shape, args, name }) => ({
  name: `movement ${name} is a view: 0 bytes`,
  run: async () => {
    const x = t.ones(shape as number[]);
    const before = t.memory().backend;
    const out = decl.fn(x, ...args);
    const after = t.memory().backend;
    if (after.liveBytes !== before.liveBytes || after.liveHandles !== before.liveHandles) {
      throw new Error(
        `${name}: allocated ${after.liveBytes - before.liveBytes} bytes in ${after.liveHandles - before.liveHandles} handles, expected a view (0)`,
      );
    }
    t.dispose([x, out]);
  },
}));

export const movementGradCases: GradCase[] = [
  ...tableCases.map(
    ({ decl, shape, args, name }, i): GradCase => ({
      name: `movement ${name}`,
      fn: (x) => decl.fn(x, ...args),
      inputs: [randomRef(shape, 300 + i)],
    }),
  ),
  // matmul takes a transposed view as its storage with the transpose flag flipped (no copy).
  {
    name: 'matmul of transposed views (a.T · b.transpose(-2, -1), batched)',
    fn: (a, b) => a.T.matmul(b.transpose(-2, -1)),
    inputs: [randomRef([3, 2], 290), randomRef([2, 4, 3], 291)],
  },
];
