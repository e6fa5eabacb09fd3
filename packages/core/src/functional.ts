import { dependsOnOutside, differentiableLeaves, enableGrad, gradients } from './autograd.js';
import { engine } from './engine.js';
import { ArgumentError, ShapeError, fmtShape } from './errors.js';
import { shapesEqual } from './shape.js';
import { tidy } from './scope.js';
import { Tensor } from './tensor.js';

/**
 * Jacobian and Hessian products, named and shaped as PyTorch's
 * torch.autograd.functional: `inputs` and `v` are one tensor or a list, and
 * the product comes back in the same form. Built on recorded backward
 * (createGraph), so they work on every backend and nest inside grad.
 */
export interface FunctionalOptions {
  /**
   * Record the product so it can be differentiated again. Default: on when
   * the call is itself being differentiated (an outer grad), as for grad.
   */
  createGraph?: boolean;
}

export interface ProductResult<T extends Tensor | Tensor[]> {
  /** fn at the inputs, detached. */
  output: Tensor;
  /** The product, one tensor per input (a tensor when a single one was passed). */
  product: T;
}

type Inputs = Tensor | readonly Tensor[];
type Out<I> = I extends Tensor ? Tensor : Tensor[];

function asList(op: string, what: string, v: Inputs): Tensor[] {
  const list = v instanceof Tensor ? [v] : Array.isArray(v) ? [...v] : null;
  if (!list || list.length === 0) throw new ArgumentError(`${op}: ${what} must be a tensor or a non-empty array of tensors`);
  list.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: ${what}[${i}] is not a tensor`);
  });
  return list;
}

function checkLike(op: string, what: string, vs: readonly Tensor[], like: readonly Tensor[], names: string): void {
  if (vs.length !== like.length) throw new ArgumentError(`${op}: ${vs.length} ${what} for ${like.length} ${names}`);
  vs.forEach((v, i) => {
    if (!shapesEqual(v.shape, like[i].shape)) {
      throw new ShapeError(`${op}: ${what}[${i}] ${fmtShape(v.shape)} differs from ${names}[${i}] ${fmtShape(like[i].shape)}`);
    }
  });
}

/** Runs fn at differentiable leaves for xs; gives the leaves, fn's output and whether it is connected to a caller's graph. */
function evaluate(op: string, fn: (...xs: Tensor[]) => Tensor, xs: Tensor[]) {
  const recording = engine().gradEnabled;
  const leaves = differentiableLeaves(xs);
  let output: Tensor;
  try {
    output = enableGrad(() => fn(...leaves));
    if (!(output instanceof Tensor)) throw new ArgumentError(`${op}: fn must return a tensor`);
  } catch (err) {
    for (const leaf of leaves) leaf.dispose();
    throw err;
  }
  const connected = recording && dependsOnOutside(output, leaves);
  return { leaves, connected, output };
}

/** Gradients of output w.r.t. leaves, zeros where the output does not depend on one. */
function grads(output: Tensor, leaves: Tensor[], seed: Tensor | undefined, createGraph: boolean): Tensor[] {
  if (!output.requiresGrad) return leaves.map((l) => l.zerosLike());
  return gradients(output, leaves, { gradOutput: seed, createGraph, retainGraph: true });
}

function finish<I extends Inputs>(inputs: I, output: Tensor, leaves: Tensor[], product: Tensor[]): ProductResult<Out<I>> {
  const detached = output.detach();
  output.dispose();
  for (const leaf of leaves) leaf.dispose();
  return { output: detached, product: (inputs instanceof Tensor ? product[0] : product) as Out<I> };
}

function dot(gs: readonly Tensor[], vs: readonly Tensor[]): Tensor {
  let total = gs[0].mul(vs[0]).sum();
  for (let i = 1; i < gs.length; i++) total = total.add(gs[i].mul(vs[i]).sum());
  return total;
}

/**
 * Vector-Jacobian product vᵀ·J of fn at inputs (torch.autograd.functional.vjp);
 * v has fn's output shape and may be omitted for a scalar output.
 *
 * @example
 * const { product } = t.vjp((x) => x.square(), x, t.onesLike(x)); // 2x
 */
export function vjp<I extends Inputs>(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: I,
  v?: Tensor | null,
  options: FunctionalOptions = {},
): ProductResult<Out<I>> {
  const xs = asList('vjp', 'inputs', inputs);
  // tidy frees fn's temporaries; the product's own graph (createGraph) keeps what it reads.
  return tidy(() => {
    const { leaves, connected, output } = evaluate('vjp', fn, xs);
    if (v && !shapesEqual(v.shape, output.shape)) {
      for (const leaf of leaves) leaf.dispose();
      throw new ShapeError(`vjp: v ${fmtShape(v.shape)} differs from fn's output ${fmtShape(output.shape)}`);
    }
    const product = grads(output, leaves, v ?? undefined, options.createGraph ?? connected);
    return finish(inputs, output, leaves, product);
  });
}

/**
 * Jacobian-vector product J·v of fn at inputs (torch.autograd.functional.jvp),
 * v shaped like the inputs. Computed by the double-vjp trick (the vjp is
 * linear in its cotangent u, and d(vjp(u)·v)/du = J·v), so it costs two
 * backward passes and needs no forward-mode kernels.
 *
 * @example
 * const { product } = t.jvp((x) => x.sin(), x, t.onesLike(x)); // cos(x)
 */
export function jvp<I extends Inputs>(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: I,
  v: Inputs,
  options: FunctionalOptions = {},
): ProductResult<Tensor> {
  const xs = asList('jvp', 'inputs', inputs);
  const vs = asList('jvp', 'v', v);
  checkLike('jvp', 'v', vs, xs, 'inputs');
  // tidy frees fn's temporaries; the product's own graph (createGraph) keeps what it reads.
  return tidy(() => {
    const { leaves, connected, output } = evaluate('jvp', fn, xs);
    const u = output.zerosLike().detach();
    u.requiresGrad = true;
    let product: Tensor;
    try {
      product = enableGrad(() => {
        const uj = output.requiresGrad ? gradients(output, leaves, { gradOutput: u, createGraph: true }) : [];
        const d = uj.length ? dot(uj, vs) : null;
        return d?.requiresGrad ? gradients(d, [u], { createGraph: options.createGraph ?? connected })[0] : output.zerosLike();
      });
    } finally {
      u.dispose();
    }
    return finish(inputs, output, leaves, [product]) as ProductResult<Tensor>;
  });
}

/**
 * Hessian-vector product H·v of a scalar fn at inputs
 * (torch.autograd.functional.hvp), v shaped like the inputs: the gradient
 * of ∇fn·v, with no Hessian ever formed.
 *
 * @example
 * const { product } = t.hvp((x) => x.pow(3).sum(), x, v); // 6·x·v
 */
export function hvp<I extends Inputs>(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: I,
  v: Inputs,
  options: FunctionalOptions = {},
): ProductResult<Out<I>> {
  const xs = asList('hvp', 'inputs', inputs);
  const vs = asList('hvp', 'v', v);
  checkLike('hvp', 'v', vs, xs, 'inputs');
  // tidy frees fn's temporaries; the product's own graph (createGraph) keeps what it reads.
  return tidy(() => {
    const { leaves, connected, output } = evaluate('hvp', fn, xs);
    if (output.size !== 1) {
      for (const leaf of leaves) leaf.dispose();
      throw new ShapeError(`hvp: fn must return a scalar, got ${fmtShape(output.shape)}`);
    }
    const product = enableGrad(() => {
      const g = grads(output, leaves, undefined, true);
      const d = dot(g, vs);
      return grads(d, leaves, undefined, options.createGraph ?? connected);
    });
    return finish(inputs, output, leaves, product);
  });
}
