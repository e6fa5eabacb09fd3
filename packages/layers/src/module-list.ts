import * as t from '@tensile/core';
import { Module } from './module.js';

/**
 * Holds modules in a list, as torch.nn.ModuleList: they are registered
 * (parameters `0.weight`, `1.weight`, …) but not called; the owner's forward
 * calls them. Typed by the kind it holds, so `blocks[2].attn` is checked
 * by the compiler (`blocks.at(-1)` too).
 *
 * @example
 * const blocks = new ModuleList([new Block(), new Block()]);
 * for (const b of blocks) x = b.call(x);
 */
export class ModuleList<M extends Module = Module> extends Module<[], never> {
  readonly typeName = 'ModuleList';
  readonly [index: number]: M;

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  get config() {
    return {};
  }

  get length(): number {
    return this.children().length;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): M | undefined {
    return this.children().at(i) as M | undefined;
  }

  /** Adds a module at the end; returns this. */
  append(m: M): this {
    this.addModule(String(this.length), m);
    return this;
  }

  /** Adds each module at the end; returns this. */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  [Symbol.iterator](): IterableIterator<M> {
    return (this.children() as M[])[Symbol.iterator]();
  }

  forward(): never {
    throw new t.ArgumentError('ModuleList has no forward: call its modules from the owner');
  }

  override specChildren(): Record<string, Module> {
    return Object.fromEntries(this.namedChildren());
  }

  override extraRepr(): string {
    return '';
  }
}

/**
 * Holds modules by name, as torch.nn.ModuleDict (parameters `<key>.weight`);
 * like ModuleList it is not called itself. Keys are PyTorch attribute names
 * (no '.'); `dict.get(key)` is typed, `dict.encoder` works untyped.
 */
export class ModuleDict<M extends Module = Module> extends Module<[], never> {
  readonly typeName = 'ModuleDict';

  constructor(modules: Record<string, M> = {}) {
    super();
    for (const [key, m] of Object.entries(modules)) this.set(key, m);
  }

  get config() {
    return {};
  }

  get size(): number {
    return this.children().length;
  }

  /** The module under key, or undefined. */
  get(key: string): M | undefined {
    for (const [name, m] of this.namedChildren()) if (name === key) return m as M;
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Puts a module under key, replacing the one there (as PyTorch's `dict[key] = m`); returns this. */
  set(key: string, m: M): this {
    if (this.has(key)) this.setSubmodule(key, m);
    else this.addModule(key, m);
    return this;
  }

  keys(): string[] {
    return [...this.namedChildren()].map(([k]) => k);
  }

  *entries(): IterableIterator<[string, M]> {
    yield* this.namedChildren() as IterableIterator<[string, M]>;
  }

  forward(): never {
    throw new t.ArgumentError('ModuleDict has no forward: call its modules from the owner');
  }

  override specChildren(): Record<string, Module> {
    return Object.fromEntries(this.namedChildren());
  }

  override extraRepr(): string {
    return '';
  }
}
