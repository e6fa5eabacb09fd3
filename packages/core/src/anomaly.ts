import type { DataArray } from './backend/backend.js';
import { isFloat } from './dtype.js';
import { engine, type OpEvent } from './engine.js';
import { TensileError, fmtShape } from './errors.js';
import { fromData } from './ops/creation.js';
import { concat } from './ops/shape.js';
import { keep, tidy } from './scope.js';
import type { Tensor } from './tensor.js';

/** What anomaly mode knows about one input of the op at fault. */
export interface AnomalyInput {
  shape: readonly number[];
  dtype: string;
  min: number;
  max: number;
  hasNaN: boolean;
  hasInf: boolean;
}

/** The first op whose output held NaN or Infinity, with where and why. */
export class AnomalyError extends TensileError {
  constructor(
    message: string,
    readonly op: string,
    readonly module: string,
    /** For a backward op: the forward op whose gradient was being computed. */
    readonly backwardOf: string | null,
    readonly inputs: AnomalyInput[],
    readonly found: 'NaN' | 'Infinity',
  ) {
    super(message);
  }
}

interface PendingCheck {
  event: OpEvent;
  /** [nan count, inf count] of the output, and per input [min, max, nan, inf]. */
  stats: Tensor;
}

let pending: PendingCheck[] = [];
let checking = false;
let unsubscribe: (() => void) | null = null;

/** Per-tensor [min, max, #NaN, #Inf] over finite values, as one small float32 tensor. */
function statsOf(x: Tensor): Tensor {
  if (x.size === 0) return fromData(Float32Array.of(Infinity, -Infinity, 0, 0), [4], 'float32');
  const f = x.cast('float32');
  const nan = f.isNaN();
  const inf = f.isInf();
  const finite = nan.logicalOr(inf).logicalNot();
  const lo = f.where(finite, Infinity).min();
  const hi = f.where(finite, -Infinity).max();
  return concat([lo.reshape([1]), hi.reshape([1]), nan.sum().cast('float32').reshape([1]), inf.sum().cast('float32').reshape([1])]);
}

function describe(event: OpEvent, values: Float32Array): AnomalyError {
  const [outNaN, outInf] = [values[2], values[3]];
  const found = outNaN > 0 ? 'NaN' : 'Infinity';
  const inputs: AnomalyInput[] = event.inputs.map((x, i) => {
    const o = 4 * (i + 1);
    return { shape: x.shape, dtype: x.dtype, min: values[o], max: values[o + 1], hasNaN: values[o + 2] > 0, hasInf: values[o + 3] > 0 };
  });
  const where = event.module ? `${event.module}.${event.backwardOf ? 'backward' : 'forward'} → ` : '';
  const phase = event.backwardOf ? `the backward of '${event.backwardOf}'` : 'forward';
  const ins = inputs
    .map(
      (x, i) =>
        `  input ${i}: ${fmtShape(x.shape)} ${x.dtype}, range [${x.min}, ${x.max}]${x.hasNaN ? ', holds NaN' : ''}${x.hasInf ? ', holds Infinity' : ''}`,
    )
    .join('\n');
  const cause = inputs.some((x) => x.hasNaN || x.hasInf) ? 'an input already held NaN/Infinity' : 'the inputs were finite: this op made it';
  return new AnomalyError(
    `anomaly: ${where}${event.op} (${phase}) produced ${found} (${outNaN} NaN, ${outInf} Infinity in ${fmtShape(event.output.shape)}); ${cause}\n${ins}`,
    event.op,
    event.module,
    event.backwardOf,
    inputs,
    found,
  );
}

function observe(event: OpEvent): void {
  if (checking || !isFloat(event.output.dtype)) return;
  checking = true;
  try {
    if (event.output.size === 0) return;
    const stats = keep(tidy(() => concat([statsOf(event.output), ...event.inputs.map((x) => statsOf(x))])));
    const backend = stats.backend;
    if (backend.readSync) {
      // Synchronous backends throw right at the op, with the op on the stack.
      const values = backend.readSync(stats.handle('anomaly'), 'float32', stats.size) as Float32Array;
      stats.dispose();
      if (values[2] > 0 || values[3] > 0) throw describe(event, values);
    } else {
      pending.push({ event, stats });
    }
  } finally {
    checking = false;
  }
}

/** Turns anomaly mode on or off for everything that follows (also what `tensile train --detect-anomaly` does). */
export function setAnomalyDetection(on: boolean): void {
  if (on && !unsubscribe) {
    const e = engine();
    e.observers.add(observe);
    unsubscribe = () => e.observers.delete(observe);
  } else if (!on && unsubscribe) {
    unsubscribe();
    unsubscribe = null;
  }
}

export function isAnomalyDetectionEnabled(): boolean {
  return unsubscribe !== null;
}

/**
 * Resolves once every queued check has been read back (asynchronous
 * backends), throwing the AnomalyError of the first op, in issue order, that
 * produced NaN or Infinity.
 */
export async function checkAnomalies(): Promise<void> {
  const checks = pending;
  pending = [];
  let first: AnomalyError | null = null;
  for (const c of checks) {
    const values = (await c.stats.data<DataArray>()) as Float32Array;
    c.stats.dispose();
    if (!first && (values[2] > 0 || values[3] > 0)) first = describe(c.event, values);
  }
  if (first) throw first;
}

/**
 * Runs fn with anomaly mode on: after every op, forward and backward, its
 * output is checked for NaN/Infinity, and the first one found throws an
 * AnomalyError naming the op, the module path of the layer that called it
 * (`model.3 (Linear).forward → matmul`), the inputs' shapes and value ranges,
 * and for a backward op the forward op it belongs to.
 *
 * Cost: on, each op adds a few reductions per input and a read back (cpu/wasm
 * read synchronously; webgpu queues the checks and reads them when fn ends).
 * Off, an op pays one flag check.
 *
 * @example
 * await detectAnomaly(() => { const loss = lossFn(model.forward(x), y); loss.backward(); });
 */
export async function detectAnomaly<T>(fn: () => T | Promise<T>): Promise<T> {
  const wasOn = isAnomalyDetectionEnabled();
  setAnomalyDetection(true);
  try {
    const result = await fn();
    await checkAnomalies();
    return result;
  } catch (err) {
    // An earlier queued anomaly explains a later failure better.
    await checkAnomalies();
    throw err;
  } finally {
    if (!wasOn) setAnomalyDetection(false);
  }
}
