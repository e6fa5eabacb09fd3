import { isFloat } from './dtype.js';
import { engine } from './engine.js';
import { traceFlow } from './flow.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from './errors.js';
import type { BackwardFn, GraphNode } from './node.js';
import { shapesEqual } from './shape.js';
import { Tensor, releaseRef } from './tensor.js';

/**
 * Finishes an op: records it in the autograd graph when grad mode is on and
 * an input requires a gradient, then tells the observers. Every op in core
 * ends with this call. `saved` lists extra tensors the backward reads.
 */
export function record(
  op: string,
  inputs: readonly Tensor[],
  output: Tensor,
  backward: BackwardFn | null,
  saved: readonly Tensor[] = [],
): Tensor {
  const e = engine();
  const module = e.backwardOf !== null ? e.backwardModule : e.moduleStack.length ? e.moduleStack[e.moduleStack.length - 1] : '';
  // Integer and bool results are not differentiable (PyTorch: argmax, comparisons, casts to int).
  const recorded = backward !== null && e.gradEnabled && isFloat(output.dtype) && inputs.some((x) => x.requiresGrad);
  if (recorded) {
    for (const x of inputs) x._refs++;
    for (const x of saved) x._refs++;
    output._node = { op, inputs, saved, backward, module } satisfies GraphNode;
    output.requiresGrad = true;
  }
  if (e.flowTracking) traceFlow(output, inputs, recorded ? null : 'noGrad');
  if (e.observers.size) {
    const event = { op, inputs, output, backwardOf: e.backwardOf, module };
    for (const observe of e.observers) observe(event);
  }
  return output;
}

/** Runs fn with gradient recording off. */
export function noGrad<T>(fn: () => T): T {
  const e = engine();
  const previous = e.gradEnabled;
  e.gradEnabled = false;
  try {
    return fn();
  } finally {
    e.gradEnabled = previous;
  }
}

/** Whether ops are being recorded right now. */
export function isGradEnabled(): boolean {
  return engine().gradEnabled;
}

export interface BackwardOptions {
  /** The seed gradient of a non-scalar output (PyTorch's `gradient`); ones for a scalar. */
  gradient?: Tensor;
  /**
   * Keep the graph so backward can run through it again. Without it the
   * graph is freed, and a second backward through it throws.
   */
  retainGraph?: boolean;
  /**
   * Called once per tensor as backward reaches it, in the order backward
   * runs: its gradient and what its op's backward sent to each input (null
   * where an input needs none). The tensors are freed when backward returns:
   * read them or `keep(x.clone())` inside. `traceBackward` is built on it.
   */
  onStep?: (step: BackwardStepEvent) => void;
}

/** What `BackwardOptions.onStep` is told at each tensor (a leaf has no node and no input gradients). */
export interface BackwardStepEvent {
  readonly tensor: Tensor;
  readonly node: GraphNode | null;
  readonly gradOutput: Tensor;
  readonly inputGrads: readonly (Tensor | null)[];
}

/**
 * Tensors whose graph node a backward freed, with the op that made them:
 * a later backward that reaches one throws instead of silently treating it
 * as a leaf.
 */
const freedGraph = new WeakMap<Tensor, string>();

/**
 * Reverse-mode differentiation from `root`: walks the graph once in
 * topological order and adds each gradient into `.grad` of the leaves that
 * require one. A non-scalar root needs a seed gradient of its shape, passed
 * as `seed` or as `{ gradient }`.
 *
 * @example
 * loss.backward();                          // frees the graph
 * y.backward(t.onesLike(y));                // seed for a non-scalar y
 * loss.backward({ retainGraph: true });     // keep it for a second backward
 */
export function backward(root: Tensor, seedOrOptions?: Tensor | BackwardOptions | null, options: BackwardOptions = {}): void {
  const seedGiven = seedOrOptions instanceof Tensor || seedOrOptions === null || seedOrOptions === undefined;
  const opts = seedGiven ? options : (seedOrOptions as BackwardOptions);
  if (opts === null || typeof opts !== 'object') throw new ArgumentError(`backward: options must be an object, got ${String(opts)}`);
  const seed = (seedGiven ? (seedOrOptions as Tensor | null | undefined) : undefined) ?? opts.gradient ?? undefined;
  if (seed !== undefined && !(seed instanceof Tensor)) throw new ArgumentError('backward: the seed gradient must be a tensor');
  root.assertUsable('backward');
  if (!root.requiresGrad) {
    throw new ArgumentError(
      `backward: tensor ${fmtShape(root.shape)} does not require grad (no input of the ops that made it has requiresGrad: true)`,
    );
  }
  if (seed && !shapesEqual(seed.shape, root.shape)) {
    throw new ShapeError(`backward: seed gradient ${fmtShape(seed.shape)} differs from the output ${fmtShape(root.shape)}`);
  }
  if (!seed && root.size !== 1) {
    throw new ArgumentError(`backward: output ${fmtShape(root.shape)} is not a scalar; pass a seed gradient of its shape`);
  }
  const order = topologicalOrder(root);
  for (const t of order) {
    const op = t._node ? undefined : freedGraph.get(t);
    if (op !== undefined) {
      throw new ArgumentError(
        `backward: trying to backward through the graph a second time (the graph of '${op}' ` +
          `${fmtShape(t.shape)} was freed by an earlier backward); pass { retainGraph: true } to the first backward to reuse it`,
      );
    }
  }
  const e = engine();
  const scope = new Set<Tensor>();
  const escaped = new Set<Tensor>();
  const previousGrad = e.gradEnabled;
  e.scopes.push(scope);
  e.gradEnabled = false;
  try {
    const grads = new Map<Tensor, Tensor>();
    grads.set(root, seed ?? onesLike(root));
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (!g) continue;
      const node = t._node;
      if (!node) {
        opts.onStep?.({ tensor: t, node: null, gradOutput: g, inputGrads: [] });
        accumulateLeaf(t, g, scope, escaped);
        continue;
      }
      const needs = node.inputs.map((x) => x.requiresGrad);
      e.backwardOf = node.op;
      e.backwardModule = node.module;
      const inputGrads = node.backward(g, t, needs);
      e.backwardOf = null;
      opts.onStep?.({ tensor: t, node, gradOutput: g, inputGrads: needs.map((n, j) => (n && inputGrads[j]) || null) });
      node.inputs.forEach((x, j) => {
        const gx = inputGrads[j];
        if (!needs[j] || !gx) return;
        checkGrad(node, j, x, gx);
        const previous = grads.get(x);
        grads.set(x, previous ? previous.add(gx) : gx);
      });
    }
  } finally {
    e.backwardOf = null;
    e.gradEnabled = previousGrad;
    e.scopes.pop();
    for (const t of scope) if (!escaped.has(t)) t.dispose();
  }
  if (!opts.retainGraph) releaseGraph(order);
}

function accumulateLeaf(leaf: Tensor, g: Tensor, scope: Set<Tensor>, escaped: Set<Tensor>): void {
  // A gradient tensor made in this backward and not yet handed to another leaf
  // can be adopted; anything else (the user's seed, a shared tensor) is copied.
  const own = scope.has(g) && !escaped.has(g) ? g : g.clone();
  const next = leaf.grad ? leaf.grad.add(own) : own;
  escaped.add(next);
  engine().untrack(next);
  leaf.grad = next; // disposes the previous gradient
}

function checkGrad(node: GraphNode, index: number, input: Tensor, grad: Tensor): void {
  if (!shapesEqual(input.shape, grad.shape) || input.dtype !== grad.dtype) {
    const Err = input.dtype !== grad.dtype ? DTypeError : ShapeError;
    throw new Err(
      `${node.op} backward: gradient of input ${index} is ${fmtShape(grad.shape)} ${grad.dtype}, ` +
        `but the input is ${fmtShape(input.shape)} ${input.dtype}`,
    );
  }
}

/** Tensors reachable from root through graph nodes, inputs before outputs. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>([root]);
  // Iterative DFS: [tensor, index of the next input to visit].
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const inputs = top[0]._node?.inputs ?? [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++];
      if (next.requiresGrad && !visited.has(next)) {
        visited.add(next);
        stack.push([next, 0]);
      }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  return order;
}

function releaseGraph(order: readonly Tensor[]): void {
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]._node;
    if (!node) continue;
    order[i]._node = null;
    freedGraph.set(order[i], node.op);
    for (const x of node.inputs) releaseRef(x);
    for (const x of node.saved) releaseRef(x);
  }
}

function onesLike(x: Tensor): Tensor {
  return x.onesLike();
}

export interface ValueAndGrad<T> {
  value: T;
  grads: Tensor[];
}

/**
 * Returns a function computing fn's value and its gradients with respect to
 * every tensor argument, without touching the arguments' `.grad`. fn must
 * return a scalar tensor.
 *
 * @example
 * const { value, grads } = valueAndGrad((x) => x.square().sum())(t.tensor([1, 2]));
 * // grads[0] holds [2, 4]
 */
export function valueAndGrad(fn: (...args: Tensor[]) => Tensor): (...args: Tensor[]) => ValueAndGrad<Tensor> {
  return (...args) => {
    args.forEach((a, i) => {
      if (!(a instanceof Tensor)) throw new ArgumentError(`valueAndGrad: argument ${i} is not a tensor`);
      if (!isFloat(a.dtype)) {
        throw new DTypeError(`valueAndGrad: argument ${i} is ${a.dtype} ${fmtShape(a.shape)}; only floating-point tensors have gradients`);
      }
    });
    const leaves = args.map((a) => {
      const leaf = a.detach();
      leaf.requiresGrad = true;
      return leaf;
    });
    const value = fn(...leaves);
    if (!(value instanceof Tensor)) throw new ArgumentError('valueAndGrad: fn must return a tensor');
    backward(value);
    const e = engine();
    const grads = leaves.map((leaf) => {
      const g = leaf._grad ?? leaf.zerosLike();
      leaf._grad = null; // handed to the caller, not disposed
      leaf.dispose();
      e.adopt(g);
      return g;
    });
    const detached = value.detach();
    value.dispose();
    return { value: detached, grads };
  };
}

/** Like valueAndGrad, returning only the gradients. */
export function grad(fn: (...args: Tensor[]) => Tensor): (...args: Tensor[]) => Tensor[] {
  const vg = valueAndGrad(fn);
  return (...args) => {
    const { value, grads } = vg(...args);
    value.dispose();
    return grads;
  };
}
