import { engine } from './engine.js';
import { Tensor } from './tensor.js';

/**
 * Runs fn and frees every tensor created inside it except those it returns
 * (found in returned arrays and plain objects too) and those passed to keep().
 * fn must be synchronous: a Promise cannot be scoped (TensorFlow.js users
 * learned this the hard way), so tidy refuses one.
 *
 * @example
 * const y = tidy(() => x.mul(2).add(1)); // the x.mul(2) temporary is freed
 */
export function tidy<T>(fn: () => T): T {
  const e = engine();
  const scope = new Set<Tensor>();
  e.scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    e.scopes.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  e.scopes.pop();
  if (result instanceof Promise) {
    throw new TypeError('tidy: fn returned a Promise; tidy only scopes synchronous code (await outside it)');
  }
  const returned = new Set<Tensor>();
  collectTensors(result, returned);
  const parent = e.scopes[e.scopes.length - 1];
  for (const t of scope) {
    if (returned.has(t) || t._kept) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** Exempts a tensor from the tidy() scopes around it; returns it. */
export function keep<T extends Tensor>(t: T): T {
  t._kept = true;
  engine().untrack(t);
  return t;
}

/** Disposes every tensor found in a value (arrays and plain objects are searched). */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(value, found);
  for (const t of found) t.dispose();
}

function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into, depth + 1);
  } else if (value instanceof Map) {
    for (const v of value.values()) collectTensors(v, into, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into, depth + 1);
  }
}
