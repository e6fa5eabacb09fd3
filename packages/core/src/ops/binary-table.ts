/**
 * One declaration per elementwise binary op (NumPy broadcasting). From this
 * table come the `BinaryOp` union of the backend contract, the Tensor methods
 * and their types, the functional exports and the conformance cases (forward
 * against `ref` and gradcheck of `grad` with inputs drawn from `domain`).
 */
import type { Tensor } from '../tensor.js';
import { floorDivide, pow, where } from './elementwise.js';

/**
 * - `arithmetic`: numeric operands promoted to one dtype, result in it.
 * - `comparison`: operands promoted, result bool; any NaN compares false (`ne` true).
 * - `logical`: operands compared with 0 first, bool result.
 */
export type BinaryKind = 'arithmetic' | 'comparison' | 'logical';

/** Unbroadcast gradients of a and b (core sums over broadcast axes); `needs[i]` says whether input i wants one. */
export type BinaryGrad = (g: Tensor, a: Tensor, b: Tensor, out: Tensor, needs: readonly boolean[]) => GradPair;
type GradPair = [Tensor | null, Tensor | null];

export interface BinaryDecl {
  readonly kind: BinaryKind;
  /** The Tensor method and functional name, where it is not the op's. */
  readonly method?: string;
  /** The op in float64 JS, for the conformance suite. */
  readonly ref: (a: number, b: number) => number;
  /** Where random test operands are drawn from: [a range, b range]. */
  readonly domain: readonly [readonly [number, number], readonly [number, number]];
  /** Of two bool tensors: the logic op PyTorch computes instead; or any bool operand refused. */
  readonly bools?: 'or' | 'and' | 'refuse';
  /** int and bool operands give float32 (true division). */
  readonly floatResult?: true;
  /** Takes `{ alpha }`: a (op) alpha·b in one step, as PyTorch's add/sub (see AlphaOptions). */
  readonly alpha?: true;
  readonly grad: BinaryGrad | null;
}

const A = [-2, 2] as const;
const B = [0.5, 2] as const;

// Gradients carry a return type: Tensor's methods are typed from this table, so inferring it would be circular.
// biome-ignore format: one op per line, forward and gradient side by side
export const BINARY_OPS = {
  add:     { kind: 'arithmetic', bools: 'or', alpha: true, ref: (x, y) => x + y, domain: [A, B], grad: (g): GradPair => [g, g] },
  // A bool operand is refused, as PyTorch does (to invert a mask, logicalNot it).
  sub:     { kind: 'arithmetic', bools: 'refuse', alpha: true, ref: (x, y) => x - y, domain: [A, B], grad: (g, _a, _b, _o, n): GradPair => [g, n[1] ? g.neg() : null] },
  mul:     { kind: 'arithmetic', bools: 'and', ref: (x, y) => x * y, domain: [A, B], grad: (g, a, b, _o, n): GradPair => [n[0] ? g.mul(b) : null, n[1] ? g.mul(a) : null] },
  // True division, as PyTorch's `/`: [1, -1, 7] / 2 = [0.5, -0.5, 3.5].
  div:     { kind: 'arithmetic', floatResult: true, ref: (x, y) => x / y, domain: [A, B], grad: (g, _a, b, out, n): GradPair => [n[0] ? g.div(b) : null, n[1] ? g.mul(out).div(b).neg() : null] },
  // PyTorch's gradients: b·a^(b-1), 0 where b = 0 (not 0·inf at a = 0); out·log(a), 0 where a = 0 and b ≥ 0.
  // The masked entries use safe stand-ins (exponent 1, base 1), so no 0·inf NaN is made even where masked.
  pow:     { kind: 'arithmetic', ref: (x, y) => x ** y, domain: [[0.5, 2], [-1, 1]], grad: (g, a, b, out, n): GradPair => [
    n[0] ? g.mul(where(b.eq(0), 0, b.mul(pow(a, where(b.eq(0), 1, b).sub(1))))) : null,
    n[1] ? powExponentGrad(g, a, b, out) : null,
  ] },
  // NaN wins; on ties each side gets half the gradient, as PyTorch. Of bools: or / and.
  maximum: { kind: 'arithmetic', bools: 'or', ref: (x, y) => (Number.isNaN(x) || x > y ? x : y), domain: [A, A], grad: (g, a, b): GradPair => extremumGrad(g, a, b, a.lt(b), a.gt(b)) },
  minimum: { kind: 'arithmetic', bools: 'and', ref: (x, y) => (Number.isNaN(x) || x < y ? x : y), domain: [A, A], grad: (g, a, b): GradPair => extremumGrad(g, a, b, a.gt(b), a.lt(b)) },
  // Sign of the divisor (Python's %, PyTorch's remainder): a = floorDivide(a, b)·b + mod(a, b). The test domain keeps a/b off whole numbers.
  mod:     { kind: 'arithmetic', ref: (x, y) => x - Math.floor(x / y) * y, domain: [[0.1, 0.9], [1.1, 2]], grad: (g, a, b, _o, n): GradPair => [g, n[1] ? g.mul(floorDivide(a, b)).neg() : null] },
  // The angle of (b, a), as PyTorch's atan2(input, other); int operands give float32. d/da = b/r², d/db = -a/r².
  atan2:   { kind: 'arithmetic', floatResult: true, ref: Math.atan2, domain: [[0.5, 2], A], grad: (g, a, b, _o, n): GradPair => { const r2 = a.square().add(b.square()); return [n[0] ? g.mul(b).div(r2) : null, n[1] ? g.mul(a).div(r2).neg() : null]; } },
  eq:      { kind: 'comparison', ref: (x, y) => Number(x === y), domain: [A, B], grad: null },
  ne:      { kind: 'comparison', ref: (x, y) => Number(x !== y), domain: [A, B], grad: null },
  lt:      { kind: 'comparison', ref: (x, y) => Number(x < y), domain: [A, B], grad: null },
  le:      { kind: 'comparison', ref: (x, y) => Number(x <= y), domain: [A, B], grad: null },
  gt:      { kind: 'comparison', ref: (x, y) => Number(x > y), domain: [A, B], grad: null },
  ge:      { kind: 'comparison', ref: (x, y) => Number(x >= y), domain: [A, B], grad: null },
  and:     { kind: 'logical', method: 'logicalAnd', ref: (x, y) => Number(x !== 0 && y !== 0), domain: [A, A], grad: null },
  or:      { kind: 'logical', method: 'logicalOr', ref: (x, y) => Number(x !== 0 || y !== 0), domain: [A, A], grad: null },
} as const satisfies Record<string, BinaryDecl>;

type Table = typeof BINARY_OPS;

/**
 * Every elementwise binary op; a backend's binary kernel takes each of them.
 * Both inputs share one dtype (core promotes first); `dtype` passed to the
 * kernel is that input dtype, not the output's. The rules per op (in JSDoc,
 * so that they reach the published .d.ts):
 *
 * - `add`, `sub`, `mul`, `pow`: the input dtype; int32 wraps around on
 *   overflow, as C. `add` and `sub` take PyTorch's `{ alpha }` (a ± alpha·b;
 *   the kernel sees the product as its own operand, or `addScaled`). Float `pow` is C's: pow(1, y) = 1 and pow(-1, ±Inf) = 1
 *   (Math.pow gives NaN there).
 * - `div`: floats: IEEE division (x/0 = ±Inf, 0/0 = NaN); int32: truncating
 *   division toward zero, as C (-7 / 2 = -3), and x / 0 = 0 (C leaves it
 *   undefined). Core's `div` casts int32 to float32 first (PyTorch's true
 *   division); it uses the truncating kernel only inside `floorDivide`.
 * - `mod`: the result has the sign of the divisor, as Python's % and
 *   PyTorch's remainder (-7 mod 2 = 1, 7 mod -2 = -1); int32 x mod 0 = 0.
 * - `maximum`, `minimum`: NaN propagates (either input NaN gives NaN), as
 *   PyTorch's maximum/minimum.
 * - `eq`, `ne`, `lt`, `le`, `gt`, `ge`: -> bool; any NaN compares false
 *   (and `ne` true).
 * - `and`, `or`: bool, bool -> bool.
 */
export type BinaryOp = keyof Table;
/** The ops of one kind. */
export type BinaryOpOf<K extends BinaryKind> = { [O in BinaryOp]: Table[O]['kind'] extends K ? O : never }[BinaryOp];
/** The Tensor method (and functional) name of op K. */
export type BinaryMethodName<K extends BinaryOp> = K extends BinaryOp
  ? Table[K] extends { method: infer M extends string }
    ? M
    : K
  : never;
/** The tensor type op K returns. */
export type BinaryResult<K extends BinaryOp> = Table[K]['kind'] extends 'arithmetic' ? Tensor : Tensor<'bool'>;
/**
 * PyTorch's `alpha` of add and sub: `x.add(y, { alpha })` is x + alpha·y and
 * `x.sub(y, { alpha })` is x - alpha·y, in one kernel where the backend has
 * one (an optimizer's `p.sub(grad, { alpha: lr })`). int32 operands take an
 * integer alpha only; bools count it as true or false; as PyTorch.
 */
export interface AlphaOptions {
  /** The multiplier of the second operand (default 1). */
  alpha?: number;
}
/** The options op K takes after its operand: `{ alpha }` for add and sub, none for the others. */
export type BinaryOptionArgs<K extends BinaryOp> = Table[K] extends { alpha: true } ? [options?: AlphaOptions] : [];
/** The binary Tensor methods, typed from the table (logical ops take a tensor, the others a tensor or a number). */
export type BinaryMethods = {
  [K in BinaryOp as BinaryMethodName<K>]: (
    b: Table[K]['kind'] extends 'logical' ? Tensor : Tensor | number,
    ...options: BinaryOptionArgs<K>
  ) => BinaryResult<K>;
};

/** The op names, in table order. */
export const BINARY_OP_NAMES = Object.keys(BINARY_OPS) as BinaryOp[];

export function binaryMethodName<K extends BinaryOp>(op: K): BinaryMethodName<K> {
  const decl: BinaryDecl = BINARY_OPS[op];
  return (decl.method ?? op) as BinaryMethodName<K>;
}

function powExponentGrad(g: Tensor, a: Tensor, b: Tensor, out: Tensor): Tensor {
  const zeroBase = a.eq(0).logicalAnd(b.ge(0));
  return g.mul(where(zeroBase, 0, out.mul(where(zeroBase, 1, a).log())));
}

/**
 * PyTorch's rule for maximum/minimum: on ties each side gets half the
 * gradient; the side that lost gets none; with a NaN neither lost, so both get all of it.
 */
function extremumGrad(g: Tensor, a: Tensor, b: Tensor, aLost: Tensor, bLost: Tensor): GradPair {
  const shared = where(a.eq(b), g.div(2), g);
  return [where(aLost, 0, shared), where(bLost, 0, shared)];
}
