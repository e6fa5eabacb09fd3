import * as t from '@tensile/core';
import { describe } from '../describe-value.js';

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
    const plain =
      ['number', 'string', 'boolean'].includes(typeof value) ||
      (Array.isArray(value) && value.every((v) => ['number', 'string', 'boolean'].includes(typeof v)));
    if (plain) out[key] = encodeValue(value);
  }
  return out;
}

/** Counters (integers at least this) among the scheduler fields. */
const COUNTERS: Readonly<Record<string, number>> = { lastEpoch: -1, stepCount: 0, numBadEpochs: 0, cooldownCounter: 0 };
/** String fields and the values they may take (`<type>.<field>` where a field's choices differ by scheduler). */
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  mode: ['min', 'max'],
  'CyclicLR.mode': ['triangular', 'triangular2', 'exp_range'],
  'CyclicLR.scaleMode': ['cycle', 'iterations'],
  thresholdMode: ['rel', 'abs'],
  annealStrategy: ['cos', 'linear'],
};
/** Fields that may hold ±Infinity (ReduceLROnPlateau's best before the first metric). */
const MAY_BE_INFINITE = new Set(['best']);

/**
 * Checks a saved scheduler state against the scheduler's own fields and
 * returns the values to set. Only the data fields the scheduler has
 * (plainFields) may appear, each present, with the kind it has now (number,
 * string, boolean, array of numbers of the same length for per-group
 * lists), numbers finite (best may be ±Infinity), counters integers and
 * strings one of their choices. So a saved `step: 5` cannot replace a method.
 * Changes nothing.
 */
export function checkFields(obj: object, dict: unknown, typeName: string, where: string): Record<string, unknown> {
  const fail = (problem: string): never => {
    throw new t.ArgumentError(`${where}: ${problem}`);
  };
  const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isRecord(dict)) return fail(`the state dict must be an object { state, meta }, got ${describe(dict)}`);
  for (const key of Object.keys(dict))
    if (key !== 'state' && key !== 'meta') fail(`the state dict has an unknown field ${JSON.stringify(key)}`);
  if (!isRecord(dict.state) || Object.keys(dict.state).length > 0)
    fail(`state must be an empty object (schedulers keep no tensors), got ${describe(dict.state)}`);
  const meta = dict.meta;
  if (!isRecord(meta)) return fail(`meta must be an object, got ${describe(meta)}`);
  if (meta.type !== typeName)
    fail(`the state dict is from ${typeof meta.type === 'string' ? meta.type : describe(meta.type)}, this is ${typeName}`);
  const own = plainFields(obj, ['typeName']);
  const out: Record<string, unknown> = {};
  for (const [key, saved] of Object.entries(meta)) {
    if (key === 'type' || key === 'children') continue;
    if (!(key in own)) fail(`meta has an unknown field ${JSON.stringify(key)} (${typeName} has ${Object.keys(own).join(', ')})`);
    const current = decodeValue(own[key]);
    const value = decodeValue(saved);
    const bad = (expected: string): never => fail(`meta.${key} must be ${expected}, got ${describe(saved)}`);
    const checkNumber = (v: unknown, expected: string): void => {
      if (typeof v !== 'number' || Number.isNaN(v) || (!Number.isFinite(v) && !MAY_BE_INFINITE.has(key))) bad(expected);
    };
    if (typeof current === 'number') {
      checkNumber(value, 'a finite number');
      if (key in COUNTERS && !(Number.isSafeInteger(value) && (value as number) >= COUNTERS[key])) bad(`an integer ≥ ${COUNTERS[key]}`);
    } else if (typeof current === 'string') {
      if (typeof value !== 'string') bad('a string');
      const choices = CHOICES[`${typeName}.${key}`] ?? CHOICES[key];
      if (choices && !choices.includes(value as string)) bad(`one of ${choices.join(', ')}`);
    } else if (typeof current === 'boolean') {
      if (typeof value !== 'boolean') bad('true or false');
    } else if (Array.isArray(current)) {
      if (!Array.isArray(value)) return bad('an array');
      const perGroup = key === 'baseLrs' || key === 'lastLrs' || key === 'minLrs';
      if (perGroup && current.length > 0 && value.length !== current.length) bad(`${current.length} values (one per parameter group)`);
      for (const v of value) checkNumber(v, 'an array of finite numbers');
    }
    out[key] = value;
  }
  for (const key of Object.keys(own)) if (!(key in meta)) fail(`meta lacks ${JSON.stringify(key)}`);
  return out;
}

/** Checks (see {@link checkFields}) and then sets a scheduler's saved fields. */
export function restoreFields(obj: object, dict: unknown, typeName: string, where = `${typeName}.loadStateDict`): void {
  Object.assign(obj, checkFields(obj, dict, typeName, where));
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
  /** The registry's entry shape (core's RegistryEntry): `X.create(...args)` is `new X(...args)`. */
  static create<A extends unknown[], T>(this: new (...args: A) => T, ...args: A): T {
    return new this(...args);
  }

  lastEpoch = -1;
  baseLrs: number[];
  protected stepCount = 0;
  protected lastLrs: number[] = [];

  constructor(
    readonly optimizer: SchedulableOptimizer,
    readonly typeName: string,
    initialLrs?: readonly number[],
  ) {
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

  /** Restores a state from stateDict(); a refused state changes nothing. */
  loadStateDict(dict: SchedulerStateDict): void {
    restoreFields(this, dict, this.typeName);
  }

  /** Throws, naming the field, unless loadStateDict would accept `dict`; changes nothing. */
  checkStateDict(dict: unknown, where = `${this.typeName}.checkStateDict`): void {
    checkFields(this, dict, this.typeName, where);
  }
}
