import * as t from '@tensile/core';

/** A parameter is a leaf tensor with `requiresGrad: true` that a module owns. */
export type Parameter = t.Tensor;

/** JSON values a layer's config may hold. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
/** A layer's constructor config: JSON-serialisable, so a model can be re-created from it. */
export type LayerConfig = { readonly [key: string]: JsonValue };

export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys (default true). Shape mismatches are always refused. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Which modules are running, innermost last, with their paths (to name them in errors). */
const running: { module: Module; path: string }[] = [];
/** Errors already prefixed with the innermost module's name. */
const annotated = new WeakSet<object>();

/**
 * The base of every layer and model, as torch.nn.Module: it owns parameters,
 * buffers and child modules under PyTorch's names, switches between training
 * and evaluation mode, and saves and loads its state by name.
 *
 * A subclass registers what it owns in its constructor and implements
 * `forward`; callers use `call`, which names the module in errors and in
 * anomaly mode (`model.3 (Linear)`).
 *
 * Everything registered is also a property, named as PyTorch's attribute in
 * camelCase: `addParameter('weight', …)` gives `this.weight`,
 * `addBuffer('running_mean', …)` gives `this.runningMean`, `addModule('0', …)`
 * gives `this[0]`. The property reads the registration, so it follows
 * `to(dtype)` and functionalCall; a subclass types it with `declare readonly
 * weight: Parameter` (a name the class already has, or a Module member, is
 * left alone).
 *
 * A custom module that takes one JSON config object can extend ConfigModule
 * instead: it writes only its constructor and forward, and
 * registerModule(Class) derives the registry entry (see config-module.ts).
 *
 * The type parameters are forward's arguments and result, so a model can be
 * typed by what it computes: `Module<[t.Tensor], t.Tensor>` is any module
 * that maps a tensor to a tensor (a plain `Module` takes anything and gives
 * `unknown`), and `call` is typed from forward.
 *
 * @example
 * class Scale extends Module<[t.Tensor], t.Tensor> {
 *   readonly typeName = 'Scale';
 *   declare readonly weight: Parameter;
 *   constructor(readonly n: number) { super(); this.addParameter('weight', t.ones([n])); }
 *   get config() { return { n: this.n }; }
 *   forward(x: t.Tensor) { return x.mul(this.weight); }
 * }
 * const model: Module<[t.Tensor], t.Tensor> = new Sequential(new Linear(4, 2), new Scale(2));
 * const y: t.Tensor = model.call(x);
 */
const MODULE_BRAND = Symbol.for('tensile.module');

// biome-ignore lint/suspicious/noExplicitAny: the default takes any arguments, as forward of an unknown module does
export abstract class Module<In extends unknown[] = any[], Out = unknown> {
  /**
   * `x instanceof Module` holds for modules made by any copy of this package
   * (an app's bundle and a plugin's), recognised by a shared brand; subclass
   * checks stay ordinary.
   */
  static [Symbol.hasInstance](x: unknown): boolean {
    if (this !== Module) return Function.prototype[Symbol.hasInstance].call(this, x);
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[MODULE_BRAND] === true;
  }

  /** @internal The brand `instanceof Module` checks. */
  readonly [MODULE_BRAND] = true;

  /** The name this module is registered under (see registerLayer). */
  abstract readonly typeName: string;
  /** Whether the module is in training mode (dropout active, batch statistics). */
  training = true;

  private readonly _parameters = new Map<string, Parameter | null>();
  private readonly _buffers = new Map<string, t.Tensor | null>();
  private readonly _nonPersistent = new Set<string>();
  private readonly _modules = new Map<string, Module>();

  /** The constructor arguments as JSON, from which the registry re-creates this module. */
  abstract get config(): LayerConfig;

  /**
   * The computation, from In to Out. Call `call(...)` instead of this to get
   * the module named in errors. Each layer declares its exact signature.
   */
  abstract forward(...args: In): Out;

  /**
   * Runs forward with this module's path pushed as the current module name
   * (`model.0 (Conv2d)`), so anomaly mode and errors thrown inside name the layer.
   */
  call<M extends Module>(this: M, ...args: Parameters<M['forward']>): ReturnType<M['forward']> {
    const parent = running[running.length - 1];
    const own = parent ? parent.module.childName(this) : undefined;
    const path = parent ? (own !== undefined ? `${parent.path}.${own}` : parent.path) : 'model';
    const label = `${path} (${this.typeName})`;
    running.push({ module: this, path });
    try {
      return t.withModuleName(label, () => (this.forward as (...a: unknown[]) => ReturnType<M['forward']>)(...args));
    } catch (err) {
      if (err instanceof Error && !annotated.has(err)) {
        annotated.add(err);
        err.message = `${label}: ${err.message}`;
        if (err.stack) err.stack = `${err.name}: ${err.message}\n${err.stack.split('\n').slice(1).join('\n')}`;
      }
      throw err;
    } finally {
      running.pop();
    }
  }

  // ---- registration (used by subclass constructors) ----

  /**
   * Registers a parameter: the module takes ownership of the fresh tensor x,
   * marks it requiresGrad and exempts it from tidy(). `null` registers an
   * absent optional parameter (a bias turned off).
   */
  protected addParameter(name: string, x: t.Tensor | null): Parameter | null {
    this.checkName('addParameter', name);
    if (x) {
      x.requiresGrad = true;
      x.name = name;
      t.keep(x);
    }
    this._parameters.set(name, x);
    this.defineProperty(name, () => this._parameters.get(name) ?? null);
    return x;
  }

  /** Registers a buffer: state that is saved and loaded but not trained (BatchNorm's running stats). */
  protected addBuffer(name: string, x: t.Tensor | null, options: { persistent?: boolean } = {}): t.Tensor | null {
    this.checkName('addBuffer', name);
    if (x) {
      x.name = name;
      t.keep(x);
    }
    this._buffers.set(name, x);
    if (options.persistent === false) this._nonPersistent.add(name);
    this.defineProperty(name, () => this._buffers.get(name) ?? null);
    return x;
  }

  /** Registers a child module; its parameters are named `<name>.<param>`. */
  protected addModule<M extends Module>(name: string, module: M): M {
    this.checkName('addModule', name);
    if (!(module instanceof Module)) throw new TypeError(`${this.typeName}.addModule: '${name}' is not a Module`);
    this._modules.set(name, module);
    this.defineProperty(name, () => this._modules.get(name));
    return module;
  }

  /**
   * Exposes a registration as the property PyTorch's attribute name would
   * be, in camelCase (running_mean → runningMean, '0' → this[0]). A name the
   * object already has (a field of the subclass, a Module method) is left
   * alone: the registration is always reachable through param/buffer/namedChildren.
   */
  private defineProperty(name: string, get: () => unknown): void {
    const key = camel(name);
    if (key in this) return;
    Object.defineProperty(this, key, { get, enumerable: true, configurable: true });
  }

  private checkName(op: string, name: string): void {
    if (name === '' || name.includes('.'))
      throw new t.ArgumentError(`${this.typeName}.${op}: name '${name}' must be non-empty and contain no '.'`);
    const taken = this._parameters.has(name) || this._buffers.has(name) || this._modules.has(name);
    if (taken) throw new t.ArgumentError(`${this.typeName}.${op}: '${name}' is already registered`);
  }

  /** This module's own parameter `name` (throws when it does not exist or is absent). */
  param(name: string): Parameter {
    const p = this._parameters.get(name);
    if (!p) throw new t.ArgumentError(`${this.typeName}: no parameter '${name}'${this._parameters.has(name) ? ' (it is disabled)' : ''}`);
    return p;
  }

  /** This module's own optional parameter (null when disabled, e.g. bias: false). */
  optionalParam(name: string): Parameter | null {
    return this._parameters.get(name) ?? null;
  }

  /** This module's own buffer `name`. */
  buffer(name: string): t.Tensor {
    const b = this._buffers.get(name);
    if (!b) throw new t.ArgumentError(`${this.typeName}: no buffer '${name}'`);
    return b;
  }

  /** The name under which `child` is registered here, if it is. */
  childName(child: Module): string | undefined {
    for (const [name, m] of this._modules) if (m === child) return name;
    return undefined;
  }

  /**
   * The sub-module at a dotted path ('features.0', 'layers.1.self_attn'), as
   * PyTorch's get_submodule; '' is this module.
   */
  getSubmodule(target: string): Module {
    let m: Module = this;
    for (const name of target === '' ? [] : target.split('.')) {
      const next = m._modules.get(name);
      if (!next)
        throw new t.ArgumentError(
          `${this.typeName}.getSubmodule: no sub-module '${name}' in '${target}' (${m.typeName} has ${[...m._modules.keys()].map((k) => `'${k}'`).join(', ') || 'none'})`,
        );
      m = next;
    }
    return m;
  }

  /**
   * Replaces the sub-module at a dotted path with another, as PyTorch's
   * set_submodule (or `model.fc = nn.Identity()`): `model.setSubmodule('fc',
   * new Identity())`. The owner's property follows, a field holding the old
   * module included; the old module is returned, not disposed.
   *
   * @example
   * const old = resnet.setSubmodule('fc', new Identity()); // features instead of logits
   */
  setSubmodule(target: string, module: Module): Module {
    if (!(module instanceof Module)) throw new TypeError(`${this.typeName}.setSubmodule: '${target}' must be set to a Module`);
    const dot = target.lastIndexOf('.');
    const owner = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    const old = owner._modules.get(name);
    if (!old)
      throw new t.ArgumentError(
        `${this.typeName}.setSubmodule: '${target}' is not a sub-module (use addModule in the owner's constructor)`,
      );
    owner._modules.set(name, module);
    const key = camel(name);
    const field = Object.getOwnPropertyDescriptor(owner, key);
    if (field && 'value' in field && field.value === old) (owner as unknown as Record<string, unknown>)[key] = module;
    return old;
  }

  // ---- traversal ----

  /** Direct children by name, in registration order. */
  *namedChildren(): IterableIterator<[string, Module]> {
    yield* this._modules;
  }

  children(): Module[] {
    return [...this._modules.values()];
  }

  /** This module and every descendant, by dotted path ('' for this one). Each module once. */
  *namedModules(prefix = '', seen = new Set<Module>()): IterableIterator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [name, child] of this._modules) yield* child.namedModules(prefix ? `${prefix}.${name}` : name, seen);
  }

  modules(): Module[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

  /** Every parameter by its PyTorch name (`features.0.weight`), each tensor once. */
  *namedParameters(): IterableIterator<[string, Parameter]> {
    const seen = new Set<t.Tensor>();
    for (const [path, m] of this.namedModules()) {
      for (const [name, p] of m._parameters) {
        if (!p || seen.has(p)) continue;
        seen.add(p);
        yield [path ? `${path}.${name}` : name, p];
      }
    }
  }

  parameters(): Parameter[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  /** Every buffer by its dotted name (`bn.running_mean`). */
  *namedBuffers(): IterableIterator<[string, t.Tensor]> {
    for (const [path, m] of this.namedModules()) {
      for (const [name, b] of m._buffers) if (b) yield [path ? `${path}.${name}` : name, b];
    }
  }

  buffers(): t.Tensor[] {
    return [...this.namedBuffers()].map(([, b]) => b);
  }

  /** The number of parameter entries (all, or only those requiring gradients). */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    return this.parameters()
      .filter((p) => !options.trainableOnly || p.requiresGrad)
      .reduce((n, p) => n + p.size, 0);
  }

  // ---- modes ----

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: dropout off, norms use their running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Drops the accumulated gradients of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * `to('float64')`: converts every float parameter and buffer to that dtype
   * (like PyTorch's `.double()`). Parameters become new tensor objects: do
   * this before handing parameters to an optimizer.
   *
   * `await to(backend)` (a Backend or a registered name such as 'webgpu'):
   * moves every parameter, buffer and gradient to that backend in place, like
   * PyTorch's `model.to(device)`. The tensor objects stay the same, so an
   * optimizer built before the move keeps working (its own state, such as
   * Adam's moments, is created on first use, on the parameters' backend).
   */
  to(dtype: 'float32' | 'float64'): this;
  to(backend: t.Backend | Promise<t.Backend> | string): Promise<this>;
  to(target: t.Backend | Promise<t.Backend> | string): this | Promise<this> {
    if (target === 'float32' || target === 'float64') return this.toDType(target);
    return this.toBackend(target);
  }

  private toDType(dtype: 'float32' | 'float64'): this {
    for (const m of this.modules()) {
      for (const table of [m._parameters, m._buffers]) {
        for (const [name, x] of table) {
          if (!x || x.dtype === dtype || !t.isFloat(x.dtype)) continue;
          const y = t.keep(t.noGrad(() => x.cast(dtype)));
          y.requiresGrad = x.requiresGrad;
          y.name = x.name;
          table.set(name, y);
          x.dispose();
        }
      }
    }
    return this;
  }

  private async toBackend(target: t.Backend | Promise<t.Backend> | string): Promise<this> {
    // Resolved once: a name makes a backend object, and every tensor must land on the same one.
    const backend = await t.resolveBackend('Module.to', target);
    const tensors = new Set<t.Tensor>();
    for (const m of this.modules()) for (const table of [m._parameters, m._buffers]) for (const x of table.values()) if (x) tensors.add(x);
    for (const x of tensors) await x._moveTo(backend);
    return this;
  }

  /** Frees every parameter and buffer. The module cannot be used afterwards. */
  dispose(): void {
    for (const m of this.modules()) {
      for (const table of [m._parameters, m._buffers]) for (const x of table.values()) x?.dispose();
    }
  }

  // ---- state ----

  /**
   * Parameters and persistent buffers by PyTorch name, in PyTorch's order.
   * These are the module's own tensors, not copies: read them, do not dispose them.
   */
  stateDict(): Record<string, t.Tensor> {
    const out: Record<string, t.Tensor> = {};
    for (const [key, { tensor }] of this.stateEntries()) out[key] = tensor;
    return out;
  }

  /** Every state entry with the module and local name that own it (for errors). */
  private stateEntries(): Map<string, { tensor: t.Tensor; owner: Module; path: string; local: string; kind: 'parameter' | 'buffer' }> {
    const out = new Map<string, { tensor: t.Tensor; owner: Module; path: string; local: string; kind: 'parameter' | 'buffer' }>();
    for (const [path, m] of this.namedModules()) {
      const key = (name: string) => (path ? `${path}.${name}` : name);
      for (const [name, p] of m._parameters) if (p) out.set(key(name), { tensor: p, owner: m, path, local: name, kind: 'parameter' });
      for (const [name, b] of m._buffers) {
        if (b && !m._nonPersistent.has(name)) out.set(key(name), { tensor: b, owner: m, path, local: name, kind: 'buffer' });
      }
    }
    return out;
  }

  /**
   * Copies values in by name (a PyTorch state_dict loads as is). Everything is
   * checked before anything is assigned, so a bad dict leaves the module
   * unchanged: a shape mismatch always throws, naming the layer, the
   * parameter and both shapes; missing or unexpected keys throw when strict.
   * Values are cast to each tensor's dtype; the module keeps identity of its
   * parameters (optimizers holding them see the new values).
   */
  loadStateDict(state: Record<string, t.Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const own = this.stateEntries();
    const missingKeys = [...own.keys()].filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !own.has(k));
    const problems: string[] = [];
    for (const [key, e] of own) {
      const given = state[key];
      if (given === undefined) continue;
      if (!(given instanceof t.Tensor)) {
        problems.push(`'${key}' is not a tensor`);
      } else if (given.shape.join() !== e.tensor.shape.join()) {
        const where = `${e.path || 'model'} (${e.owner.typeName})`;
        problems.push(
          `${where}: ${e.kind} '${e.local}' has shape [${e.tensor.shape.join(',')}] in the model but [${given.shape.join(',')}] in the state dict ('${key}')`,
        );
      }
    }
    if (strict) {
      for (const key of missingKeys) {
        const e = own.get(key)!;
        problems.push(`missing key '${key}' (${e.kind} '${e.local}' of ${e.path || 'model'} (${e.owner.typeName}))`);
      }
      if (unexpectedKeys.length) problems.push(`unexpected keys ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`);
    }
    if (problems.length) throw new t.ShapeError(`loadStateDict: ${problems.join('; ')}`);
    t.noGrad(() => {
      for (const [key, e] of own) {
        const given = state[key];
        if (given === undefined) continue;
        // assign() takes over (and disposes) its source: hand it a view or a cast, never the caller's tensor.
        t.assign(e.tensor, given.dtype === e.tensor.dtype ? given.detach() : given.cast(e.tensor.dtype));
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- summary ----

  /** The config as `key=value` pairs, shown by toString(). Override for a shorter form. */
  extraRepr(): string {
    return Object.entries(this.config)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ');
  }

  /** A PyTorch-style tree of the model with parameter counts. */
  toString(): string {
    const lines = this.reprLines('');
    const total = this.numParameters();
    const trainable = this.numParameters({ trainableOnly: true });
    lines.push(`Total parameters: ${fmtCount(total)} (trainable ${fmtCount(trainable)})`);
    return lines.join('\n');
  }

  private reprLines(indent: string, label = ''): string[] {
    const extra = this.extraRepr();
    const count = this.numParameters();
    const note = count ? `  # ${fmtCount(count)} params` : '';
    if (this._modules.size === 0) return [`${indent}${label}${this.typeName}(${extra})${note}`];
    const lines = [`${indent}${label}${this.typeName}(${extra ? `${extra},` : ''}${note}`];
    for (const [name, child] of this._modules) lines.push(...child.reprLines(`${indent}  `, `(${name}): `));
    lines.push(`${indent})`);
    return lines;
  }

  /**
   * The children a container takes in its constructor (Sequential's layers),
   * saved in its spec. Layers that build their own children return null.
   */
  specChildren(): Record<string, Module> | null {
    return null;
  }
}

/** PyTorch's attribute name as a property: running_mean → runningMean. */
function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Runs `module.call(...args)` with some parameters or buffers replaced by the
 * given tensors (by dotted name), restoring them afterwards, like
 * torch.func.functional_call. Gradients flow to the given tensors.
 */
export function functionalCall<M extends Module>(
  module: M,
  tensors: Record<string, t.Tensor>,
  ...args: Parameters<M['forward']>
): ReturnType<M['forward']> {
  const restore: (() => void)[] = [];
  const modules = new Map(module.namedModules());
  try {
    for (const [key, x] of Object.entries(tensors)) {
      const dot = key.lastIndexOf('.');
      const owner = modules.get(dot < 0 ? '' : key.slice(0, dot));
      const local = key.slice(dot + 1);
      const tables = owner ? [ownTables(owner).parameters, ownTables(owner).buffers] : [];
      const table = tables.find((m) => m.get(local));
      if (!table) throw new t.ArgumentError(`functionalCall: ${module.typeName} has no parameter or buffer '${key}'`);
      const old = table.get(local)!;
      table.set(local, x);
      restore.push(() => table.set(local, old));
    }
    return module.call(...args);
  } finally {
    for (const undo of restore.reverse()) undo();
  }
}

/** @internal The tables of a module, for functionalCall. */
function ownTables(m: Module): { parameters: Map<string, t.Tensor | null>; buffers: Map<string, t.Tensor | null> } {
  const raw = m as unknown as { _parameters: Map<string, t.Tensor | null>; _buffers: Map<string, t.Tensor | null> };
  return { parameters: raw._parameters, buffers: raw._buffers };
}
