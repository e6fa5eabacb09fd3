import type { Tensor } from './tensor.js';

/**
 * Computes the gradients of an op's inputs from the gradient of its output.
 * Gets the op's output too (not held by the node, which would be a cycle).
 * Returns one entry per input (null where no gradient flows). Written with
 * tensor ops, so every backend gets it. `needs[i]` tells whether input i
 * wants a gradient, so work for the others can be skipped.
 */
export type BackwardFn = (gradOutput: Tensor, output: Tensor, needs: readonly boolean[]) => readonly (Tensor | null | undefined)[];

/** A recorded op in the autograd graph: the output tensor owns it. */
export interface GraphNode {
  readonly op: string;
  /** Inputs and extra tensors the backward reads; held until the graph is released. */
  readonly inputs: readonly Tensor[];
  readonly saved: readonly Tensor[];
  readonly backward: BackwardFn;
  /** Module path that issued the op, for error messages. */
  readonly module: string;
}
