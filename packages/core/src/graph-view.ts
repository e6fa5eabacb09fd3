import { backward } from './autograd.js';
import { ArgumentError, fmtShape } from './errors.js';
import { keep } from './scope.js';
import type { Tensor } from './tensor.js';

/**
 * Walking a recorded autograd graph: what `backward()` will traverse, and
 * what it computed at each tensor on the way. For teaching and debugging
 * views (the demo's backpropagation page draws these); training never needs it.
 */

/** One tensor of a recorded graph. */
export interface GraphViewNode {
  /** Index in `RecordedGraph.nodes` (inputs come before the tensors made from them). */
  readonly id: number;
  readonly tensor: Tensor;
  /** The op that made it, or null for a leaf (a tensor the user made, a parameter, a constant). */
  readonly op: string | null;
  /** Ids of the op's inputs, in the op's order (empty for a leaf). */
  readonly inputs: readonly number[];
  /** Module path that issued the op ('' outside modules). */
  readonly module: string;
  /** Whether a gradient flows to it (false for constants such as a number in `x.mul(2)`). */
  readonly requiresGrad: boolean;
}

export interface RecordedGraph {
  /** Every tensor reachable from the root through recorded ops, inputs first; the root is last. */
  readonly nodes: readonly GraphViewNode[];
  readonly root: GraphViewNode;
}

/**
 * The graph autograd recorded for `root`: every tensor its backward would
 * reach, and the constants the ops read, in topological order. Call it
 * before `backward()` (which releases the graph unless `retainGraph`).
 *
 * @example
 * const x = t.tensor(3, { requiresGrad: true });
 * const g = recordedGraph(x.mul(x).add(1));
 * g.nodes.map((n) => n.op); // [null, 'mul', null, 'add']: x, x·x, the constant 1, the sum
 */
export function recordedGraph(root: Tensor): RecordedGraph {
  root.assertUsable('recordedGraph');
  const ids = new Map<Tensor, number>();
  const nodes: GraphViewNode[] = [];
  // Iterative post-order DFS ([tensor, next input]), so deep graphs cannot overflow the stack.
  const stack: [Tensor, number][] = [[root, 0]];
  const onStack = new Set<Tensor>([root]);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const inputs = top[0]._node?.inputs ?? [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++];
      if (!ids.has(next) && !onStack.has(next)) {
        onStack.add(next);
        stack.push([next, 0]);
      }
      continue;
    }
    stack.pop();
    const x = top[0];
    const node = x._node;
    ids.set(x, nodes.length);
    nodes.push({
      id: nodes.length,
      tensor: x,
      op: node?.op ?? null,
      inputs: node ? node.inputs.map((i) => ids.get(i)!) : [],
      module: node?.module ?? '',
      requiresGrad: x.requiresGrad,
    });
  }
  return { nodes, root: nodes[nodes.length - 1] };
}

/** What backward did at one tensor: the gradient it reached and what its op's backward sent on. */
export interface BackwardTraceStep {
  /** The graph node (its id indexes `RecordedGraph.nodes`). */
  readonly node: GraphViewNode;
  /** d(root)/d(this tensor), summed over every path: the tensor's shape. */
  readonly grad: Tensor;
  /** Per input of the op, the gradient it sent there (before other paths add theirs); null where none flows. Empty for leaves. */
  readonly inputGrads: readonly (Tensor | null)[];
}

export interface BackwardTrace {
  readonly graph: RecordedGraph;
  /** One step per tensor that received a gradient, in the order Tensile's backward visited them. */
  readonly steps: readonly BackwardTraceStep[];
  /** The step of a graph node, if backward reached it. */
  stepOf(node: GraphViewNode): BackwardTraceStep | undefined;
  /** Frees the gradient copies the trace holds (the graph's tensors are the caller's). */
  dispose(): void;
}

/**
 * Runs `root.backward(seed)` (the real one: leaves get `.grad` as usual)
 * and records every step of it: each tensor's gradient and the gradients its
 * op passed to its inputs. The recorded graph is kept (retainGraph), so the
 * trace's nodes stay inspectable; the trace owns copies of the gradients
 * until `dispose()`.
 *
 * @example
 * const a = t.tensor(2, { requiresGrad: true }), b = t.tensor(3, { requiresGrad: true });
 * const trace = traceBackward(a.mul(b));
 * trace.steps[0].inputGrads; // [3, 2]: mul sends each input the gradient times the other input
 * trace.dispose();
 */
export function traceBackward(root: Tensor, seed?: Tensor): BackwardTrace {
  const graph = recordedGraph(root);
  const byTensor = new Map(graph.nodes.map((n) => [n.tensor, n]));
  const steps: BackwardTraceStep[] = [];
  const own: Tensor[] = [];
  const copy = (x: Tensor): Tensor => {
    const c = keep(x.clone());
    own.push(c);
    return c;
  };
  try {
    backward(root, seed, {
      retainGraph: true,
      onStep: (step) => {
        const node = byTensor.get(step.tensor);
        if (!node)
          throw new ArgumentError(
            `traceBackward: backward reached tensor #${step.tensor.id} ${fmtShape(step.tensor.shape)} outside the recorded graph`,
          );
        steps.push({ node, grad: copy(step.gradOutput), inputGrads: step.inputGrads.map((g) => g && copy(g)) });
      },
    });
  } catch (error) {
    for (const c of own) c.dispose();
    throw error;
  }
  const byNode = new Map(steps.map((s) => [s.node, s]));
  return {
    graph,
    steps,
    stepOf: (node) => byNode.get(node),
    dispose: () => {
      for (const c of own) c.dispose();
      own.length = 0;
    },
  };
}
