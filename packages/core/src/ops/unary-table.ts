/**
 * One declaration per elementwise unary op. From this table come the
 * `UnaryOp` union of the backend contract, the Tensor methods and their
 * types, the functional exports and the conformance cases (forward against
 * `ref`, gradcheck and gradgradcheck of `grad` over `domain`). Adding an op
 * here without a kernel in every backend's exhaustive table does not compile.
 */
import type { Tensor } from '../tensor.js';
import { atan2, pow, softplus, where } from './elementwise.js';

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
   * Core always composes it, and the op never reaches a backend (no kernel,
   * no op code), unless it is `fusable`.
   */
  readonly composite?: (x: Tensor, p: UnaryParams) => Tensor;
  /**
   * A composite op that a backend may run itself: it is a kernel op (a wasm
   * op code, a case in each C switch), optional for a backend, which lists it
   * in `fusedUnary`; core composes it where the backend does not.
   */
  readonly fusable?: true;
  /**
   * Numeric options with their defaults: the method and function take them as
   * an options object. An op with options has a composite and is not fusable.
   */
  readonly params?: UnaryParams;
  /** What is wrong with the options, if anything (celu's alpha 0), for an ArgumentError naming the op. */
  readonly invalid?: (p: UnaryParams) => string | null;
}

const SQRT_PI = Math.sqrt(Math.PI);
/** SELU's constants (Klambauer et al., 2017), as PyTorch's. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
/** Above this, asinh(x) = log(2x) and acosh(x) = log(2x) to float64 rounding (x² would overflow float32 further up). */
const HUGE = 2 ** 28;

// Gradients carry a `: Tensor` return type: Tensor's methods are typed from this table, so inferring it would be circular.
// biome-ignore format: one op per line, forward and gradient side by side
export const UNARY_OPS = {
  neg:        { dtype: 'numeric', ref: (v) => -v, domain: [-3, 3], grad: (g): Tensor => g.neg() },
  abs:        { dtype: 'numeric', ref: Math.abs, domain: [-3, 3], kink: true, grad: (g, x): Tensor => g.mul(x.sign()) },
  // PyTorch: sign(NaN) = 0 and sign(±0) = 0.
  sign:       { dtype: 'numeric', ref: (v) => (v > 0 ? 1 : v < 0 ? -1 : 0), domain: [-3, 3], grad: 'zero' },
  square:     { fusable: true, dtype: 'numeric', ref: (v) => v * v, domain: [-3, 3], grad: (g, x): Tensor => g.mul(x).mul(2), composite: (x): Tensor => x.mul(x) },
  exp:        { dtype: 'float', ref: Math.exp, domain: [-5, 5], grad: (g, _x, out): Tensor => g.mul(out) },
  log:        { dtype: 'float', ref: Math.log, domain: [0.01, 10], grad: (g, x): Tensor => g.div(x) },
  // Composed with Goldberg's correction: log(u)·x/(u-1), u = 1 + x, exact to rounding near 0.
  log1p:      { fusable: true, dtype: 'float', ref: Math.log1p, domain: [-0.9, 10], grad: (g, x): Tensor => g.div(x.add(1)), composite: (x): Tensor => viaU(x, x.add(1), (u) => u.log().mul(x).div(u.sub(1))) },
  // Composed with Kahan's correction: (u-1)·x/log(u), u = exp(x); u = 0 gives -1.
  expm1:      { fusable: true, dtype: 'float', ref: Math.expm1, domain: [-3, 3], grad: (g, _x, out): Tensor => g.mul(out.add(1)), composite: (x): Tensor => viaU(x, x.exp(), (u) => where(u.eq(0), -1, u.sub(1).mul(x).div(u.log()))) },
  sqrt:       { dtype: 'float', ref: Math.sqrt, domain: [0, 10], grad: (g, _x, out): Tensor => g.div(out.mul(2)) },
  // -½·x^(-3/2) written as -½·out³, as PyTorch: at x = -0 it is +inf (out/x would give -inf).
  rsqrt:      { fusable: true, dtype: 'float', ref: (v) => 1 / Math.sqrt(v), domain: [0.1, 10], grad: (g, _x, out): Tensor => g.mul(out.square().mul(out)).mul(-0.5), composite: (x): Tensor => x.sqrt().reciprocal() },
  reciprocal: { dtype: 'float', ref: (v) => 1 / v, domain: [0.1, 10], grad: (g, _x, out): Tensor => g.mul(out.square()).neg() },
  sin:        { dtype: 'float', ref: Math.sin, domain: [-6, 6], grad: (g, x): Tensor => g.mul(x.cos()) },
  cos:        { dtype: 'float', ref: Math.cos, domain: [-6, 6], grad: (g, x): Tensor => g.mul(x.sin()).neg() },
  // tanh(x) = sign(x)·(1 - e)/(1 + e), e = exp(-2|x|): no overflow, and exact near 0 through expm1.
  tanh:       { fusable: true, dtype: 'float', ref: Math.tanh, domain: [-5, 5], grad: (g, _x, out): Tensor => g.mul(out.square().neg().add(1)), composite: (x): Tensor => { const e = x.abs().mul(-2).expm1(); return e.neg().div(e.add(2)).mul(x.sign()); } },
  // e/(1+e) below 0, e = exp(-|x|): keeps the tiny values of very negative x that 1/(1+exp(-x)) rounds to 0.
  sigmoid:    { fusable: true, dtype: 'float', ref: (v) => 1 / (1 + Math.exp(-v)), domain: [-8, 8], grad: (g, _x, out): Tensor => g.mul(out).mul(out.neg().add(1)), composite: (x): Tensor => { const e = x.abs().neg().exp(); const r = e.add(1).reciprocal(); return where(x.lt(0), e.mul(r), r); } },
  erf:        { dtype: 'float', ref: erfRef, domain: [-3, 3], grad: (g, x): Tensor => g.mul(x.square().neg().exp()).mul(2 / SQRT_PI) },
  // PyTorch's threshold rule: the gradient is cut where out ≤ 0 only, so it passes at NaN.
  relu:       { fusable: true, dtype: 'numeric', ref: (v) => (v < 0 ? 0 : v), domain: [-3, 3], kink: true, grad: (g, _x, out): Tensor => where(out.le(0), 0, g), composite: (x): Tensor => where(x.lt(0), 0, x) },
  // PyTorch's softplus: log(1 + exp(βx))/β, and x itself where βx > threshold; the exponent is clamped there so the
  // branch where() drops never overflows (anomaly mode would flag its inf).
  softplus:   { dtype: 'float', params: { beta: 1, threshold: 20 }, ref: (v) => (v > 20 ? v : Math.log1p(Math.exp(v))), domain: [-5, 5], grad: (g, x, _out, p): Tensor => { const bx = x.mul(p.beta); return g.mul(where(bx.gt(p.threshold), 1, bx.sigmoid())); }, composite: (x, p): Tensor => { const bx = x.mul(p.beta); return where(bx.gt(p.threshold), x, bx.clamp(null, p.threshold).exp().log1p().div(p.beta)); } },
  floor:      { dtype: 'numeric', ref: Math.floor, domain: [-3, 3], grad: 'zero' },
  ceil:       { dtype: 'numeric', ref: Math.ceil, domain: [-3, 3], grad: 'zero' },
  // Halves round to even, as PyTorch and NumPy.
  round:      { dtype: 'numeric', ref: roundHalfEven, domain: [-3, 3], grad: 'zero' },
  // Composites: core always builds them from the ops above, so they cost no backend anything.
  tan:        { dtype: 'float', ref: Math.tan, domain: [-1.2, 1.2], grad: (g, _x, out): Tensor => g.mul(out.square().add(1)), composite: (x): Tensor => x.sin().div(x.cos()) },
  // asin, acos through atan2 of (x, √((1-x)(1+x))): full float accuracy up to ±1, NaN beyond.
  asin:       { dtype: 'float', ref: Math.asin, domain: [-0.9, 0.9], grad: (g, x): Tensor => g.mul(oneMinusSquare(x).rsqrt()), composite: (x): Tensor => atan2(x, oneMinusSquare(x).sqrt()) },
  acos:       { dtype: 'float', ref: Math.acos, domain: [-0.9, 0.9], grad: (g, x): Tensor => g.mul(oneMinusSquare(x).rsqrt()).neg(), composite: (x): Tensor => atan2(oneMinusSquare(x).sqrt(), x) },
  atan:       { dtype: 'float', ref: Math.atan, domain: [-3, 3], grad: (g, x): Tensor => g.div(x.square().add(1)), composite: (x): Tensor => atan2(x, 1) },
  // (expm1(x) - expm1(-x))/2: no cancellation near 0, ±inf (not NaN) where exp overflows.
  sinh:       { dtype: 'float', ref: Math.sinh, domain: [-3, 3], grad: (g, x): Tensor => g.mul(x.cosh()), composite: (x): Tensor => x.expm1().sub(x.neg().expm1()).mul(0.5) },
  cosh:       { dtype: 'float', ref: Math.cosh, domain: [-3, 3], grad: (g, x): Tensor => g.mul(x.sinh()), composite: (x): Tensor => x.exp().add(x.neg().exp()).mul(0.5) },
  // log1p(a + a²/(1 + √(1 + a²))) for a = |x| (exact near 0), log(2a) where a² would overflow; odd.
  asinh:      { dtype: 'float', ref: Math.asinh, domain: [-5, 5], grad: (g, x): Tensor => g.mul(x.square().add(1).rsqrt()), composite: (x): Tensor => { const a = x.abs(); const r = hugeOr(a, (s) => s.add(s.square().div(s.square().add(1).sqrt().add(1))).log1p()); return where(x.lt(0), r.neg(), r); } },
  // log1p(t + √(t(t + 2))) for t = x - 1 (exact near 1), log(2x) where t² would overflow; NaN below 1.
  acosh:      { dtype: 'float', ref: Math.acosh, domain: [1.2, 5], grad: (g, x): Tensor => g.mul(x.sub(1).mul(x.add(1)).rsqrt()), composite: (x): Tensor => hugeOr(x, (s) => { const t = s.sub(1); return t.add(t.mul(t.add(2)).sqrt()).log1p(); }) },
  // ½·log1p(2x/(1 - x)): exact near 0, ±inf at ±1, NaN beyond.
  atanh:      { dtype: 'float', ref: Math.atanh, domain: [-0.8, 0.8], grad: (g, x): Tensor => g.div(oneMinusSquare(x)), composite: (x): Tensor => x.mul(2).div(x.neg().add(1)).log1p().mul(0.5) },
  log2:       { dtype: 'float', ref: Math.log2, domain: [0.01, 10], grad: (g, x): Tensor => g.div(x.mul(Math.LN2)), composite: (x): Tensor => x.log().div(Math.LN2) },
  log10:      { dtype: 'float', ref: Math.log10, domain: [0.01, 10], grad: (g, x): Tensor => g.div(x.mul(Math.LN10)), composite: (x): Tensor => x.log().div(Math.LN10) },
  // 2^x through pow, so whole x give exact powers of two.
  exp2:       { dtype: 'float', ref: (v) => 2 ** v, domain: [-5, 5], grad: (g, _x, out): Tensor => g.mul(out).mul(Math.LN2), composite: (x): Tensor => pow(2, x) },
  // Rounds toward 0; of int32 the input itself.
  trunc:      { dtype: 'numeric', ref: Math.trunc, domain: [-3, 3], grad: 'zero', composite: (x): Tensor => where(x.lt(0), x.ceil(), x.floor()) },
  // x - trunc(x), with x's sign (frac(-1.5) = -0.5); NaN for ±inf; 0 for int32.
  frac:       { dtype: 'numeric', ref: (v) => v - Math.trunc(v), domain: [-3, 3], grad: (g): Tensor => g, composite: (x): Tensor => x.sub(x.trunc()) },
  // PyTorch's activations, as core ops (layers' modules call these).
  // x·tanh(softplus(x)); PyTorch's gradient tanh(sp) + x·σ(x)·(1 - tanh²(sp)).
  mish:       { dtype: 'float', ref: (v) => v * Math.tanh(v > 20 ? v : Math.log1p(Math.exp(v))), domain: [-5, 5], grad: (g, x): Tensor => { const t = softplus(x).tanh(); return g.mul(t.add(x.mul(x.sigmoid()).mul(t.square().neg().add(1)))); }, composite: (x): Tensor => x.mul(softplus(x).tanh()) },
  // x·relu6(x + 3)/6; the gradient x/3 + ½ on [-3, 3] (both ends), 0 below, 1 above, as PyTorch's.
  hardswish:  { dtype: 'float', ref: (v) => (v <= -3 ? 0 : v >= 3 ? v : (v * (v + 3)) / 6), domain: [-5, 5], grad: (g, x): Tensor => where(x.lt(-3), 0, where(x.le(3), g.mul(x.div(3).add(0.5)), g)), composite: (x): Tensor => where(x.le(-3), 0, where(x.ge(3), x, x.mul(x.add(3)).div(6))) },
  // relu6(x + 3)/6; the gradient 1/6 strictly inside (-3, 3), as PyTorch's, whose 1/6 is a float32 constant in every dtype.
  hardsigmoid: { dtype: 'float', ref: (v) => Math.min(Math.max(v + 3, 0), 6) / 6, domain: [-5, 5], grad: (g, x): Tensor => where(x.gt(-3).logicalAnd(x.lt(3)), g.mul(Math.fround(1 / 6)), 0), composite: (x): Tensor => x.add(3).clamp(0, 6).div(6) },
  // min(max(x, 0), 6); the gradient 1 strictly inside (0, 6), 0 at and beyond the bounds (PyTorch's hardtanh_backward).
  relu6:      { dtype: 'numeric', ref: (v) => Math.min(Math.max(v, 0), 6), domain: [-3, 8], kink: true, grad: (g, x): Tensor => where(x.gt(0).logicalAnd(x.lt(6)), g, 0), composite: (x): Tensor => x.clamp(0, 6) },
  // scale·(x where x > 0, else α·(eˣ - 1)). expm1 and exp only of the non-positive part, so the branch where() drops stays finite.
  selu:       { dtype: 'float', ref: (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)), domain: [-3, 3], kink: true, grad: (g, x): Tensor => g.mul(where(x.gt(0), SELU_SCALE, nonPositive(x).exp().mul(SELU_SCALE * SELU_ALPHA))), composite: (x): Tensor => elu(x, SELU_ALPHA).mul(SELU_SCALE) },
  elu:        { dtype: 'float', params: { alpha: 1 }, ref: (v) => (v > 0 ? v : Math.expm1(v)), domain: [-3, 3], kink: true, grad: (g, x, _out, p): Tensor => g.mul(where(x.gt(0), 1, nonPositive(x).exp().mul(p.alpha))), composite: (x, p): Tensor => elu(x, p.alpha) },
  // max(0, x) + min(0, α·(exp(x/α) - 1)).
  celu:       { dtype: 'float', params: { alpha: 1 }, invalid: (p) => (p.alpha === 0 ? 'alpha cannot be 0 (it divides x), as in PyTorch' : null), ref: (v) => (v > 0 ? v : Math.expm1(v)), domain: [-3, 3], kink: true, grad: (g, x, _out, p): Tensor => g.mul(where(x.gt(0), 1, nonPositive(x).div(p.alpha).exp())), composite: (x, p): Tensor => where(x.gt(0), x, nonPositive(x).div(p.alpha).expm1().mul(p.alpha)) },
  leakyRelu:  { dtype: 'float', params: { negativeSlope: 0.01 }, ref: (v) => (v > 0 ? v : 0.01 * v), domain: [-3, 3], kink: true, grad: (g, x, _out, p): Tensor => where(x.gt(0), g, g.mul(p.negativeSlope)), composite: (x, p): Tensor => where(x.gt(0), x, x.mul(p.negativeSlope)) },
  // min(x, 0) - log1p(exp(-|x|)): never overflows, exact for very negative x; the gradient σ(-x).
  logsigmoid: { dtype: 'float', ref: (v) => Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v))), domain: [-8, 8], grad: (g, x): Tensor => g.mul(x.neg().sigmoid()), composite: (x): Tensor => x.clamp(null, 0).sub(x.abs().neg().exp().log1p()) },
  not:        { dtype: 'bool', method: 'logicalNot', ref: (v) => (v === 0 ? 1 : 0), domain: [0, 1], grad: null },
  isnan:      { dtype: 'predicate', method: 'isNaN', ref: (v) => (Number.isNaN(v) ? 1 : 0), domain: [-3, 3], grad: null },
  isinf:      { dtype: 'predicate', method: 'isInf', ref: (v) => (v === Infinity || v === -Infinity ? 1 : 0), domain: [-3, 3], grad: null },
  isfinite:   { dtype: 'predicate', method: 'isFinite', ref: (v) => (Number.isFinite(v) ? 1 : 0), domain: [-3, 3], grad: null, composite: (x): Tensor => x.isNaN().logicalOr(x.isInf()).logicalNot() },
  isposinf:   { dtype: 'predicate', method: 'isPosInf', ref: (v) => (v === Infinity ? 1 : 0), domain: [-3, 3], grad: null, composite: (x): Tensor => x.isInf().logicalAnd(x.gt(0)) },
  isneginf:   { dtype: 'predicate', method: 'isNegInf', ref: (v) => (v === -Infinity ? 1 : 0), domain: [-3, 3], grad: null, composite: (x): Tensor => x.isInf().logicalAnd(x.lt(0)) },
} as const satisfies Record<string, UnaryDecl>;

type Table = typeof UNARY_OPS;

/**
 * Every elementwise unary op (a backend's unary kernel takes the
 * `KernelUnaryOp`s among them; core composes the rest).
 * The rules per op (in JSDoc, so that they reach the published .d.ts):
 *
 * - `sign`: sign(±0) = 0, sign(NaN) = 0 (PyTorch). `relu`: relu(NaN) = NaN.
 * - `floor`, `ceil`, `round` of int32 return it unchanged; in `round`,
 *   halves round to even, as PyTorch and NumPy (round(2.5) = 2, round(-0.5) = -0).
 * - float-only ops (exp, log, sqrt, tanh, …) give IEEE results for NaN, ±Inf
 *   and domain errors (log(-1) = NaN, log(0) = -Inf, rsqrt(0) = Inf); core
 *   casts int and bool inputs to float32 first.
 * - `not`: bool -> bool. `isnan`, `isinf`: numeric -> bool (all false for int32).
 * - `isfinite`, `isposinf`, `isneginf`: numeric -> bool (int32 is all finite).
 * - `asin`, `acos`, `atanh`: NaN outside [-1, 1] (atanh(±1) = ±inf); `acosh`:
 *   NaN below 1; `log2`, `log10`: as `log`.
 * - `trunc` of int32 returns it unchanged; `frac` (x - trunc(x), with x's sign)
 *   of int32 is 0 (PyTorch refuses int there) and NaN at ±inf.
 * - The activations (`mish`, `hardswish`, `hardsigmoid`, `selu`, `elu`, `celu`,
 *   `leakyRelu`, `logsigmoid`) are float ops with PyTorch's gradients at their
 *   joints; `relu6` also takes int32.
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

/** The ops a backend's unary kernels can be asked for: the primitives and the fusable composites (core always composes the others). */
export type KernelUnaryOp = {
  [K in UnaryOp]: Table[K] extends { composite: unknown } ? (Table[K] extends { fusable: true } ? K : never) : K;
}[UnaryOp];
/** The ops every backend implements (no composite). */
export type RequiredUnaryOp = { [K in UnaryOp]: Table[K] extends { composite: unknown } ? never : K }[UnaryOp];
/** The ops a backend may fuse (its `fusedUnary` kernel); core composes them otherwise. */
export type FusedUnaryOp = Exclude<KernelUnaryOp, RequiredUnaryOp>;

/** The op names, in table order. */
export const UNARY_OP_NAMES = Object.keys(UNARY_OPS) as UnaryOp[];
/** The ops that reach kernels, in table order (the wasm op codes are indices into this list). */
export const UNARY_KERNEL_OP_NAMES = UNARY_OP_NAMES.filter((op) => isKernelOp(UNARY_OPS[op])) as KernelUnaryOp[];

/** Whether a backend may be asked for the op: a primitive, or a composite marked fusable. */
export function isKernelOp(decl: UnaryDecl): boolean {
  return decl.composite === undefined || decl.fusable === true;
}

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

/** (1 - x)(1 + x): 1 - x² without cancellation near ±1. */
function oneMinusSquare(x: Tensor): Tensor {
  return x.neg().add(1).mul(x.add(1));
}

/** x where x ≤ 0, else 0: the part an exp may take without overflowing in the branch where() drops. */
function nonPositive(x: Tensor): Tensor {
  return where(x.gt(0), 0, x);
}

/** x where x > 0, else α·(eˣ - 1). */
function elu(x: Tensor, alpha: number): Tensor {
  return where(x.gt(0), x, nonPositive(x).expm1().mul(alpha));
}

/** f(a) below HUGE, log(2a) above, each branch fed a safe stand-in so that neither overflows. */
function hugeOr(a: Tensor, f: (small: Tensor) => Tensor): Tensor {
  const huge = a.gt(HUGE);
  return where(huge, where(huge, a, 1).log().add(Math.LN2), f(where(huge, 1, a)));
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
