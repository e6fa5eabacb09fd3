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
    throw new t.ArgumentError(`state: cannot store ${kind} at ${JSON.stringify(path)}; use numbers, strings, arrays, plain objects and tensors`);
  };
  return walk(value, prefix);
}

/** Inverse of {@link flattenState}: puts the loaded tensors back where their references are. */
export function unflattenState(json: StateJson, tensors: Record<string, t.Tensor>, where: string): unknown {
  const walk = (v: StateJson): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v.$tensor === 'string') {
      const found = tensors[v.$tensor];
      if (found === undefined) throw new t.ArgumentError(`${where}: state refers to tensor ${JSON.stringify(v.$tensor)}, which the file lacks`);
      return found;
    }
    if (typeof v.$number === 'string') return Number(v.$number);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v)) out[key.startsWith('$$') ? key.slice(1) : key] = walk(item);
    return out;
  };
  return walk(json);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
