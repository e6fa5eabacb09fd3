import * as t from '@tensile/core';

/**
 * Optimizer, scheduler and loader states are trees of plain values with
 * tensors at some leaves. We store the tensors in the safetensors data
 * section and the rest as JSON in its metadata, with `{"$tensor": name}`
 * where each tensor was. JSON cannot hold NaN or ±Infinity (a scheduler's
 * best loss starts at Infinity), so those become `{"$number": "Infinity"}`.
 * Object keys that start with `$` are escaped with a second `$`.
 */
export type StateJson = null | boolean | number | string | StateJson[] | { [key: string]: StateJson };

/** Replaces the tensors in `value` by references, collecting them in `tensors` under `prefix.path`. */
export function flattenState(value: unknown, prefix: string, tensors: Map<string, t.Tensor>): StateJson {
  const walk = (v: unknown, path: string): StateJson => {
    if (v instanceof t.Tensor) {
      if (tensors.has(path)) throw new t.ArgumentError(`state: two tensors would both be stored as ${JSON.stringify(path)}`);
      tensors.set(path, v);
      return { $tensor: path };
    }
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $number: String(v) };
    if (Array.isArray(v)) return v.map((item, i) => walk(item ?? null, `${path}.${i}`));
    if (typeof v === 'object' && isPlainObject(v)) {
      const out: Record<string, StateJson> = {};
      for (const [key, item] of Object.entries(v)) {
        if (item === undefined) continue;
        out[key.startsWith('$') ? `$${key}` : key] = walk(item, `${path}.${key}`);
      }
      return out;
    }
    const kind = typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
    throw new t.ArgumentError(
      `state: cannot store ${kind} at ${JSON.stringify(path)}; use numbers, strings, arrays, plain objects and tensors`,
    );
  };
  return walk(value, prefix);
}

/** The non-finite numbers flattenState writes as `{"$number": …}`. */
const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/**
 * Inverse of {@link flattenState}: puts the loaded tensors back where their
 * references are. The JSON comes from a file, so every marker is checked:
 * `{"$tensor": name}` must name a tensor of the file that no other
 * reference names, `{"$number": …}` must be NaN or ±Infinity, and other
 * keys starting with one `$` are refused. `fail(problem)` throws the
 * caller's error; `path` names the field (`__metadata__.state.optimizer`).
 * `used` collects the names of the tensors referenced.
 */
export function unflattenState<T = t.Tensor>(
  json: StateJson,
  tensors: Record<string, T>,
  path: string,
  fail: (problem: string) => never,
  used: Set<string> = new Set(),
): unknown {
  const walk = (v: StateJson, at: string): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${at}.${i}`));
    const keys = Object.keys(v);
    if ('$tensor' in v || '$number' in v) {
      if (keys.length !== 1) fail(`${at}: a $tensor or $number marker must be alone in its object, got keys ${keys.join(', ')}`);
    }
    if ('$tensor' in v) {
      const name = v.$tensor;
      if (typeof name !== 'string' || !Object.hasOwn(tensors, name)) {
        fail(`${at} refers to tensor ${JSON.stringify(name)}, which the file lacks`);
      }
      if (used.has(name as string)) fail(`${at} refers to tensor ${JSON.stringify(name)}, which another field refers to as well`);
      used.add(name as string);
      return tensors[name as string];
    }
    if ('$number' in v) {
      if (typeof v.$number !== 'string' || !NON_FINITE.has(v.$number))
        fail(`${at}: $number must be "NaN", "Infinity" or "-Infinity", got ${JSON.stringify(v.$number)}`);
      return Number(v.$number);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v)) {
      if (key.startsWith('$') && !key.startsWith('$$')) fail(`${at} has an unknown marker ${JSON.stringify(key)}`);
      const name = key.startsWith('$$') ? key.slice(1) : key;
      out[name] = walk(item, `${at}.${name}`);
    }
    return out;
  };
  return walk(json, path);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
