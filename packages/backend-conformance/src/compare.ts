import type { DataArray } from '@tensile/core';
import type { Ref, Tolerance } from './index-types.js';

/** Throws an error naming the case and the first entry that differs. */
export function assertClose(label: string, actual: ArrayLike<number>, actualShape: readonly number[], expected: Ref, tol: Tolerance): void {
  if (actualShape.length !== expected.shape.length || actualShape.some((d, i) => d !== expected.shape[i])) {
    throw new Error(`${label}: shape [${actualShape.join(',')}] differs from expected [${expected.shape.join(',')}]`);
  }
  if (actual.length !== expected.data.length) {
    throw new Error(`${label}: ${actual.length} values, expected ${expected.data.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected.data[i];
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e)) continue;
    throw new Error(`${label}: entry ${i} is ${a}, expected ${e} (rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

export function asNumbers(data: DataArray): number[] {
  return Array.from(data as ArrayLike<number>);
}

/** Expects fn to throw `type` with a message matching pattern (the suite's error cases). */
export function expectError(fn: () => unknown, type: new (...a: never[]) => Error, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof type)) throw new Error(`expected ${type.name} matching ${pattern}, got ${String(caught)}`);
  if (!pattern.test(caught.message)) throw new Error(`error message '${caught.message}' does not match ${pattern}`);
}
