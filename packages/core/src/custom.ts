import { noGrad, record } from './autograd.js';
import { isFloat } from './dtype.js';
import { engine } from './engine.js';
import { ArgumentError, DTypeError, fmtShape } from './errors.js';
import { tidy } from './scope.js';
import { Tensor } from './tensor.js';

/**
 * What forward hands to backward (PyTorch's `ctx`): tensors saved with
 * saveForBackward, which inputs need a gradient, and any plain values
 * forward sets on `ctx.values`.
 */
export class FunctionContext {
  /** @internal */ _saved: (Tensor | typeof OUTPUT)[] = [];
  /** @internal */ _output: Tensor | null = null;
  /** @internal */ _savingDone = false;
  /** Per forward argument: whether backward must return its gradient (false for non-tensors). */
  needsInputGrad: boolean[];
  /** Plain values for backward (sizes, flags): anything that is not a tensor. */
  readonly values: Record<string, unknown> = {};

  /** @internal */
  constructor(needsInputGrad: boolean[]) {
    this.needsInputGrad = needsInputGrad;
  }

  /**
   * Keeps tensors for backward: inputs, the output, or tensors made in
   * forward. Inputs and the output stay connected to the graph, so a
   * backward written with tensor ops from them is itself differentiable
   * (createGraph); other tensors made in forward count as constants there.
   */
  saveForBackward(...tensors: Tensor[]): void {
    if (this._savingDone) throw new ArgumentError('saveForBackward: call it in forward, not in backward');
    tensors.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new ArgumentError(`saveForBackward: argument ${i} is not a tensor`);
    });
    this._saved.push(...tensors);
  }

  /** The saved tensors, in the order they were saved (read them in backward). */
  get savedTensors(): Tensor[] {
    return this._saved.map((x) => (x === OUTPUT ? this._output! : x));
  }
}

/** Marks the output among the saved tensors: holding it in its own node would keep it alive forever. */
const OUTPUT = Symbol('output');

export interface CustomOpDefinition<A extends unknown[]> {
  /** The op's name in the graph, in errors and in traces. */
  name: string;
  /** Computes the output from the arguments (tensors and plain values); runs without recording. */
  forward(ctx: FunctionContext, ...args: A): Tensor;
  /**
   * The gradient of each forward argument from the output's gradient: an
   * array with one entry per argument (null for non-tensors or where none
   * flows), or a single tensor when forward takes one argument. Write it
   * with tensor ops so that it runs on every backend and can itself be
   * differentiated.
   */
  backward(ctx: FunctionContext, gradOutput: Tensor): Tensor | readonly (Tensor | null | undefined)[] | null;
}

/**
 * A differentiable function with a forward and a backward you write
 * (PyTorch's torch.autograd.Function): core records it in the graph, holds
 * and frees what it saved, and checks the gradients' shapes and dtypes.
 * forward's own ops are not recorded; its temporaries are freed.
 *
 * @example
 * const cube = t.customOp({
 *   name: 'cube',
 *   forward(ctx, x: t.Tensor) { ctx.saveForBackward(x); return x.pow(3); },
 *   backward(ctx, g) { const [x] = ctx.savedTensors; return g.mul(x.square().mul(3)); },
 * });
 * cube(x).sum().backward();
 */
export function customOp<A extends unknown[]>(definition: CustomOpDefinition<A>): (...args: A) => Tensor {
  const { name, forward, backward } = definition ?? ({} as CustomOpDefinition<A>);
  if (typeof name !== 'string' || name === '') throw new ArgumentError('customOp: name must be a non-empty string');
  if (typeof forward !== 'function' || typeof backward !== 'function') {
    throw new ArgumentError(`customOp '${name}': forward and backward must be functions`);
  }
  return (...args: A) => {
    const tensorAt = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
    const inputs = tensorAt.map((i) => args[i] as Tensor);
    for (const x of inputs) x.assertUsable(name);
    const ctx = new FunctionContext(args.map((a) => a instanceof Tensor && a.requiresGrad));
    const firstNew = engine().nextId;
    const { output, saved } = noGrad(() =>
      tidy(() => {
        let out = forward(ctx, ...args);
        if (!(out instanceof Tensor)) throw new ArgumentError(`customOp '${name}': forward must return a tensor, got ${typeof out}`);
        // A fresh output: an input returned as is (or a tensor from outside) would be recorded as made twice.
        if (out.id < firstNew || out._node !== null) out = out.clone();
        return { output: out, saved: ctx._saved as Tensor[] };
      }),
    );
    ctx._savingDone = true;
    const isOutput = (x: Tensor) => x === output;
    ctx._saved = saved.map((x) => (isOutput(x) ? OUTPUT : x));
    if (!isFloat(output.dtype) && ctx.needsInputGrad.some(Boolean)) {
      throw new DTypeError(`customOp '${name}': output is ${output.dtype} ${fmtShape(output.shape)}; only float outputs have gradients`);
    }
    const held = saved.filter((x) => !isOutput(x));
    record(
      name,
      inputs,
      output,
      (g, out, needs) => {
        ctx._output = out;
        ctx.needsInputGrad = args.map((_, i) => {
          const k = tensorAt.indexOf(i);
          return k >= 0 && needs[k];
        });
        const r = backward(ctx, g);
        const list = r instanceof Tensor || r === null || r === undefined ? [r] : r;
        if (!Array.isArray(list) || list.length !== args.length) {
          throw new ArgumentError(
            `customOp '${name}': backward returned ${Array.isArray(list) ? list.length : typeof r} gradients for ${args.length} forward arguments`,
          );
        }
        return tensorAt.map((i) => {
          const gi = list[i];
          if (gi !== null && gi !== undefined && !(gi instanceof Tensor)) {
            throw new ArgumentError(`customOp '${name}': backward's gradient ${i} is not a tensor`);
          }
          return gi ?? null;
        });
      },
      held,
    );
    // Tensors made in forward and saved now belong to the graph (or, when nothing was recorded, to no one).
    for (const x of held) if (x.id >= firstNew) x.dispose();
    return output;
  };
}
