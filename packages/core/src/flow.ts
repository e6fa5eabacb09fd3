import { engine } from './engine.js';
import type { Tensor } from './tensor.js';

/** Why a parameter's gradient cannot reach a tensor that depends on it. */
export type CutReason = 'detach' | 'noGrad' | 'left-graph';

/**
 * Which parameters (leaves that require grad) a tensor depends on: through
 * the recorded graph (`live`), or only through a cut (`cut`, with the reason).
 * Tracked only while flow tracking is on.
 */
export interface Flow {
  live: Set<Tensor>;
  cut: Map<Tensor, CutReason>;
}

const EMPTY: Flow = { live: new Set(), cut: new Map() };
const flows = new WeakMap<Tensor, Flow>();

export function flowOf(x: Tensor): Flow {
  const f = flows.get(x);
  if (f) return f;
  if (x.requiresGrad && !x._node) return { live: new Set([x]), cut: new Map() };
  return EMPTY;
}

/** Records an op's output flow: the union of its inputs', cut when the op was not recorded. */
export function traceFlow(output: Tensor, inputs: readonly Tensor[], cutBy: CutReason | null): void {
  const flow: Flow = { live: new Set(), cut: new Map() };
  for (const x of inputs) {
    const f = flowOf(x);
    for (const p of f.live) {
      if (cutBy) flow.cut.set(p, cutBy);
      else flow.live.add(p);
    }
    for (const [p, r] of f.cut) if (!flow.live.has(p)) flow.cut.set(p, r);
  }
  for (const p of flow.live) flow.cut.delete(p);
  flows.set(output, flow);
}

/** detach(): everything the source depended on is now cut by 'detach'. */
export function traceDetach(output: Tensor, source: Tensor): void {
  if (!engine().flowTracking) return;
  const f = flowOf(source);
  const cut = new Map(f.cut);
  for (const p of f.live) cut.set(p, 'detach');
  flows.set(output, { live: new Set(), cut });
}

/** A read back to JS (data/dataSync): the parameters behind x leave the graph there. */
export function traceReadOut(x: Tensor): void {
  const e = engine();
  if (!e.flowTracking) return;
  const f = flowOf(x);
  for (const p of f.live) e.readOut.add(p);
}

/** A tensor made from host data while tracking may carry values read out earlier. */
export function traceFromHost(output: Tensor): void {
  const e = engine();
  if (!e.flowTracking || e.readOut.size === 0) return;
  flows.set(output, { live: new Set(), cut: new Map([...e.readOut].map((p) => [p, 'left-graph' as const])) });
}

export interface ParameterFlow {
  name: string;
  /** Whether backward left a gradient in `.grad`. */
  receivedGradient: boolean;
  /** Why not, when it did not. */
  reason:
    | 'not on the path from the loss'
    | 'cut by detach()'
    | 'cut by noGrad()'
    | 'left the graph (values read out with data() and a new tensor made from them)'
    | null;
}

const REASONS: Record<CutReason, ParameterFlow['reason']> = {
  detach: 'cut by detach()',
  noGrad: 'cut by noGrad()',
  'left-graph': 'left the graph (values read out with data() and a new tensor made from them)',
};

/**
 * Runs fn with gradient-flow tracking on. Inside, every op notes which
 * parameters its output depends on and where that dependence was cut, so
 * `gradientFlow()` can say why a parameter got no gradient. Costs a set
 * union per op while on; nothing when off.
 *
 * @example
 * const loss = await trackGradientFlow(async () => lossFn(model.forward(x), y));
 * loss.backward();
 * for (const p of gradientFlow(loss, model.namedParameters())) if (!p.receivedGradient) console.warn(p.name, p.reason);
 */
export async function trackGradientFlow<T>(fn: () => T | Promise<T>): Promise<T> {
  const e = engine();
  const previous = e.flowTracking;
  e.flowTracking = true;
  if (!previous) e.readOut = new Set();
  try {
    return await fn();
  } finally {
    e.flowTracking = previous;
    if (!previous) e.readOut = new Set();
  }
}

/**
 * After backward: which parameters received a gradient, and for those that
 * did not, why (the loss must have been computed under trackGradientFlow for
 * the cut reasons; otherwise they read 'not on the path from the loss').
 */
export function gradientFlow(loss: Tensor, parameters: Iterable<[string, Tensor]> | Record<string, Tensor>): ParameterFlow[] {
  const entries = Symbol.iterator in Object(parameters) ? [...(parameters as Iterable<[string, Tensor]>)] : Object.entries(parameters);
  const f = flowOf(loss);
  return entries.map(([name, p]) => {
    if (p.grad) return { name, receivedGradient: true, reason: null };
    const cut = f.cut.get(p);
    return { name, receivedGradient: false, reason: cut ? REASONS[cut] : 'not on the path from the loss' };
  });
}
