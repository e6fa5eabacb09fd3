import type * as t from '@tensile/core';
import { Module } from './module.js';

/**
 * Runs its children in order, each on the previous one's output. Children
 * are numbered '0', '1', … (parameters `0.weight`, as PyTorch), or named when
 * given as an object (`{ conv: …, act: … }` → `conv.weight`). `model[2]`
 * and `model.at(-1)` give a child, typed Module; `sequential(a, b, c)`
 * builds one typed by position (input of a, output of c, `model[i]`).
 *
 * @example
 * const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 */
export class Sequential extends Module {
  readonly typeName = 'Sequential';
  /** The children by position, as PyTorch's `model[2]` (also named children: `model.conv`, untyped). */
  readonly [index: number]: Module;

  constructor(...layers: Module[] | [Record<string, Module>]) {
    super();
    const first = layers[0];
    if (layers.length === 1 && first !== undefined && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first)) this.addModule(name, m);
    } else {
      (layers as Module[]).forEach((m, i) => this.addModule(String(i), m));
    }
  }

  get config() {
    return {};
  }

  /** The number of children. */
  get length(): number {
    return this.children().length;
  }

  /** The i-th child (negative counts from the end). */
  at(i: number): Module | undefined {
    return this.children().at(i);
  }

  /** Adds a child at the end, numbered after the last; returns this. */
  append(m: Module): this {
    this.addModule(String(this.length), m);
    return this;
  }

  forward(x: t.Tensor): t.Tensor {
    let y: unknown = x;
    for (const m of this.children()) y = m.call(y);
    return y as t.Tensor;
  }

  override specChildren(): Record<string, Module> {
    return Object.fromEntries(this.namedChildren());
  }

  override extraRepr(): string {
    return '';
  }
}

/** What a module's forward takes first. */
// biome-ignore lint/suspicious/noExplicitAny: matches any forward; only the first parameter is read
export type InputOf<M> = M extends { forward(x: infer X, ...rest: any[]): unknown } ? X : never;
/** What a module's forward returns. */
// biome-ignore lint/suspicious/noExplicitAny: matches any forward; only the result is read
export type OutputOf<M> = M extends { forward(...args: any[]): infer Y } ? Y : never;
type LastOf<L extends readonly unknown[]> = L extends readonly [...unknown[], infer E] ? E : never;
/** `model[i]` typed as the i-th module given. */
type Positions<L extends readonly unknown[]> = { readonly [K in keyof L as K extends `${number}` ? K : never]: L[K] };

/**
 * A Sequential whose forward (and so `call`) maps In to Out, with each
 * position typed: what `sequential(...)` returns.
 */
export type TypedSequential<In, Out, L extends readonly unknown[] = Module[]> = Sequential & {
  forward(x: In): Out;
} & Positions<L>;

/**
 * A Sequential typed by position: its input is what the first module takes,
 * its output what the last returns, and `model[i]` is the i-th module's own
 * type (so `model[0].weight` type-checks).
 *
 * @example
 * const model = sequential(new Embedding(100, 16), new Flatten(), new Linear(64, 2));
 * const logits: t.Tensor = model.call(tokens); // model[2].weight: Parameter
 */
export function sequential<const L extends readonly [Module, ...Module[]]>(
  ...layers: L
): TypedSequential<InputOf<L[0]>, OutputOf<LastOf<L>>, L> {
  return new Sequential(...layers) as TypedSequential<InputOf<L[0]>, OutputOf<LastOf<L>>, L>;
}
