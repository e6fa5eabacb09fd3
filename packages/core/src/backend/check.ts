import { ArgumentError } from '../errors.js';
import type { Backend, DType, RequiredKernels } from './backend.js';

/**
 * Every required kernel by name. Typed as an exhaustive table of
 * RequiredKernels, so adding a kernel to the contract without listing it here
 * does not compile.
 */
const REQUIRED: { readonly [K in keyof RequiredKernels]-?: true } = {
  upload: true,
  fill: true,
  read: true,
  free: true,
  unary: true,
  binary: true,
  where: true,
  cast: true,
  reduce: true,
  scan: true,
  sort: true,
  matmul: true,
  strided: true,
  concat: true,
  pad: true,
  gather: true,
  scatterAdd: true,
  scatterReduce: true,
  im2col: true,
  col2im: true,
};

/** The names of every required kernel, for tools that build or wrap backends (the conformance suite's requiredOnly). */
export const REQUIRED_KERNEL_NAMES = Object.keys(REQUIRED) as readonly (keyof RequiredKernels)[];

/** The dtypes every backend stores (float64 is optional). */
const REQUIRED_DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/**
 * Throws unless value fulfils the backend contract at runtime: a name, the
 * required dtypes, memory() and every required kernel. JavaScript callers and
 * casts get past the compiler; this names what is missing before a tensor
 * fails with `b.upload is not a function` in the middle of a model.
 */
export function checkBackend(op: string, value: unknown): asserts value is Backend {
  if (typeof value !== 'object' || value === null) {
    throw new ArgumentError(
      `${op}: expected a backend object (e.g. cpu() from @tensile/backend-cpu), got ${value === null ? 'null' : typeof value}`,
    );
  }
  const b = value as Record<string, unknown>;
  const label = typeof b.name === 'string' && b.name ? `backend '${b.name}'` : 'the backend';
  const problems: string[] = [];
  if (typeof b.name !== 'string' || !b.name) problems.push("no 'name' string");
  const missing = [...Object.keys(REQUIRED), 'memory'].filter((k) => typeof b[k] !== 'function');
  if (missing.length) problems.push(`missing kernels: ${missing.join(', ')}`);
  if (!Array.isArray(b.dtypes)) {
    problems.push("no 'dtypes' array");
  } else {
    const lacking = REQUIRED_DTYPES.filter((d) => !(b.dtypes as unknown[]).includes(d));
    if (lacking.length) problems.push(`dtypes lack ${lacking.join(', ')} (float32, int32 and bool are required)`);
  }
  if (problems.length) {
    throw new ArgumentError(`${op}: ${label} does not implement the backend contract: ${problems.join('; ')}`);
  }
}
