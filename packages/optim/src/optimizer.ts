import * as t from '@tensile/core';

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

/** Per-parameter state: the step count and named state tensors (kept, owned by the optimizer). */
export interface ParamState {
  step: number;
  buffers: Record<string, t.Tensor>;
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
  };
}

/**
 * The base of every optimizer: parameter groups, per-parameter state, the
 * step loop that updates parameters in place, zeroGrad and state dicts.
 * Subclasses implement `update` for one parameter; it runs under noGrad and
 * tidy, so its temporaries are freed and the live-tensor count stays flat.
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  readonly paramGroups: ParamGroup<O>[];
  readonly defaults: Readonly<O>;
  protected readonly state = new Map<t.Tensor, ParamState>();
  private disposed = false;

  constructor(
    /** The optimizer's name, used in error messages and state dicts. */
    readonly typeName: string,
    params: readonly t.Tensor[] | readonly ParamGroupInput<O>[],
    defaults: O,
  ) {
    this.defaults = Object.freeze({ ...defaults });
    const inputs = params.length > 0 && params[0] instanceof t.Tensor
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

  /** Checks a group's hyper-parameters; subclasses add their own checks. */
  protected validate(group: ParamGroup<O>): void {
    if (!(group.lr >= 0)) throw new t.ArgumentError(`${this.typeName}: lr must be ≥ 0, got ${group.lr}`);
  }

  /** Throws naming the optimizer unless `value` lies in [lo, hi) (hi inclusive when closed). */
  protected checkRange(param: string, value: number, lo: number, hi = Infinity, closed = false): void {
    const ok = value >= lo && (closed ? value <= hi : value < hi);
    if (!ok) throw new t.ArgumentError(`${this.typeName}: ${param} must be in [${lo}, ${hi}${closed ? ']' : ')'}, got ${value}`);
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
    params.forEach((p, i) => {
      const s = this.state.get(p);
      if (!s) return;
      steps[i] = s.step;
      for (const [name, buf] of Object.entries(s.buffers)) state[`${i}.${name}`] = t.keep(buf.clone());
    });
    let offset = 0;
    const groups = this.paramGroups.map((g) => {
      const { params: ps, ...hyper } = g;
      const indices = ps.map((_, j) => offset + j);
      offset += ps.length;
      return { ...hyper, params: indices };
    });
    return { state, meta: { type: this.typeName, groups, steps } };
  }

  /**
   * Restores state saved by stateDict (from an optimizer over parameters of
   * the same shapes, in the same order). The tensors are copied; the
   * caller keeps ownership of the dict.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    this.assertUsable('loadStateDict');
    const name = this.typeName;
    const { meta } = dict;
    if (meta.type !== name) throw new t.ArgumentError(`${name}.loadStateDict: the state dict is from ${meta.type}`);
    if (meta.groups.length !== this.paramGroups.length) {
      throw new t.ArgumentError(`${name}.loadStateDict: the state dict has ${meta.groups.length} parameter groups, this optimizer ${this.paramGroups.length}`);
    }
    meta.groups.forEach((g, i) => {
      const count = (g.params as number[]).length;
      if (count !== this.paramGroups[i].params.length) {
        throw new t.ArgumentError(`${name}.loadStateDict: group ${i} has ${count} parameters in the state dict, ${this.paramGroups[i].params.length} here`);
      }
    });
    const params = this.allParams();
    for (const [key, value] of Object.entries(dict.state)) {
      const index = Number(key.slice(0, key.indexOf('.')));
      const p = params[index];
      if (!p) throw new t.ArgumentError(`${name}.loadStateDict: state '${key}' names parameter ${index}, there are ${params.length}`);
      if (value.shape.join() !== p.shape.join()) {
        throw new t.ShapeError(`${name}.loadStateDict: state '${key}' is [${value.shape.join(', ')}], parameter ${index} is [${p.shape.join(', ')}]`);
      }
    }
    this.disposeState();
    for (const [key, value] of Object.entries(dict.state)) {
      const index = Number(key.slice(0, key.indexOf('.')));
      const p = params[index];
      let s = this.state.get(p);
      if (!s) this.state.set(p, (s = { step: meta.steps[index] ?? 0, buffers: {} }));
      s.buffers[key.slice(key.indexOf('.') + 1)] = t.keep(value.cast(p.dtype));
    }
    for (const [index, step] of Object.entries(meta.steps)) {
      const p = params[Number(index)];
      if (p && !this.state.has(p)) this.state.set(p, { step, buffers: {} });
    }
    meta.groups.forEach((g, i) => {
      const { params: _indices, ...hyper } = g;
      Object.assign(this.paramGroups[i], hyper);
    });
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
