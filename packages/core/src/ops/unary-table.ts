/**
 * One declaration per elementwise unary op. From this table come the
 * `UnaryOp` union of the backend contract, the Tensor methods and their
 * types, the functional exports and the conformance cases (forward against
 * `ref`, gradcheck and gradgradcheck of `grad` over `domain`). Adding an op
 * here without a kernel in every backend's exhaustive table does not compile.
 */
import type { Tensor } from '../tensor.js';
import { where } from './elementwise.js';

/**
 * - `float`: float dtypes only; int32 and bool inputs are computed in float32.
 * - `numeric`: any dtype but bool; the result has the input dtype.
 * - `bool`: bool -> bool.
 * - `predicate`: numeric -> bool (all false for int32).
 */
export type UnaryDTypeRule = 'float' | 'numeric' | 'bool' | 'predicate';

/** An op's numeric options (softplus's beta and threshold), defaults in the table. */
export type UnaryParams = Readonly<Record<string, number>>;

/** The input's gradient from the output's (g), the input, the output and the op's options, written with tensor ops. */
export type UnaryGrad = (g: Tensor, x: Tensor, out: Tensor, p: UnaryParams) => Tensor;

export interface UnaryDecl {
  readonly dtype: UnaryDTypeRule;
  /** The Tensor method and functional name, where it is not the op's. */
  readonly method?: string;
  /** The op in float64 JS, for the conformance suite. */
  readonly ref: (x: number) => number;
  /** Where random test inputs are drawn from; `kink` keeps gradcheck inputs away from 0. */
  readonly domain: readonly [number, number];
  readonly kink?: true;
  /** `zero` for step functions; null for ops with a bool result. */
  readonly grad: UnaryGrad | 'zero' | null;
  /**
   * The op composed of other ops (forward only: the gradient is still `grad`).
   * An op with one is optional for a backend: core composes it unless the
   * backend lists it in `fusedUnary`.
   */
  readonly composite?: (x: Tensor, p: UnaryParams) => Tensor;
  /**
   * Numeric options with their defaults: the method and function take them as
   * an options object. An op with options has a composite and never reaches
   * a backend (no kernel, no op code).
   */
  readonly params?: UnaryParams;
}

const SQRT_PI = Math.sqrt(Math.PI);

// Gradients carry a `: Tensor` return type: Tensor's methods are typed from this table, so inferring it would be circular.
// biome-ignore format: one op per line, forward and gradient side by side
export const UNARY_OPS = {
  neg:        { dtype: 'numeric', ref: (v) => -v, domain: [-3, 3], grad: (g): Tensor => g.neg() },
  abs:        { dtype: 'numeric', ref: Math.abs, domain: [-3, 3], kink: true, grad: (g, x): Tensor => g.mul(x.sign()) },
  // PyTorch: sign(NaN) = 0 and sign(±0) = 0.
  sign:       { dtype: 'numeric', ref: (v) => (v > 0 ? 1 : v < 0 ? -1 : 0), domain: [-3, 3], grad: 'zero' },
  square:     { dtype: 'numeric', ref: (v) => v * v, domain: [-3, 3], grad: (g, x): Tensor => g.mul(x).mul(2), composite: (x): Tensor => x.mul(x) },
  exp:        { dtype: 'float', ref: Math.exp, domain: [-5, 5], grad: (g, _x, out): Tensor => g.mul(out) },
  log:        { dtype: 'float', ref: Math.log, domain: [0.01, 10], grad: (g, x): Tensor => g.div(x) },
  // Composed with Goldberg's correction: log(u)·x/(u-1), u = 1 + x, exact to rounding near 0.
  log1p:      { dtype: 'float', ref: Math.log1p, domain: [-0.9, 10], grad: (g, x): Tensor => g.div(x.add(1)), composite: (x): Tensor => viaU(x, x.add(1), (u) => u.log().mul(x).div(u.sub(1))) },
  // Composed with Kahan's correction: (u-1)·x/log(u), u = exp(x); u = 0 gives -1.
  expm1:      { dtype: 'float', ref: Math.expm1, domain: [-3, 3], grad: (g, _x, out): Tensor => g.mul(out.add(1)), composite: (x): Tensor => viaU(x, x.exp(), (u) => where(u.eq(0), -1, u.sub(1).mul(x).div(u.log()))) },
  sqrt:       { dtype: 'float', ref: Math.sqrt, domain: [0, 10], grad: (g, _x, out): Tensor => g.div(out.mul(2)) },
  // -½·x^(-3/2) written as -½·out³, as PyTorch: at x = -0 it is +inf (out/x would give -inf).
  rsqrt:      { dtype: 'float', ref: (v) => 1 / Math.sqrt(v), domain: [0.1, 10], grad: (g, _x, out): Tensor => g.mul(out.square().mul(out)).mul(-0.5), composite: (x): Tensor => x.sqrt().reciprocal() },
  reciprocal: { dtype: 'float', ref: (v) => 1 / v, domain: [0.1, 10], grad: (g, _x, out): Tensor => g.mul(out.square()).neg() },
  sin:        { dtype: 'float', ref: Math.sin, domain: [-6, 6], grad: (g, x): Tensor => g.mul(x.cos()) },
  cos:        { dtype: 'float', ref: Math.cos, domain: [-6, 6], grad: (g, x): Tensor => g.mul(x.sin()).neg() },
  // tanh(x) = sign(x)·(1 - e)/(1 + e), e = exp(-2|x|): no overflow, and exact near 0 through expm1.
  tanh:       { dtype: 'float', ref: Math.tanh, domain: [-5, 5], grad: (g, _x, out): Tensor => g.mul(out.square().neg().add(1)), composite: (x): Tensor => { const e = x.abs().mul(-2).expm1(); return e.neg().div(e.add(2)).mul(x.sign()); } },
  // e/(1+e) below 0, e = exp(-|x|): keeps the tiny values of very negative x that 1/(1+exp(-x)) rounds to 0.
  sigmoid:    { dtype: 'float', ref: (v) => 1 / (1 + Math.exp(-v)), domain: [-8, 8], grad: (g, _x, out): Tensor => g.mul(out).mul(out.neg().add(1)), composite: (x): Tensor => { const e = x.abs().neg().exp(); const r = e.add(1).reciprocal(); return where(x.lt(0), e.mul(r), r); } },
  erf:        { dtype: 'float', ref: erfRef, domain: [-3, 3], grad: (g, x): Tensor => g.mul(x.square().neg().exp()).mul(2 / SQRT_PI) },
  // PyTorch's threshold rule: the gradient is cut where out ≤ 0 only, so it passes at NaN.
  relu:       { dtype: 'numeric', ref: (v) => (v < 0 ? 0 : v), domain: [-3, 3], kink: true, grad: (g, _x, out): Tensor => where(out.le(0), 0, g), composite: (x): Tensor => where(x.lt(0), 0, x) },
  // PyTorch's softplus: log(1 + exp(βx))/β, and x itself where βx > threshold; the exponent is clamped there so the
  // branch where() drops never overflows (anomaly mode would flag its inf).
  softplus:   { dtype: 'float', params: { beta: 1, threshold: 20 }, ref: (v) => (v > 20 ? v : Math.log1p(Math.exp(v))), domain: [-5, 5], grad: (g, x, _out, p): Tensor => { const bx = x.mul(p.beta); return g.mul(where(bx.gt(p.threshold), 1, bx.sigmoid())); }, composite: (x, p): Tensor => { const bx = x.mul(p.beta); return where(bx.gt(p.threshold), x, bx.clamp(null, p.threshold).exp().log1p().div(p.beta)); } },
  floor:      { dtype: 'numeric', ref: Math.floor, domain: [-3, 3], grad: 'zero' },
  ceil:       { dtype: 'numeric', ref: Math.ceil, domain: [-3, 3], grad: 'zero' },
  // Halves round to even, as PyTorch and NumPy.
  round:      { dtype: 'numeric', ref: roundHalfEven, domain: [-3, 3], grad: 'zero' },
  not:        { dtype: 'bool', method: 'logicalNot', ref: (v) => (v === 0 ? 1 : 0), domain: [0, 1], grad: null },
  isnan:      { dtype: 'predicate', method: 'isNaN', ref: (v) => (Number.isNaN(v) ? 1 : 0), domain: [-3, 3], grad: null },
  isinf:      { dtype: 'predicate', method: 'isInf', ref: (v) => (v === Infinity || v === -Infinity ? 1 : 0), domain: [-3, 3], grad: null },
} as const satisfies Record<string, UnaryDecl>;

type Table = typeof UNARY_OPS;

/**
 * Every elementwise unary op; a backend's unary kernel takes each of them.
 * The rules per op (in JSDoc, so that they reach the published .d.ts):
 *
 * - `sign`: sign(±0) = 0, sign(NaN) = 0 (PyTorch). `relu`: relu(NaN) = NaN.
 * - `floor`, `ceil`, `round` of int32 return it unchanged; in `round`,
 *   halves round to even, as PyTorch and NumPy (round(2.5) = 2, round(-0.5) = -0).
 * - float-only ops (exp, log, sqrt, tanh, …) give IEEE results for NaN, ±Inf
 *   and domain errors (log(-1) = NaN, log(0) = -Inf, rsqrt(0) = Inf); core
 *   casts int and bool inputs to float32 first.
 * - `not`: bool -> bool. `isnan`, `isinf`: numeric -> bool (all false for int32).
 */
export type UnaryOp = keyof Table;
/** The ops of one dtype rule (a backend's int32 table covers `UnaryOpOf<'numeric' | 'predicate'>`). */
export type UnaryOpOf<R extends UnaryDTypeRule> = { [K in KernelUnaryOp]: Table[K]['dtype'] extends R ? K : never }[KernelUnaryOp];
/** The Tensor method (and functional) name of op K. */
export type UnaryMethodName<K extends UnaryOp> = K extends UnaryOp ? (Table[K] extends { method: infer M extends string } ? M : K) : never;
/** The unary Tensor methods, typed from the table: bool-valued ops return Tensor<'bool'>. */
export type UnaryMethods = { [K in UnaryOp as UnaryMethodName<K>]: (options?: UnaryOptions<K>) => UnaryResult<K> };
/** The options object of op K (none for most ops). */
export type UnaryOptions<K extends UnaryOp> = Table[K] extends { params: infer P } ? { [N in keyof P]?: number } : undefined;
/** The tensor type op K returns: bool-valued ops give Tensor<'bool'>. */
export type UnaryResult<K extends UnaryOp> = Table[K]['dtype'] extends 'bool' | 'predicate' ? Tensor<'bool'> : Tensor;

/** The ops a backend's unary kernels can be asked for (all but those with options, which core always composes). */
export type KernelUnaryOp = { [K in UnaryOp]: Table[K] extends { params: unknown } ? never : K }[UnaryOp];
/** The ops every backend implements (no composite). */
export type RequiredUnaryOp = { [K in UnaryOp]: Table[K] extends { composite: unknown } ? never : K }[UnaryOp];
/** The ops a backend may fuse (its `fusedUnary` kernel); core composes them otherwise. */
export type FusedUnaryOp = Exclude<KernelUnaryOp, RequiredUnaryOp>;

/** The op names, in table order. */
export const UNARY_OP_NAMES = Object.keys(UNARY_OPS) as UnaryOp[];
/** The ops that reach kernels, in table order (the wasm op codes are indices into this list). */
export const UNARY_KERNEL_OP_NAMES = UNARY_OP_NAMES.filter((op) => (UNARY_OPS[op] as UnaryDecl).params === undefined) as KernelUnaryOp[];

/** The method name of op `op`. */
export function unaryMethodName<K extends UnaryOp>(op: K): UnaryMethodName<K> {
  const decl: UnaryDecl = UNARY_OPS[op];
  return (decl.method ?? op) as UnaryMethodName<K>;
}

/**
 * f(u) where it is finite and u carries information; x itself where u rounds
 * to 1 (f would be 0/0), and u's own limit where u is infinite.
 */
function viaU(x: Tensor, u: Tensor, f: (u: Tensor) => Tensor): Tensor {
  return where(u.eq(1), x, where(u.isInf(), u, f(u)));
}

/** Round half to even (Math.round rounds half up). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** erf in float64: Maclaurin series near 0, a continued fraction for erfc further out. */
function erfRef(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  if (ax < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / SQRT_PI) * sum;
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / SQRT_PI / (ax + f);
  return Math.sign(x) * (1 - erfc);
}
