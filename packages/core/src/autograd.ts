import { isFloat } from './dtype.js';
import { engine } from './engine.js';
import { traceFlow } from './flow.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from './errors.js';
import type { BackwardFn, GraphNode } from './node.js';
import { shapesEqual } from './shape.js';
import { tidy } from './scope.js';
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
    // Recording twice would orphan the first node and the references it holds (a leak), and an
    // output among its own inputs would be a cycle: a tensor is made by exactly one op.
    if (output._node !== null || inputs.includes(output)) {
      throw new ArgumentError(
        `record: '${op}' output ${fmtShape(output.shape)} ${output._node ? `was already recorded by '${output._node.op}'` : 'is one of its own inputs'}; ` +
          'record a fresh tensor (clone it first) or write the op with customOp',
      );
    }
    if (output.requiresGrad) {
      throw new ArgumentError(`record: '${op}' output ${fmtShape(output.shape)} is a leaf that requires grad; record a fresh tensor`);
    }
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
   * Record the backward itself (PyTorch's `create_graph`): the gradients
   * written to `.grad` have graphs of their own and can be differentiated
   * again (gradient penalties, Hessian-vector products). Implies retainGraph.
   */
  createGraph?: boolean;
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
 * as `seed` or as `{ gradient }`. With `{ createGraph: true }` the backward
 * itself is recorded, so the gradients in `.grad` can be differentiated again.
 *
 * @example
 * loss.backward();                          // frees the graph
 * y.backward(t.onesLike(y));                // seed for a non-scalar y
 * loss.backward({ retainGraph: true });     // keep it for a second backward
 * penalty.backward({ createGraph: true });  // x.grad has a graph of its own
 */
export function backward(root: Tensor, seedOrOptions?: Tensor | BackwardOptions | null, options: BackwardOptions = {}): void {
  const seedGiven = seedOrOptions instanceof Tensor || seedOrOptions === null || seedOrOptions === undefined;
  const opts = seedGiven ? options : (seedOrOptions as BackwardOptions);
  if (opts === null || typeof opts !== 'object') throw new ArgumentError(`backward: options must be an object, got ${String(opts)}`);
  const seed = (seedGiven ? (seedOrOptions as Tensor | null | undefined) : undefined) ?? opts.gradient ?? undefined;
  propagate('backward', root, seed, null, opts);
}

export interface GradientsOptions {
  /** The seed gradient of a non-scalar output (PyTorch's `grad_outputs`); ones for a scalar. */
  gradOutput?: Tensor;
  /** Keep the graph for another backward (default: createGraph). */
  retainGraph?: boolean;
  /** Record the computation of the gradients, so they can be differentiated again. */
  createGraph?: boolean;
}

/**
 * The gradients of `output` with respect to `inputs` (any tensors of its
 * graph, leaves or not), returned rather than added into `.grad`: PyTorch's
 * `torch.autograd.grad`. An input the output does not depend on gets zeros.
 * Only the part of the graph between the output and the inputs is walked
 * (and freed, unless `retainGraph` or `createGraph`).
 *
 * @example
 * const [gx] = t.gradients(y, [x], { createGraph: true }); // gx is differentiable
 * const [gxx] = t.gradients(gx.sum(), [x]);
 */
export function gradients(output: Tensor, inputs: readonly Tensor[], options: GradientsOptions = {}): Tensor[] {
  if (!(output instanceof Tensor)) throw new ArgumentError('gradients: output must be a tensor');
  if (!Array.isArray(inputs)) throw new ArgumentError('gradients: inputs must be an array of tensors');
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ArgumentError(`gradients: input ${i} is not a tensor`);
    if (!x.requiresGrad) throw new ArgumentError(`gradients: input ${i} ${fmtShape(x.shape)} does not require grad`);
  });
  const grads = propagate('gradients', output, options.gradOutput, inputs, { ...options, gradient: options.gradOutput });
  const e = engine();
  return inputs.map((x) => {
    const g = grads!.get(x);
    if (!g) return x.zerosLike();
    e.adopt(g);
    return g;
  });
}

/**
 * The backward pass shared by backward() (targets null: into leaves' `.grad`)
 * and gradients() (the gradients of `targets`, returned untracked).
 */
function propagate(
  op: string,
  root: Tensor,
  seed: Tensor | null | undefined,
  targets: readonly Tensor[] | null,
  opts: BackwardOptions,
): Map<Tensor, Tensor> | null {
  if (seed !== undefined && seed !== null && !(seed instanceof Tensor))
    throw new ArgumentError(`${op}: the seed gradient must be a tensor`);
  root.assertUsable(op);
  if (!root.requiresGrad) {
    throw new ArgumentError(
      `${op}: tensor ${fmtShape(root.shape)} does not require grad (no input of the ops that made it has requiresGrad: true)`,
    );
  }
  if (seed && !shapesEqual(seed.shape, root.shape)) {
    throw new ShapeError(`${op}: seed gradient ${fmtShape(seed.shape)} differs from the output ${fmtShape(root.shape)}`);
  }
  if (!seed && root.size !== 1) {
    throw new ArgumentError(`${op}: output ${fmtShape(root.shape)} is not a scalar; pass a seed gradient of its shape`);
  }
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const order = topologicalOrder(root);
  // Which tensors lead to a target (all of them for backward()): only their nodes run.
  const wanted = targets ? new Set(targets) : null;
  const leads = new Set<Tensor>();
  for (const t of order) {
    if (!wanted || wanted.has(t) || t._node?.inputs.some((x) => leads.has(x))) leads.add(t);
  }
  const runs = (t: Tensor) => t._node?.inputs.some((x) => x.requiresGrad && leads.has(x)) ?? false;
  for (const t of order) {
    const freedOp = t._node || wanted?.has(t) ? undefined : freedGraph.get(t);
    if (freedOp !== undefined) {
      throw new ArgumentError(
        `${op}: trying to backward through the graph a second time (the graph of '${freedOp}' ` +
          `${fmtShape(t.shape)} was freed by an earlier backward); pass { retainGraph: true } to the first backward to reuse it`,
      );
    }
  }
  const e = engine();
  const scope = new Set<Tensor>();
  const escaped = new Set<Tensor>();
  const previousGrad = e.gradEnabled;
  const grads = new Map<Tensor, Tensor>();
  const results = new Map<Tensor, Tensor>();
  e.scopes.push(scope);
  // createGraph: the gradient computation is recorded like any forward (PyTorch's create_graph).
  e.gradEnabled = createGraph;
  try {
    grads.set(root, seed ?? onesLike(root));
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (!g) continue;
      if (wanted?.has(t)) {
        // A target's gradient is complete here: everything that feeds it comes later in this walk.
        const own = scope.has(g) && !escaped.has(g) ? g : g.clone();
        escaped.add(own);
        e.untrack(own);
        results.set(t, own);
      }
      const node = t._node;
      if (!node || !runs(t)) {
        if (!node) opts.onStep?.({ tensor: t, node: null, gradOutput: g, inputGrads: [] });
        if (!node && !wanted) accumulateLeaf(t, g, scope, escaped);
        continue;
      }
      const needs = node.inputs.map((x) => x.requiresGrad && leads.has(x));
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
  } catch (err) {
    for (const r of results.values()) r.dispose();
    throw err;
  } finally {
    e.backwardOf = null;
    e.gradEnabled = previousGrad;
    e.scopes.pop();
    for (const t of scope) if (!escaped.has(t)) t.dispose();
  }
  if (!retainGraph) releaseGraph(order.filter(runs));
  return wanted ? results : null;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  return enabled ? enableGrad(fn) : noGrad(fn);
}

/** Runs fn with gradient recording on, even inside noGrad (PyTorch's enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  const e = engine();
  const previous = e.gradEnabled;
  e.gradEnabled = true;
  try {
    return fn();
  } finally {
    e.gradEnabled = previous;
  }
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

export interface GradOptions {
  /**
   * Record the gradient computation so the gradients can be differentiated
   * again. Default: on exactly when the result can be differentiated by the
   * caller (grad mode is on and fn's value depends on a tensor requiring
   * grad besides fn's own arguments' copies: an argument that requires
   * grad, as inside an outer `grad`, or a parameter fn closes over), so
   * nested `grad(grad(f))` and gradient penalties work as in JAX and
   * functorch. Pass false to get constants (and free the graph at once).
   */
  createGraph?: boolean;
}

/**
 * Returns a function computing fn's value and its gradients with respect to
 * every tensor argument, without touching the arguments' `.grad`. fn must
 * return a scalar tensor; it runs with grad mode on, even inside noGrad.
 * Nested calls compose: when fn's value depends on a tensor that requires
 * grad (an argument inside an outer `grad`, a parameter fn closes over),
 * the value and the gradients stay connected to it and are differentiable.
 *
 * @example
 * const { value, grads } = valueAndGrad((x) => x.square().sum())(t.tensor([1, 2]));
 * // grads[0] holds [2, 4]
 * const d2 = grad((x) => grad((y) => y.pow(3).sum())(x)[0].sum()); // 6x
 */
export function valueAndGrad(fn: (...args: Tensor[]) => Tensor, options: GradOptions = {}): (...args: Tensor[]) => ValueAndGrad<Tensor> {
  return (...args) => {
    args.forEach((a, i) => {
      if (!(a instanceof Tensor)) throw new ArgumentError(`valueAndGrad: argument ${i} is not a tensor`);
      if (!isFloat(a.dtype)) {
        throw new DTypeError(`valueAndGrad: argument ${i} is ${a.dtype} ${fmtShape(a.shape)}; only floating-point tensors have gradients`);
      }
    });
    // tidy frees fn's temporaries; a recorded result's graph keeps what it reads.
    return tidy(() => {
      const outerRecording = engine().gradEnabled;
      const leaves = differentiableLeaves(args);
      let value: Tensor;
      try {
        value = enableGrad(() => fn(...leaves));
      } catch (err) {
        for (const leaf of leaves) leaf.dispose();
        throw err;
      }
      const connected = value instanceof Tensor && withGradMode(outerRecording, () => dependsOnOutside(value, leaves));
      const createGraph = options.createGraph ?? connected;
      let grads: Tensor[];
      try {
        if (!(value instanceof Tensor)) throw new ArgumentError('valueAndGrad: fn must return a tensor');
        // fn ignored its arguments (a constant): every gradient is zero.
        grads = value.requiresGrad
          ? gradients(value, leaves, { createGraph, retainGraph: connected || createGraph })
          : leaves.map((leaf) => leaf.zerosLike());
      } finally {
        for (const leaf of leaves) leaf.dispose();
      }
      if (connected) return { value, grads };
      const detached = value.detach();
      value.dispose();
      return { value: detached, grads };
    });
  };
}

/**
 * @internal Leaves to differentiate fn at `args` with respect to: a
 * recorded identity of an argument the caller records through (so results
 * stay connected to the caller's graph), else a detached copy that requires grad.
 */
export function differentiableLeaves(args: readonly Tensor[]): Tensor[] {
  const recording = engine().gradEnabled;
  return enableGrad(() =>
    args.map((a) => {
      if (recording && a.requiresGrad) return a.clone();
      const leaf = a.detach();
      leaf.requiresGrad = true;
      return leaf;
    }),
  );
}

/**
 * @internal Whether `value` depends on a tensor requiring grad other than
 * our own detached leaves: an argument, or a tensor fn closed over (a
 * parameter). Then a caller may differentiate the result, so the gradients
 * are recorded (as JAX and functorch compose grad).
 */
export function dependsOnOutside(value: Tensor, leaves: readonly Tensor[]): boolean {
  if (!engine().gradEnabled || !value.requiresGrad) return false;
  const own = new Set(leaves.filter((l) => l._node === null));
  const seen = new Set<Tensor>([value]);
  const stack = [value];
  while (stack.length) {
    const t = stack.pop()!;
    if (!t._node) {
      if (!own.has(t)) return true;
      continue;
    }
    for (const x of t._node.inputs) {
      if (x.requiresGrad && !seen.has(x)) {
        seen.add(x);
        stack.push(x);
      }
    }
  }
  return false;
}

/** Like valueAndGrad, returning only the gradients. */
export function grad(fn: (...args: Tensor[]) => Tensor, options: GradOptions = {}): (...args: Tensor[]) => Tensor[] {
  const vg = valueAndGrad(fn, options);
  return (...args) => {
    const { value, grads } = vg(...args);
    value.dispose();
    return grads;
  };
}
