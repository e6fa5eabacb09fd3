import * as t from '@tensile/core';
import { describe } from './describe-value.js';

/** Hyper-parameters every optimizer has. */
export interface BaseOptions {
  lr: number;
}

/** A parameter group as the user passes it: parameters plus overrides of the optimizer's options. */
export type ParamGroupInput<O> = Partial<O> & { params: readonly t.Tensor[] };

/** A resolved parameter group: every option set (the group's own or the optimizer's default). */
export type ParamGroup<O> = O & {
  params: t.Tensor[];
  /** The lr the first scheduler attached found (PyTorch's initial_lr). */
  initialLr?: number;
  [extra: string]: unknown;
};

/**
 * Per-parameter state: the step count, named state tensors (kept, owned by
 * the optimizer) and named numbers (PyTorch's 0-d state tensors, e.g.
 * NAdam's mu_product, kept on the host so no step has to read the device).
 */
export interface ParamState {
  step: number;
  buffers: Record<string, t.Tensor>;
  values?: Record<string, number>;
}

/**
 * What stateDict returns: state tensors by `<param index>.<buffer>` (the
 * index counts parameters across groups in order) and everything else as
 * JSON, so @tensile/io can write the tensors to safetensors and the rest to JSON.
 */
export interface OptimizerStateDict {
  state: Record<string, t.Tensor>;
  meta: {
    type: string;
    /** Each group's hyper-parameters and the indices of its parameters. */
    groups: Record<string, unknown>[];
    /** Step count per parameter index (absent: never stepped). */
    steps: Record<string, number>;
    /** Per-parameter numbers by index, only for optimizers that keep some (NAdam, ASGD). */
    values?: Record<string, Record<string, number>>;
  };
}

/** What checkStateDict found valid and loadStateDict applies. */
export interface CheckedOptimizerState {
  /** Each group's hyper-parameters, as saved. */
  groups: Record<string, unknown>[];
  /** Step count by parameter index. */
  steps: Map<number, number>;
  /** State tensors (the caller's; loadStateDict copies them). */
  buffers: { index: number; buffer: string; value: t.Tensor }[];
  /** Per-parameter numbers. */
  values: { index: number; name: string; value: number }[];
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function asRecord(v: unknown, what: string, fail: (problem: string) => never): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof t.Tensor)
    fail(`${what} must be an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

function onlyKeys(record: Record<string, unknown>, keys: readonly string[], what: string, fail: (problem: string) => never): void {
  for (const key of keys) if (!(key in record)) fail(`${what} lacks ${JSON.stringify(key)}`);
  for (const key of Object.keys(record)) if (!keys.includes(key)) fail(`${what} has an unknown field ${JSON.stringify(key)}`);
}

/** A parameter index written as a decimal string ("0", "12"), or undefined. */
function paramIndex(text: string, count: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) return undefined;
  const index = Number(text);
  return index < count ? index : undefined;
}

/**
 * The base of every optimizer: parameter groups, per-parameter state, the
 * step loop that updates parameters in place, zeroGrad and state dicts.
 * Subclasses implement `update` for one parameter; it runs under noGrad and
 * tidy, so its temporaries are freed and the live-tensor count stays flat.
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** The registry's entry shape (core's RegistryEntry): `X.create(...args)` is `new X(...args)`. */
  static create<A extends unknown[], T>(this: new (...args: A) => T, ...args: A): T {
    return new this(...args);
  }

  readonly paramGroups: ParamGroup<O>[];
  readonly defaults: Readonly<O>;
  protected readonly state = new Map<t.Tensor, ParamState>();
  /** The names of the per-parameter state tensors `update` keeps; loadStateDict refuses others. */
  protected readonly stateBuffers?: readonly string[];
  /** The names of the per-parameter numbers `update` keeps (state.values); their state dicts carry meta.values. */
  protected readonly stateValues?: readonly string[];
  private disposed = false;

  constructor(
    /** The optimizer's name, used in error messages and state dicts. */
    readonly typeName: string,
    params: readonly t.Tensor[] | readonly ParamGroupInput<O>[],
    defaults: O,
  ) {
    this.defaults = Object.freeze({ ...defaults });
    const inputs =
      params.length > 0 && params[0] instanceof t.Tensor
        ? [{ params: params as readonly t.Tensor[] } as ParamGroupInput<O>]
        : (params as readonly ParamGroupInput<O>[]);
    if (inputs.length === 0) throw new t.ArgumentError(`${typeName}: got an empty parameter list`);
    this.paramGroups = [];
    for (const group of inputs) this.addParamGroup(group);
  }

  /** Adds a group (its options default to the optimizer's), as PyTorch's add_param_group. */
  addParamGroup(group: ParamGroupInput<O>): void {
    const name = this.typeName;
    if (!group || !Array.isArray(group.params)) throw new t.ArgumentError(`${name}: a parameter group needs a params array`);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    group.params.forEach((p, i) => {
      if (!(p instanceof t.Tensor)) throw new t.ArgumentError(`${name}: params[${i}] of group ${this.paramGroups.length} is not a tensor`);
      p.assertUsable(name);
      if (p.dtype !== 'float32' && p.dtype !== 'float64') {
        throw new t.DTypeError(`${name}: parameter ${p.name ?? i} is ${p.dtype}; only float tensors can be optimized`);
      }
      if (seen.has(p)) throw new t.ArgumentError(`${name}: parameter ${p.name ?? i} appears in more than one group`);
      seen.add(p);
    });
    const resolved = { ...this.defaults, ...group, params: [...group.params] } as ParamGroup<O>;
    for (const [key, value] of Object.entries(resolved)) {
      if (value === undefined) (resolved as Record<string, unknown>)[key] = (this.defaults as Record<string, unknown>)[key];
    }
    this.validate(resolved);
    this.paramGroups.push(resolved);
  }

  /**
   * Checks a group's hyper-parameters, for the constructor, addParamGroup and
   * loadStateDict alike: each option has the type of its default (a finite
   * number, a boolean, an array of finite numbers of the same length), and
   * lr ≥ 0; subclasses add their ranges.
   */
  protected validate(group: ParamGroup<O>): void {
    const g = group as Record<string, unknown>;
    for (const [key, def] of Object.entries(this.defaults)) {
      const v = g[key];
      if (typeof def === 'boolean' && typeof v !== 'boolean') {
        throw new t.ArgumentError(`${this.typeName}: ${key} must be true or false, got ${describe(v)}`);
      }
      if (typeof def === 'number' && !isFiniteNumber(v)) {
        throw new t.ArgumentError(`${this.typeName}: ${key} must be a finite number, got ${describe(v)}`);
      }
      if (Array.isArray(def) && !(Array.isArray(v) && v.length === def.length && v.every(isFiniteNumber))) {
        throw new t.ArgumentError(`${this.typeName}: ${key} must be ${def.length} finite numbers, got ${describe(v)}`);
      }
    }
    if (!(group.lr >= 0)) throw new t.ArgumentError(`${this.typeName}: lr must be ≥ 0, got ${describe(group.lr)}`);
    if (group.initialLr !== undefined && !(isFiniteNumber(group.initialLr) && group.initialLr >= 0)) {
      throw new t.ArgumentError(`${this.typeName}: initialLr must be a finite number ≥ 0, got ${describe(group.initialLr)}`);
    }
  }

  /** Throws naming the optimizer unless `value` is a number in [lo, hi) (hi inclusive when closed). */
  protected checkRange(param: string, value: number, lo: number, hi = Infinity, closed = false): void {
    const ok = typeof value === 'number' && value >= lo && (closed ? value <= hi : value < hi);
    if (!ok) throw new t.ArgumentError(`${this.typeName}: ${param} must be in [${lo}, ${hi}${closed ? ']' : ')'}, got ${describe(value)}`);
  }

  /** Updates one parameter from its gradient (under noGrad and tidy). */
  protected abstract update(param: t.Tensor, grad: t.Tensor, group: ParamGroup<O>, state: ParamState): void;

  /** One optimization step over every parameter that has a gradient. */
  step(): void {
    this.assertUsable('step');
    t.noGrad(() => {
      for (const group of this.paramGroups) {
        for (const param of group.params) {
          const grad = param.grad;
          if (!grad) continue;
          let state = this.state.get(param);
          if (!state) this.state.set(param, (state = { step: 0, buffers: {} }));
          state.step++;
          t.tidy(() => this.update(param, grad, group, state));
        }
      }
    });
  }

  /** Drops every parameter's gradient (the next backward starts from zero). */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.zeroGrad();
  }

  /** Replaces a state tensor in place (keeping its identity), or stores a new one kept from tidy. */
  protected setBuffer(state: ParamState, name: string, value: t.Tensor): t.Tensor {
    const existing = state.buffers[name];
    if (existing) return t.assign(existing, value);
    state.buffers[name] = t.keep(value);
    return value;
  }

  /** Parameter tensors in index order (across groups), as state dicts number them. */
  private allParams(): t.Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /**
   * The optimizer's state: copies of the state tensors (the caller owns and
   * disposes them) and the hyper-parameters as JSON.
   */
  stateDict(): OptimizerStateDict {
    this.assertUsable('stateDict');
    const params = this.allParams();
    const state: Record<string, t.Tensor> = {};
    const steps: Record<string, number> = {};
    const values: Record<string, Record<string, number>> = {};
    params.forEach((p, i) => {
      const s = this.state.get(p);
      if (!s) return;
      steps[i] = s.step;
      for (const [name, buf] of Object.entries(s.buffers)) state[`${i}.${name}`] = t.keep(buf.clone());
      if (s.values) values[i] = { ...s.values };
    });
    let offset = 0;
    const groups = this.paramGroups.map((g) => {
      const { params: ps, ...hyper } = g;
      const indices = ps.map((_, j) => offset + j);
      offset += ps.length;
      return { ...hyper, params: indices };
    });
    return { state, meta: { type: this.typeName, groups, steps, ...(this.stateValues ? { values } : {}) } };
  }

  /**
   * Restores state saved by stateDict (from an optimizer over parameters of
   * the same shapes, in the same order). Everything is checked first (see
   * checkStateDict), so a refused dict changes nothing. The tensors are
   * copied; the caller keeps ownership of the dict.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const plan = this.checkStateDict(dict, `${this.typeName}.loadStateDict`);
    const params = this.allParams();
    this.disposeState();
    for (const [index, step] of plan.steps) this.state.set(params[index], { step, buffers: {} });
    for (const { index, buffer, value } of plan.buffers) {
      this.state.get(params[index])!.buffers[buffer] = t.keep(t.noGrad(() => value.cast(params[index].dtype)));
    }
    for (const { index, name, value } of plan.values) {
      const s = this.state.get(params[index])!;
      (s.values ??= {})[name] = value;
    }
    plan.groups.forEach((hyper, i) => Object.assign(this.paramGroups[i], hyper));
  }

  /**
   * Throws, naming the field, unless loadStateDict would accept `dict`:
   * its structure, the parameter indices and counts, every state tensor's
   * name, dtype and shape, the step counts, and every group's
   * hyper-parameters, checked by the same `validate` the constructor runs.
   * Changes nothing, so a checkpoint can check every part before applying any.
   * @returns what loadStateDict applies.
   */
  checkStateDict(dict: unknown, where = `${this.typeName}.checkStateDict`): CheckedOptimizerState {
    this.assertUsable('loadStateDict');
    const fail = (problem: string): never => {
      throw new t.ArgumentError(`${where}: ${problem}`);
    };
    const d = asRecord(dict, 'the state dict', fail);
    onlyKeys(d, ['state', 'meta'], 'the state dict', fail);
    const state = asRecord(d.state, 'state', fail);
    const meta = asRecord(d.meta, 'meta', fail);
    onlyKeys(meta, this.stateValues ? ['type', 'groups', 'steps', 'values'] : ['type', 'groups', 'steps'], 'meta', fail);
    if (meta.type !== this.typeName)
      fail(`the state dict is from ${typeof meta.type === 'string' ? meta.type : describe(meta.type)}, this is ${this.typeName}`);
    const params = this.allParams();

    if (!Array.isArray(meta.groups)) fail(`meta.groups must be an array, got ${describe(meta.groups)}`);
    const savedGroups = meta.groups as unknown[];
    if (savedGroups.length !== this.paramGroups.length) {
      fail(`the state dict has ${savedGroups.length} parameter groups, this optimizer ${this.paramGroups.length}`);
    }
    let offset = 0;
    const groups = savedGroups.map((saved, i) => {
      const g = asRecord(saved, `meta.groups.${i}`, fail);
      const own = this.paramGroups[i];
      const expected = own.params.map((_, j) => offset + j);
      offset += own.params.length;
      const indices = g.params;
      if (!Array.isArray(indices) || indices.length !== expected.length || indices.some((v, j) => v !== expected[j])) {
        fail(
          `meta.groups.${i}.params must be the parameter indices [${expected.join(',')}] (${expected.length} parameters here), got ${describe(indices)}`,
        );
      }
      const { params: _indices, ...hyper } = g;
      const allowed = new Set([...Object.keys(own), ...Object.keys(this.defaults), 'initialLr']);
      allowed.delete('params');
      for (const key of Object.keys(hyper)) if (!allowed.has(key)) fail(`meta.groups.${i} has an unknown field ${JSON.stringify(key)}`);
      for (const key of Object.keys(this.defaults)) if (!(key in hyper)) fail(`meta.groups.${i} lacks ${JSON.stringify(key)}`);
      try {
        this.validate({ ...own, ...hyper } as ParamGroup<O>);
      } catch (err) {
        if (err instanceof t.TensileError) fail(`meta.groups.${i}: ${err.message}`);
        throw err;
      }
      return hyper;
    });

    const steps = new Map<number, number>();
    for (const [key, step] of Object.entries(asRecord(meta.steps, 'meta.steps', fail))) {
      const index = paramIndex(key, params.length);
      if (index === undefined) fail(`meta.steps names parameter ${JSON.stringify(key)}; there are ${params.length}`);
      if (!Number.isSafeInteger(step) || (step as number) < 0)
        fail(`meta.steps.${key} must be a non-negative integer, got ${describe(step)}`);
      steps.set(index!, step as number);
    }

    const values: CheckedOptimizerState['values'] = [];
    if (this.stateValues) {
      for (const [key, saved] of Object.entries(asRecord(meta.values, 'meta.values', fail))) {
        const index = paramIndex(key, params.length);
        if (index === undefined) fail(`meta.values names parameter ${JSON.stringify(key)}; there are ${params.length}`);
        if (!((steps.get(index!) ?? 0) > 0)) fail(`meta.values.${key} belongs to parameter ${index}, which meta.steps says never stepped`);
        for (const [name, value] of Object.entries(asRecord(saved, `meta.values.${key}`, fail))) {
          if (!this.stateValues.includes(name)) {
            fail(`meta.values.${key}: ${this.typeName} keeps no value ${JSON.stringify(name)} (it keeps ${this.stateValues.join(', ')})`);
          }
          if (!isFiniteNumber(value)) fail(`meta.values.${key}.${name} must be a finite number, got ${describe(value)}`);
          values.push({ index: index!, name, value: value as number });
        }
      }
    }

    const buffers: CheckedOptimizerState['buffers'] = [];
    for (const [key, value] of Object.entries(state)) {
      const dot = key.indexOf('.');
      const index = dot > 0 ? paramIndex(key.slice(0, dot), params.length) : undefined;
      if (index === undefined) fail(`state ${JSON.stringify(key)} does not name a parameter index (0..${params.length - 1}) and a buffer`);
      const buffer = key.slice(dot + 1);
      if (this.stateBuffers && !this.stateBuffers.includes(buffer)) {
        fail(
          `state ${JSON.stringify(key)}: ${this.typeName} keeps no buffer ${JSON.stringify(buffer)} (it keeps ${this.stateBuffers.join(', ')})`,
        );
      }
      if (!(value instanceof t.Tensor) || value.isDisposed)
        fail(`state ${JSON.stringify(key)} must be a live tensor, got ${describe(value)}`);
      const x = value as t.Tensor;
      const p = params[index!];
      if (!t.isFloat(x.dtype)) throw new t.DTypeError(`${where}: state '${key}' is ${x.dtype}; state tensors are float`);
      if (x.shape.join() !== p.shape.join()) {
        throw new t.ShapeError(`${where}: state '${key}' is [${x.shape.join(', ')}], parameter ${index} is [${p.shape.join(', ')}]`);
      }
      if (!((steps.get(index!) ?? 0) > 0))
        fail(`state ${JSON.stringify(key)} belongs to parameter ${index}, which meta.steps says never stepped`);
      buffers.push({ index: index!, buffer, value: x });
    }
    return { groups, steps, buffers, values };
  }

  /** Frees the state tensors (parameters stay the caller's). Safe to call twice. */
  dispose(): void {
    this.disposeState();
    this.disposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private disposeState(): void {
    for (const s of this.state.values()) for (const b of Object.values(s.buffers)) b.dispose();
    this.state.clear();
  }

  private assertUsable(op: string): void {
    if (this.disposed) throw new t.ArgumentError(`${this.typeName}.${op}: the optimizer was disposed`);
  }
}
