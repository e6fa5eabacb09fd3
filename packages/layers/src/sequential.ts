import type * as t from '@tensile/core';
import { Module } from './module.js';

/**
 * Runs its children in order, each on the previous one's output. Children
 * are numbered '0', '1', … (parameters `0.weight`, as PyTorch), or named when
 * given as an object (`{ conv: …, act: … }` → `conv.weight`). `model[2]`
 * and `model.at(-1)` give a child; Sequential holds any modules, so these are
 * typed Module: a list of one kind of block is a ModuleList<Block>.
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
