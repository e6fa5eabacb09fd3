import * as t from '@tensile/core';

/** Every kernel of the contract that is not optional (core's list; the fused fast paths are left out). */
const REQUIRED = t.REQUIRED_KERNEL_NAMES;

/** The unary ops core composes when a backend does not fuse them (those with a composite in its table). */
const COMPOSABLE = new Set<t.UnaryOp>(t.UNARY_OP_NAMES.filter((op) => (t.UNARY_OPS[op] as t.UnaryDecl).composite !== undefined));

/**
 * The backend a third party would write with the fewest kernels: only the
 * required ones of `backend` (no fusedUnary, clamp, softmax, conv2d,
 * matmulBias, …), and a `unary` that refuses the composable ops, so the
 * conformance suite proves core composes everything else.
 */
export function requiredOnly(backend: t.Backend): t.Backend {
  const kernels = Object.fromEntries(REQUIRED.map((name) => [name, (backend[name] as (...a: unknown[]) => unknown).bind(backend)]));
  return {
    ...(kernels as unknown as t.RequiredKernels),
    name: `${backend.name} (required kernels only)`,
    dtypes: backend.dtypes,
    memory: () => backend.memory(),
    ...(backend.readSync ? { readSync: backend.readSync.bind(backend) } : {}),
    ...(backend.dispose ? { dispose: backend.dispose.bind(backend) } : {}),
    unary(op, x, dtype, size) {
      if (COMPOSABLE.has(op))
        throw new t.BackendError(`${backend.name} (required kernels only): unary '${op}' is composable; core must compose it`);
      return backend.unary(op, x, dtype, size);
    },
  };
}
