import * as t from '@tensile/core';
import { strongWolfe } from './lbfgs-line-search.js';
import { Optimizer, type CheckedOptimizerState, type OptimizerStateDict, type ParamGroup, type ParamGroupInput } from './optimizer.js';

export interface LBFGSOptions {
  lr?: number;
  /** Iterations per step(). */
  maxIter?: number;
  /** Loss evaluations per step() (default ⌊maxIter·5/4⌋). */
  maxEval?: number;
  /** Stop when max |g| ≤ this. */
  toleranceGrad?: number;
  /** Stop when the loss or the parameters change less than this. */
  toleranceChange?: number;
  /** Curvature pairs kept. */
  historySize?: number;
  /** 'strong_wolfe', or null for a fixed step of lr. */
  lineSearchFn?: 'strong_wolfe' | null;
}

type Resolved = Required<Omit<LBFGSOptions, 'lineSearchFn'>> & { lr: number; lineSearchFn: 'strong_wolfe' | null };

/** Re-evaluates the model: zero the gradients, compute the loss, backward, and return the loss (a number or a tensor, which LBFGS reads and disposes). */
export type LBFGSClosure = () => t.Tensor | number | Promise<t.Tensor | number>;

/** The numbers of LBFGS's state (meta.lbfgs of its state dict). */
interface LBFGSNumbers {
  funcEvals: number;
  nIter: number;
  t: number;
  hDiag: number;
  prevLoss: number;
  ro: number[];
}

/** A tensor computed without the graph, its temporaries freed, kept (the caller disposes it). */
const compute = (fn: () => t.Tensor): t.Tensor => t.keep(t.noGrad(() => t.tidy(fn)));

const NUMBER_FIELDS = ['funcEvals', 'nIter', 't', 'hDiag', 'prevLoss'] as const;

/**
 * L-BFGS (torch.optim.LBFGS, minFunc's algorithm), optionally with the
 * strong-Wolfe line search. Like PyTorch, step takes a closure that
 * re-evaluates the loss (zeroGrad, forward, backward, return the loss) and
 * may call it several times. Unlike PyTorch, step is async and returns the
 * first loss as a number: the algorithm branches on losses and dot products,
 * which are read with `await` so it runs on every backend (webgpu has no
 * synchronous read). The closure may be async. One parameter group only.
 *
 * State (kept on the first parameter in PyTorch) is flat: the direction d,
 * the previous flat gradient and the history pairs, each [numel] tensors;
 * their state dict keys are `lbfgs.d`, `lbfgs.prevFlatGrad`,
 * `lbfgs.oldDirs.<i>`, `lbfgs.oldStps.<i>`, and the numbers are meta.lbfgs.
 */
export class LBFGS extends Optimizer<Resolved> {
  /** step() needs a closure that re-evaluates the loss: fit passes one when this is set. */
  readonly requiresClosure = true;
  private d: t.Tensor | null = null;
  private prevFlatGrad: t.Tensor | null = null;
  private oldDirs: t.Tensor[] = [];
  private oldStps: t.Tensor[] = [];
  private numbers: LBFGSNumbers | null = null;

  constructor(params: readonly t.Tensor[] | readonly ParamGroupInput<Resolved>[], options: LBFGSOptions = {}) {
    const maxIter = options.maxIter ?? 20;
    super('LBFGS', params, {
      lr: 1,
      maxIter,
      maxEval: Math.floor((maxIter * 5) / 4),
      toleranceGrad: 1e-7,
      toleranceChange: 1e-9,
      historySize: 100,
      lineSearchFn: null,
      ...options,
    });
    if (this.paramGroups.length !== 1)
      throw new t.ArgumentError(`LBFGS: doesn't support parameter groups (got ${this.paramGroups.length})`);
  }

  override addParamGroup(group: ParamGroupInput<Resolved>): void {
    if (this.paramGroups.length > 0) throw new t.ArgumentError("LBFGS: doesn't support parameter groups (there can be only one)");
    super.addParamGroup(group);
  }

  protected override validate(g: ParamGroup<Resolved>): void {
    super.validate(g);
    for (const key of ['maxIter', 'maxEval', 'historySize'] as const) {
      if (!(Number.isSafeInteger(g[key]) && g[key] > 0))
        throw new t.ArgumentError(`LBFGS: ${key} must be a positive integer, got ${g[key]}`);
    }
    this.checkRange('toleranceGrad', g.toleranceGrad, 0);
    this.checkRange('toleranceChange', g.toleranceChange, 0);
    if (g.lineSearchFn !== null && g.lineSearchFn !== 'strong_wolfe') {
      throw new t.ArgumentError(`LBFGS: lineSearchFn must be 'strong_wolfe' or null, got ${JSON.stringify(g.lineSearchFn)}`);
    }
  }

  /** LBFGS updates all parameters together in step(closure); the per-parameter path of the base class is never taken. */
  protected update(): void {
    throw new t.ArgumentError('LBFGS: step needs a closure that re-evaluates the loss');
  }

  private get params(): t.Tensor[] {
    return this.paramGroups[0].params;
  }

  /** The gradients as one flat tensor (zeros for a parameter without one). */
  private flatGrad(): t.Tensor {
    return compute(() => t.concat(this.params.map((p) => (p.grad ?? p.zerosLike()).reshape([-1]))));
  }

  /** p ← p + step·d, in PyTorch's order (parameter by parameter). */
  private addDirection(step: number, d: t.Tensor): void {
    t.noGrad(() =>
      t.tidy(() => {
        let offset = 0;
        for (const p of this.params) {
          t.assign(p, p.add(d.narrow(0, offset, p.size).reshape(p.shape).mul(step)));
          offset += p.size;
        }
      }),
    );
  }

  private async read(fn: () => t.Tensor): Promise<number> {
    const x = compute(fn);
    try {
      return (await x.data())[0] as number;
    } finally {
      x.dispose();
    }
  }

  private dot = (a: t.Tensor, b: t.Tensor) => this.read(() => a.mul(b).sum());
  private absMax = (a: t.Tensor) => this.read(() => a.abs().max());

  private async evaluate(closure: LBFGSClosure): Promise<number> {
    const result = await closure();
    if (typeof result === 'number') return result;
    if (!(result instanceof t.Tensor))
      throw new t.ArgumentError(`LBFGS.step: the closure must return the loss (a number or a tensor), got ${typeof result}`);
    try {
      return (await result.data())[0] as number;
    } finally {
      result.dispose();
    }
  }

  /** Runs up to maxIter L-BFGS iterations, calling `closure` for each loss; resolves to the first loss. */
  override async step(closure?: LBFGSClosure): Promise<number> {
    if (typeof closure !== 'function')
      throw new t.ArgumentError('LBFGS.step: needs a closure that re-evaluates the loss (zeroGrad, forward, backward, return the loss)');
    const g = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = g;
    const n = (this.numbers ??= { funcEvals: 0, nIter: 0, t: 0, hDiag: 1, prevLoss: 0, ro: [] });
    const origLoss = await this.evaluate(closure);
    let loss = origLoss;
    let currentEvals = 1;
    n.funcEvals++;
    let flatGrad = this.flatGrad();
    try {
      if ((await this.absMax(flatGrad)) <= toleranceGrad) return origLoss;
      let step = n.t;
      let iter = 0;
      while (iter < maxIter) {
        iter++;
        n.nIter++;
        if (n.nIter === 1) {
          this.replaceD(compute(() => flatGrad.neg()));
          t.dispose([this.oldDirs, this.oldStps]);
          this.oldDirs = [];
          this.oldStps = [];
          n.ro = [];
          n.hDiag = 1;
        } else {
          await this.updateDirection(flatGrad, step, historySize);
        }
        const d = this.d!;
        this.prevFlatGrad?.dispose();
        this.prevFlatGrad = compute(() => flatGrad.clone());
        n.prevLoss = loss;
        step = n.nIter === 1 ? Math.min(1, 1 / (await this.read(() => flatGrad.abs().sum()))) * lr : lr;
        const gtd = await this.dot(flatGrad, d);
        if (gtd > -toleranceChange) break;
        let lsEvals = 0;
        let optCond = false;
        if (lineSearchFn === 'strong_wolfe') {
          const x = t.noGrad(() => this.params.map((p) => t.keep(p.clone())));
          try {
            const evaluate = async (s: number) => {
              this.addDirection(s, d);
              const value = await this.evaluate(closure);
              const grad = this.flatGrad();
              t.noGrad(() => this.params.forEach((p, i) => t.assign(p, x[i].clone())));
              return { loss: value, grad };
            };
            const dNorm = await this.absMax(d);
            const found = await strongWolfe(evaluate, this.dot, dNorm, step, d, loss, flatGrad, gtd);
            if (found.grad !== flatGrad) flatGrad.dispose();
            ({ loss, grad: flatGrad, step, evals: lsEvals } = found);
          } finally {
            t.dispose(x);
          }
          this.addDirection(step, d);
          optCond = (await this.absMax(flatGrad)) <= toleranceGrad;
        } else {
          this.addDirection(step, d);
          if (iter !== maxIter) {
            loss = await this.evaluate(closure);
            flatGrad.dispose();
            flatGrad = this.flatGrad();
            optCond = (await this.absMax(flatGrad)) <= toleranceGrad;
            lsEvals = 1;
          }
        }
        currentEvals += lsEvals;
        n.funcEvals += lsEvals;
        if (iter === maxIter || currentEvals >= maxEval || optCond) break;
        const s = step;
        if ((await this.read(() => d.mul(s).abs().max())) <= toleranceChange) break;
        if (Math.abs(loss - n.prevLoss) < toleranceChange) break;
      }
      n.t = step;
      return origLoss;
    } finally {
      flatGrad.dispose();
    }
  }

  private replaceD(d: t.Tensor): void {
    this.d?.dispose();
    this.d = d;
  }

  /** The two-loop recursion: adds the last curvature pair (if ys > 1e-10) and sets d = -H·g. */
  private async updateDirection(flatGrad: t.Tensor, step: number, historySize: number): Promise<void> {
    const n = this.numbers!;
    const d = this.d!;
    const y = compute(() => flatGrad.sub(this.prevFlatGrad!));
    const s = compute(() => d.mul(step));
    const ys = await this.dot(y, s);
    if (ys > 1e-10) {
      if (this.oldDirs.length === historySize) {
        this.oldDirs.shift()!.dispose();
        this.oldStps.shift()!.dispose();
        n.ro.shift();
      }
      this.oldDirs.push(y);
      this.oldStps.push(s);
      n.ro.push(1 / ys);
      n.hDiag = ys / (await this.dot(y, y));
    } else {
      t.dispose([y, s]);
    }
    const count = this.oldDirs.length;
    const al: number[] = new Array(count);
    let q = compute(() => flatGrad.neg());
    for (let i = count - 1; i >= 0; i--) {
      al[i] = (await this.dot(this.oldStps[i], q)) * n.ro[i];
      const next = compute(() => q.sub(this.oldDirs[i].mul(al[i])));
      q.dispose();
      q = next;
    }
    let r = compute(() => q.mul(n.hDiag));
    q.dispose();
    for (let i = 0; i < count; i++) {
      const be = (await this.dot(this.oldDirs[i], r)) * n.ro[i];
      const next = compute(() => r.add(this.oldStps[i].mul(al[i] - be)));
      r.dispose();
      r = next;
    }
    this.replaceD(r);
  }

  override stateDict(): OptimizerStateDict {
    const dict = super.stateDict();
    const copy = (x: t.Tensor) => t.keep(x.clone());
    if (this.d) dict.state['lbfgs.d'] = copy(this.d);
    if (this.prevFlatGrad) dict.state['lbfgs.prevFlatGrad'] = copy(this.prevFlatGrad);
    this.oldDirs.forEach((x, i) => (dict.state[`lbfgs.oldDirs.${i}`] = copy(x)));
    this.oldStps.forEach((x, i) => (dict.state[`lbfgs.oldStps.${i}`] = copy(x)));
    (dict.meta as Record<string, unknown>).lbfgs = this.numbers ? { ...this.numbers, ro: [...this.numbers.ro] } : null;
    return dict;
  }

  /** As the base class, plus the flat state: every `lbfgs.*` tensor [numel] and float, meta.lbfgs's numbers, one history entry per ro. */
  override checkStateDict(
    dict: unknown,
    where = 'LBFGS.checkStateDict',
  ): CheckedOptimizerState & { lbfgs: { numbers: LBFGSNumbers | null; tensors: Record<string, t.Tensor> } } {
    const fail = (problem: string): never => {
      throw new t.ArgumentError(`${where}: ${problem}`);
    };
    const isRecord = (v: unknown): v is Record<string, unknown> =>
      v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof t.Tensor);
    if (!isRecord(dict) || !isRecord(dict.state) || !isRecord(dict.meta)) return fail('the state dict must be { state, meta } objects');
    const { lbfgs, ...meta } = dict.meta;
    const state: Record<string, unknown> = {};
    const tensors: Record<string, t.Tensor> = {};
    for (const [key, value] of Object.entries(dict.state)) {
      if (key.startsWith('lbfgs.')) tensors[key.slice(6)] = value as t.Tensor;
      else state[key] = value;
    }
    const checked = super.checkStateDict({ ...dict, state, meta }, where);
    if (lbfgs === undefined) fail('meta lacks "lbfgs"');
    let numbers: LBFGSNumbers | null = null;
    if (lbfgs !== null) {
      if (!isRecord(lbfgs)) return fail(`meta.lbfgs must be an object or null`);
      for (const key of Object.keys(lbfgs))
        if (![...NUMBER_FIELDS, 'ro'].includes(key)) fail(`meta.lbfgs has an unknown field ${JSON.stringify(key)}`);
      for (const key of NUMBER_FIELDS) {
        const v = lbfgs[key];
        if (typeof v !== 'number' || !Number.isFinite(v)) fail(`meta.lbfgs.${key} must be a finite number, got ${String(v)}`);
      }
      for (const key of ['funcEvals', 'nIter'] as const)
        if (!(Number.isSafeInteger(lbfgs[key]) && (lbfgs[key] as number) >= 0)) fail(`meta.lbfgs.${key} must be a non-negative integer`);
      const ro = lbfgs.ro;
      if (!Array.isArray(ro) || !ro.every((v) => typeof v === 'number' && Number.isFinite(v)))
        return fail('meta.lbfgs.ro must be an array of finite numbers');
      if (ro.length > this.paramGroups[0].historySize)
        fail(`meta.lbfgs.ro has ${ro.length} entries, more than historySize ${this.paramGroups[0].historySize}`);
      numbers = { ...(lbfgs as unknown as LBFGSNumbers), ro: [...ro] };
    }
    const numel = this.params.reduce((sum, p) => sum + p.size, 0);
    const history = numbers?.ro.length ?? 0;
    const expected = new Set<string>();
    if (numbers && numbers.nIter > 0) expected.add('d').add('prevFlatGrad');
    for (let i = 0; i < history; i++) expected.add(`oldDirs.${i}`).add(`oldStps.${i}`);
    for (const key of expected) if (!(key in tensors)) fail(`state lacks "lbfgs.${key}"`);
    for (const [key, value] of Object.entries(tensors)) {
      if (!expected.has(key)) fail(`state has an unexpected "lbfgs.${key}" (${history} history pairs)`);
      if (!(value instanceof t.Tensor) || value.isDisposed) fail(`state "lbfgs.${key}" must be a live tensor`);
      if (!t.isFloat(value.dtype)) throw new t.DTypeError(`${where}: state 'lbfgs.${key}' is ${value.dtype}; state tensors are float`);
      if (value.shape.join() !== String(numel))
        throw new t.ShapeError(`${where}: state 'lbfgs.${key}' is [${value.shape.join(', ')}], the flat parameters are [${numel}]`);
    }
    return { ...checked, lbfgs: { numbers, tensors } };
  }

  override loadStateDict(dict: OptimizerStateDict): void {
    const { groups, lbfgs } = this.checkStateDict(dict, 'LBFGS.loadStateDict');
    // The per-parameter state of the base class stays empty: LBFGS's state is flat.
    groups.forEach((hyper, i) => Object.assign(this.paramGroups[i], hyper));
    this.disposeFlatState();
    const dtype = this.params[0].dtype;
    const copy = (x: t.Tensor) => compute(() => x.cast(dtype).clone());
    this.numbers = lbfgs.numbers;
    this.d = lbfgs.tensors.d ? copy(lbfgs.tensors.d) : null;
    this.prevFlatGrad = lbfgs.tensors.prevFlatGrad ? copy(lbfgs.tensors.prevFlatGrad) : null;
    const count = lbfgs.numbers?.ro.length ?? 0;
    this.oldDirs = Array.from({ length: count }, (_, i) => copy(lbfgs.tensors[`oldDirs.${i}`]));
    this.oldStps = Array.from({ length: count }, (_, i) => copy(lbfgs.tensors[`oldStps.${i}`]));
  }

  private disposeFlatState(): void {
    t.dispose([this.d, this.prevFlatGrad, this.oldDirs, this.oldStps]);
    this.d = this.prevFlatGrad = null;
    this.oldDirs = [];
    this.oldStps = [];
    this.numbers = null;
  }

  override dispose(): void {
    this.disposeFlatState();
    super.dispose();
  }
}
