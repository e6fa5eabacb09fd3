import type * as t from '@tensile/core';
import { ruleOf } from './rules.js';

/**
 * What the page shows of a traced backward pass, read back from Tensile once
 * (values are async on every backend) so that drawing and stepping are plain,
 * synchronous work.
 */
export interface ViewNode {
  id: number;
  /** The name a line gave it, if any. */
  name: string | null;
  /** The op that made it, null for a leaf or constant. */
  op: string | null;
  /** Drawn in the node's head: the name for leaves, the op's symbol (and name) for ops. */
  title: string;
  shape: readonly number[];
  /** The forward value: one text line per row. */
  value: string[];
  /** For a scalar, its number (the tests read it). */
  scalar: number | null;
  inputs: number[];
  requiresGrad: boolean;
  /** The backward step at which this node's gradient is complete; null when none reaches it. */
  step: number | null;
  /** Where a NaN or ∞ first appears: this value is not finite, all its inputs are (what anomaly mode reports). */
  firstNonFinite: boolean;
}

export interface ViewStep {
  node: number;
  /** d(output)/d(node): text lines, and the number for a scalar. */
  grad: string[];
  gradScalar: number | null;
  /** Per input edge (index in the node's inputs): what this step sent back along it. */
  inputGrads: (string[] | null)[];
  /** Whether an input was broadcast (its gradient was summed over axes). */
  broadcast: boolean;
}

export interface ViewModel {
  nodes: ViewNode[];
  steps: ViewStep[];
  output: number;
}

/** A number as a person reads it: at most 6 significant digits, no float noise (2.2, not 2.2000000000000002). */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Object.is(v, -0) || v === 0) return '0';
  const s = String(Number(v.toPrecision(6)));
  return s.replace('-', '−');
}

/** A tensor's values as lines: a number, a row [a, b], or one row per line for a matrix. */
export function formatValues(values: ArrayLike<number>, shape: readonly number[]): string[] {
  const all = Array.from(values, formatNumber);
  if (shape.length === 0) return [all[0]];
  const rowLength = shape[shape.length - 1];
  const rows: string[] = [];
  for (let i = 0; i < all.length; i += rowLength) rows.push(`[${all.slice(i, i + rowLength).join(', ')}]`);
  return rows;
}

async function read(x: t.Tensor): Promise<Float64Array> {
  return Float64Array.from((await x.data()) as ArrayLike<number>);
}

/** Reads every value and gradient of a trace back from Tensile. */
export async function buildViewModel(trace: t.BackwardTrace): Promise<ViewModel> {
  const stepOf = new Map(trace.steps.map((s, i) => [s.node.id, i]));
  const nodes: ViewNode[] = [];
  const finite: boolean[] = [];
  for (const n of trace.graph.nodes) {
    const values = await read(n.tensor);
    finite.push(values.every(Number.isFinite));
    const name = n.tensor.name ?? null;
    const op = n.op;
    const title = op === null ? (name ?? (n.requiresGrad ? 'input' : 'constant')) : `${ruleOf(op).symbol}${name ? `  ${name}` : ''}`;
    nodes.push({
      id: n.id,
      name,
      op,
      title,
      shape: n.tensor.shape,
      value: formatValues(values, n.tensor.shape),
      scalar: n.tensor.size === 1 ? values[0] : null,
      inputs: [...n.inputs],
      requiresGrad: n.requiresGrad,
      step: stepOf.get(n.id) ?? null,
      firstNonFinite: !finite[n.id] && n.inputs.every((i) => finite[i]) && !nodes.some((m) => m.firstNonFinite),
    });
  }
  const steps: ViewStep[] = [];
  for (const s of trace.steps) {
    const grad = await read(s.grad);
    const inputGrads: (string[] | null)[] = [];
    let broadcast = false;
    for (const [j, g] of s.inputGrads.entries()) {
      if (!g) {
        inputGrads.push(null);
        continue;
      }
      inputGrads.push(formatValues(await read(g), g.shape));
      const input = trace.graph.nodes[s.node.inputs[j]].tensor;
      if (s.node.op !== 'matmul' && s.node.op !== 'sum' && input.size < s.node.tensor.size) broadcast = true;
    }
    steps.push({
      node: s.node.id,
      grad: formatValues(grad, s.grad.shape),
      gradScalar: s.grad.size === 1 ? grad[0] : null,
      inputGrads,
      broadcast,
    });
  }
  return { nodes, steps, output: trace.graph.root.id };
}
