import * as t from '@tensile/core';

/** What a scheduler needs of an optimizer: its parameter groups' hyper-parameters. */
export interface SchedulableOptimizer {
  readonly paramGroups: { lr: number; initialLr?: number; [option: string]: unknown }[];
}

/** A scheduler's state as JSON (no tensors: `state` is empty, kept for the shape io expects). */
export interface SchedulerStateDict {
  state: Record<string, t.Tensor>;
  meta: { type: string; [field: string]: unknown };
}

/** Numbers JSON cannot hold (Infinity, NaN) are written as strings. */
function encodeValue(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return v.map(encodeValue);
  return v;
}

function decodeValue(v: unknown): unknown {
  if (v === 'Infinity' || v === '-Infinity' || v === 'NaN') return Number(v);
  if (Array.isArray(v)) return v.map(decodeValue);
  return v;
}

/** The plain fields (numbers, strings, booleans and arrays of them) of a scheduler, as PyTorch's state_dict. */
export function plainFields(obj: object, skip: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (skip.includes(key)) continue;
    const plain = ['number', 'string', 'boolean'].includes(typeof value) ||
      (Array.isArray(value) && value.every((v) => ['number', 'string', 'boolean'].includes(typeof v)));
    if (plain) out[key] = encodeValue(value);
  }
  return out;
}

export function restoreFields(obj: object, meta: Record<string, unknown>, typeName: string): void {
  if (meta.type !== typeName) throw new t.ArgumentError(`${typeName}.loadStateDict: the state dict is from ${String(meta.type)}`);
  for (const [key, value] of Object.entries(meta)) {
    if (key === 'type' || key === 'children') continue;
    (obj as Record<string, unknown>)[key] = decodeValue(value);
  }
}

/**
 * The base of the epoch-indexed LR schedulers, as torch.optim.lr_scheduler:
 * each step() advances lastEpoch and sets every group's lr from getLr(),
 * written in PyTorch's recursive form (from the group's current lr) so
 * schedulers chain. Construction performs the first step (lastEpoch 0).
 *
 * step() takes no epoch: a number passed (fit passes the epoch's loss to
 * every scheduler, for ReduceLROnPlateau) is ignored.
 *
 * To resume, construct the optimizer and the scheduler, then load the
 * optimizer's state dict and the scheduler's (construction writes the lr).
 */
export abstract class LRScheduler {
  lastEpoch = -1;
  baseLrs: number[];
  protected stepCount = 0;
  protected lastLrs: number[] = [];

  constructor(readonly optimizer: SchedulableOptimizer, readonly typeName: string, initialLrs?: readonly number[]) {
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) throw new t.ArgumentError(`${typeName}: needs an optimizer with paramGroups`);
    optimizer.paramGroups.forEach((g, i) => {
      if (initialLrs) g.initialLr = initialLrs[i];
      else g.initialLr ??= g.lr;
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /** PyTorch's recursive lr of each group for the current lastEpoch. */
  protected abstract getLr(): number[];

  /** The lr as a function of lastEpoch alone (used when SequentialLR restarts a scheduler at 0). */
  protected closedFormLr?(): number[];

  /** @internal The step the constructor performs (and SequentialLR repeats). */
  initialStep(): void {
    this.stepCount = 0;
    this.advance();
  }

  /** Advances one epoch (or one batch, for per-step schedules) and sets the groups' lr. */
  step(_ignored?: number): void {
    this.advance();
  }

  /** @internal Advances one step, or jumps to `epoch` using the closed form (SequentialLR's restart). */
  advance(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]));
    this.lastLrs = values;
  }

  /** The lr of each group set by the last step. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): SchedulerStateDict {
    return { state: {}, meta: { type: this.typeName, ...plainFields(this, ['typeName']) } };
  }

  loadStateDict(dict: SchedulerStateDict): void {
    restoreFields(this, dict.meta, this.typeName);
  }
}
